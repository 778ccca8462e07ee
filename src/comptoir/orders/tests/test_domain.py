from decimal import Decimal

import pytest

from comptoir.orders.domain import (
    ALLOWED_TRANSITIONS,
    MixedCurrencies,
    OrderStatus,
    PricedLine,
    TransitionNotAllowed,
    check_transition,
    new_pickup_code,
    order_total,
    pickup_code_matches,
)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        pytest.param("awaiting_payment", "placed", id="payment_confirmed_case"),
        pytest.param("placed", "ready_for_pickup", id="set_aside_case"),
        pytest.param("placed", "dispatched", id="shipped_case"),
        pytest.param("ready_for_pickup", "collected", id="collected_case"),
        pytest.param("ready_for_pickup", "cancelled", id="expired_case"),
        pytest.param("dispatched", "ready_for_pickup", id="arrived_in_store_case"),
    ],
)
def test_allowed_transitions_go_through(current, target):
    assert check_transition(current, target) == OrderStatus(target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        pytest.param("collected", "cancelled", id="collected_is_final_case"),
        pytest.param("cancelled", "placed", id="cancelled_is_final_case"),
        pytest.param("dispatched", "cancelled", id="parcel_gone_case"),
        pytest.param("awaiting_payment", "ready_for_pickup", id="unpaid_not_ready_case"),
        pytest.param("placed", "collected", id="not_set_aside_case"),
    ],
)
def test_other_transitions_are_refused(current, target):
    with pytest.raises(TransitionNotAllowed):
        check_transition(current, target)


def test_every_status_has_its_row_in_the_state_machine():
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus)


def test_the_total_adds_up_the_lines_in_their_one_currency():
    lines = [
        PricedLine("JACKET-TRAIL-S", 2, Decimal("129.00"), "EUR"),
        PricedLine("SOCKS", 3, Decimal("9.90"), "EUR"),
    ]
    assert order_total(lines) == (Decimal("287.70"), "EUR")


def test_an_order_in_two_currencies_is_refused():
    with pytest.raises(MixedCurrencies):
        order_total(
            [PricedLine("A", 1, Decimal("1"), "EUR"), PricedLine("B", 1, Decimal("1"), "CHF")]
        )


def test_a_pickup_code_is_six_digits_and_matches_only_itself():
    code = new_pickup_code()
    assert len(code) == 6
    assert code.isdigit()
    assert pickup_code_matches(code, f" {code} ")
    assert not pickup_code_matches(code, f"{(int(code) + 1) % 1_000_000:06d}")


def test_split_tenders_card_and_cash_pay_the_total_and_only_cash_gives_change():
    from comptoir.orders.domain import TendersDoNotCover, split_tenders

    split = split_tenders(total=Decimal("258.00"), card=Decimal("200.00"), cash_given=Decimal("60"))

    assert (split.card, split.cash, split.change) == (
        Decimal("200.00"),
        Decimal("58.00"),
        Decimal("2.00"),
    )
    assert split.card + split.cash == Decimal("258.00")
    with pytest.raises(TendersDoNotCover):
        split_tenders(total=Decimal("10"), card=Decimal("11"), cash_given=Decimal("0"))
    with pytest.raises(TendersDoNotCover):
        split_tenders(total=Decimal("10"), card=Decimal("4"), cash_given=Decimal("5.99"))


def test_change_of_a_whole_large_note_or_more_is_a_typing_mistake_not_a_payout():
    from comptoir.orders.domain import TendersDoNotCover, split_tenders

    most = split_tenders(total=Decimal("58.00"), card=Decimal("0"), cash_given=Decimal("557.99"))
    assert most.change == Decimal("499.99")
    with pytest.raises(TendersDoNotCover, match="check the cash given"):
        split_tenders(total=Decimal("58.00"), card=Decimal("0"), cash_given=Decimal("5800"))

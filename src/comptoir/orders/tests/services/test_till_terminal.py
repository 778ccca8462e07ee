"""The card terminal's requests are recorded: a hold the till could not cancel is tracked and
reported, and a timeout then a retry of the same ticket never puts a second hold on the card."""

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.catalog.models import Variant
from comptoir.core import clock
from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.orders.errors import TerminalHoldLeftOpen, TerminalNotAnswered
from comptoir.orders.models import Order, TerminalRequest
from comptoir.orders.payments.fake import TERMINAL_APPROVED, TERMINAL_DECLINED, FakePsp
from comptoir.orders.selectors import money_discrepancies, terminal_discrepancies
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.orders.tests.factories import make_jackets, make_location, stock
from comptoir.reconciliation import reconcile

pytestmark = pytest.mark.django_db

JACKET = "JACKET-TRAIL-S"


def _store(units=2):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets("129.00")
    stock(JACKET, store, units)
    return store


def _sell(store, ticket="T-CARD", quantity=1, **extra):
    return sell_basket(
        store_id=store.pk,
        ticket=ticket,
        lines=[BasketLine(JACKET, quantity)],
        card=Decimal("129.00") * quantity,
        card_token=TERMINAL_APPROVED,
        **extra,
    )


def _empty_the_shelf_after_the_terminal_approves(monkeypatch, store):
    """The shelf empties between the terminal's approval and the sale's write (another till)."""
    from comptoir.orders.services import till as till_module

    asked = till_module.ask_terminal

    def then_sold_elsewhere(*args, **kwargs):
        answer = asked(*args, **kwargs)
        jacket = Variant.objects.get(sku=JACKET)
        sell_at_till(
            location_id=store.pk,
            lines=[TillLine(jacket.pk, JACKET, 1)],
            ticket="T-OTHER-TILL",
            now=clock.now(),
        )
        return answer

    monkeypatch.setattr(till_module, "ask_terminal", then_sold_elsewhere)


def test_a_void_the_psp_refuses_is_recorded_answered_plainly_and_reported(monkeypatch):
    store = _store(units=1)
    _empty_the_shelf_after_the_terminal_approves(monkeypatch, store)
    FakePsp.fail_next("void", "timeout")

    with pytest.raises(TerminalHoldLeftOpen) as refused:
        _sell(store)

    assert "cancel" in str(refused.value)
    assert "129.00" in str(refused.value)
    assert isinstance(refused.value.__cause__, OutOfStock)
    assert not Order.objects.exists()
    request = TerminalRequest.objects.get(ticket="T-CARD")
    assert request.status == "void_failed"
    assert FakePsp.open_holds() == {request.provider_reference}
    found = [d for d in reconcile() if d.check == "terminal-hold-left-open"]
    assert len(found) == 1
    assert "T-CARD" in found[0].subject
    assert "129.00" in found[0].detail


def test_a_void_that_succeeds_leaves_nothing_to_report(monkeypatch):
    store = _store(units=1)
    _empty_the_shelf_after_the_terminal_approves(monkeypatch, store)

    with pytest.raises(OutOfStock):
        _sell(store)

    assert TerminalRequest.objects.get(ticket="T-CARD").status == "voided"
    assert FakePsp.open_holds() == set()
    assert reconcile() == []


def test_a_timeout_then_the_same_ticket_again_holds_the_card_once():
    store = _store()
    FakePsp.fail_next("authorise", "lost")  # the terminal approved; its answer never came

    with pytest.raises(TerminalNotAnswered):
        _sell(store)
    sale = _sell(store)

    assert not sale.replayed
    assert len(FakePsp.open_holds()) == 1
    assert sale.order.payment.provider_reference in FakePsp.open_holds()
    assert TerminalRequest.objects.get(ticket="T-CARD").status == "sold"
    assert money_discrepancies() == []


def test_a_timeout_then_a_changed_basket_voids_the_first_hold_before_the_second():
    store = _store()
    FakePsp.fail_next("authorise", "lost")

    with pytest.raises(TerminalNotAnswered):
        _sell(store)
    sale = _sell(store, quantity=2)  # a second jacket added meanwhile: 258.00 now

    assert FakePsp.open_holds() == {sale.order.payment.provider_reference}
    statuses = dict(TerminalRequest.objects.values_list("attempt", "status"))
    assert statuses == {1: "voided", 2: "sold"}
    assert reconcile() == []


def test_a_terminal_left_unanswered_is_reported_until_the_ticket_is_tried_again():
    store = _store()
    FakePsp.fail_next("authorise", "lost")
    with pytest.raises(TerminalNotAnswered):
        _sell(store)

    later = clock.now() + timedelta(minutes=10)
    # A moment ago: the associate may be trying again. Later, someone must look at the card.
    assert [d.check for d in terminal_discrepancies(now=clock.now())] == []
    assert [d.check for d in terminal_discrepancies(now=later)] == ["terminal-not-answered"]
    _sell(store)
    assert terminal_discrepancies(now=later) == []


def test_a_decline_whose_answer_was_lost_is_not_voided_and_the_next_card_is_a_new_attempt():
    store = _store()
    FakePsp.fail_next("authorise", "lost")
    with pytest.raises(TerminalNotAnswered):
        sell_basket(
            store_id=store.pk,
            ticket="T-CARD",
            lines=[BasketLine(JACKET, 1)],
            card=Decimal("129.00"),
            card_token=TERMINAL_DECLINED,
        )

    sale = _sell(store, quantity=2)

    statuses = dict(TerminalRequest.objects.values_list("attempt", "status"))
    assert statuses == {1: "declined", 2: "sold"}
    assert FakePsp.open_holds() == {sale.order.payment.provider_reference}

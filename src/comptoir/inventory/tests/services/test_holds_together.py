"""One-line holds asked for at the same moment, held by one statement (PostgreSQL).

Each hold is judged as if it had come alone, after the ones before it: the answers, the rows
and the events are those that one statement per hold, in turn, would have given.
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.inventory.models import Hold, StockLevel, StockMovement
from comptoir.inventory.services.holds import HoldAlreadyActive, hold_together
from comptoir.inventory.services.levels import (
    HeldLevel,
    HoldTerms,
    OneLineOutcome,
    hold_one_line_each,
)
from comptoir.inventory.services.stock import set_safety_stock
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.postgres_only


def _terms(variant, store, quantity: int, reference: str, channel: str = "web") -> HoldTerms:
    now = clock.now()
    return HoldTerms(
        lines=[HeldLevel(store.pk, variant.pk, variant.sku, quantity, reference)],
        channel=channel,
        customer_id=None,
        expires_at=now + timedelta(minutes=30),
        now=now,
        request_id=f"req-{reference}",
    )


def _stock_events(variant) -> list[dict]:
    return [
        event.payload
        for event in OutboxEvent.objects.filter(type="stock.changed").order_by("pk")
        if event.payload["sku"] == variant.sku and event.payload["reason"] == "hold"
    ]


@pytest.mark.django_db
def test_each_hold_is_judged_after_the_ones_before_it_on_its_level():
    store = make_store()
    small, medium = make_variant("JACKET-S"), make_variant("JACKET-M")
    put_on_shelf(small, store, 4)
    put_on_shelf(medium, store, 1)

    outcomes = hold_one_line_each(
        [
            _terms(small, store, 3, "cart-a"),
            _terms(medium, store, 2, "cart-b"),  # short on its own level
            _terms(small, store, 5, "cart-c"),  # short once cart-a is counted
            _terms(small, store, 1, "cart-d"),  # after a short one: not judged here
        ]
    )

    held = Hold.objects.get(reference="cart-a")
    assert outcomes == [
        OneLineOutcome(held.pk, judged_alone=True),
        OneLineOutcome(None, judged_alone=True),
        OneLineOutcome(None, judged_alone=True),
        OneLineOutcome(None, judged_alone=False),
    ]
    assert list(Hold.objects.values_list("reference", "quantity", "status")) == [
        ("cart-a", 3, "active")
    ]
    levels = dict(StockLevel.objects.values_list("variant__sku", "held"))
    assert levels == {"JACKET-S": 3, "JACKET-M": 0}
    assert list(StockMovement.objects.filter(kind="hold").values_list("hold_id", "held_delta")) == [
        (held.pk, 3)
    ]
    assert _stock_events(small) == [
        {
            "sku": "JACKET-S",
            "variant_id": small.pk,
            "location_id": store.pk,
            "on_hand": 4,
            "held": 3,
            "free": 1,
            "reason": "hold",
        }
    ]
    assert _stock_events(medium) == []


@pytest.mark.django_db
def test_holds_of_one_level_each_carry_the_figures_after_them_in_their_event():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 10)

    outcomes = hold_one_line_each([_terms(jacket, store, 2, f"cart-{n}") for n in range(3)])

    assert all(outcome.hold_id is not None for outcome in outcomes)
    assert [(e["held"], e["free"]) for e in _stock_events(jacket)] == [(2, 8), (4, 6), (6, 4)]
    requests = OutboxEvent.objects.filter(type="stock.changed", payload__reason="hold")
    assert sorted(requests.values_list("request_id", flat=True)) == [
        "req-cart-0",
        "req-cart-1",
        "req-cart-2",
    ]
    assert StockLevel.objects.get().held == 6


@pytest.mark.django_db
def test_each_hold_keeps_back_the_safety_stock_of_its_own_channel():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)
    set_safety_stock(location_id=store.pk, channel="web", quantity=2)

    outcomes = hold_one_line_each(
        [
            _terms(jacket, store, 2, "web-1"),
            _terms(jacket, store, 2, "store-1", channel="store"),  # no safety stock in store
            _terms(jacket, store, 1, "web-2"),  # 1 free, but the web keeps 2 back
        ]
    )

    assert [outcome.hold_id is not None for outcome in outcomes] == [True, True, False]
    assert outcomes[2].judged_alone
    assert StockLevel.objects.get().held == 4


@pytest.mark.django_db
def test_a_hold_with_no_level_at_that_store_is_short():
    store, jacket = make_store(), make_variant("JACKET-S")

    assert hold_one_line_each([_terms(jacket, store, 1, "cart-1")]) == [
        OneLineOutcome(None, judged_alone=True)
    ]
    assert not Hold.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_hold_not_judged_in_the_statement_is_tried_again_alone():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 4)

    answers = hold_together(
        [_terms(jacket, store, 3, "cart-a"), _terms(jacket, store, 2, "cart-b")]
        + [_terms(jacket, store, 1, "cart-c")]
    )

    assert [len(answer.held) for answer in answers] == [1, 0, 1]
    assert [line.sku for line in answers[1].short] == ["JACKET-S"]
    assert StockLevel.objects.get().held == 4
    assert set(Hold.objects.values_list("reference", flat=True)) == {"cart-a", "cart-c"}


@pytest.mark.django_db(transaction=True)
def test_the_same_hold_twice_in_one_batch_is_held_once_and_the_others_are_held():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 10)

    answers = hold_together(
        [
            _terms(jacket, store, 1, "cart-a"),
            _terms(jacket, store, 1, "cart-a"),  # the same cart again: one active hold each
            _terms(jacket, store, 2, "cart-b"),
        ]
    )

    assert len(answers[0].held) == 1
    assert isinstance(answers[1], HoldAlreadyActive)  # place_holds answers it as a replay
    assert len(answers[2].held) == 1
    assert sorted(Hold.objects.values_list("reference", "quantity")) == [
        ("cart-a", 1),
        ("cart-b", 2),
    ]
    level = StockLevel.objects.get()
    assert level.held == 3
    assert StockMovement.objects.filter(kind="hold").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_second_hold_of_one_reference_for_more_units_never_gets_the_first_holds_answer():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 2)

    answers = hold_together(
        [_terms(jacket, store, 1, "cart-a"), _terms(jacket, store, 5, "cart-a")]
    )

    held = Hold.objects.get()
    assert [(line.hold_id, line.quantity) for line in answers[0].held] == [(held.pk, 1)]
    assert isinstance(answers[1], HoldAlreadyActive)
    assert (held.reference, held.quantity, StockLevel.objects.get().held) == ("cart-a", 1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_sold_out_level_answers_the_rest_of_its_batch_in_one_statement():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 2)

    with CaptureQueriesContext(connection) as statements:
        answers = hold_together([_terms(jacket, store, 1, f"cart-{n}") for n in range(64)])

    stock_statements = [q for q in statements if "inventory_" in q["sql"]]  # not the outbox's
    assert len(stock_statements) == 1
    assert [len(answer.held) for answer in answers] == [1, 1] + [0] * 62
    assert all(len(answer.short) == 1 for answer in answers[2:])
    assert StockLevel.objects.get().held == 2


@pytest.mark.django_db
def test_a_hold_that_cannot_fit_in_what_is_left_after_the_batch_is_judged_short_at_once():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 4)

    outcomes = hold_one_line_each(
        [
            _terms(jacket, store, 3, "cart-a"),
            _terms(jacket, store, 2, "cart-b"),  # short: 1 left
            _terms(jacket, store, 2, "cart-c"),  # can never fit in the 1 left
            _terms(jacket, store, 1, "cart-d"),  # might fit alone: tried again
        ]
    )

    assert [outcome.judged_alone for outcome in outcomes] == [True, True, True, False]
    assert [outcome.hold_id is not None for outcome in outcomes] == [True, False, False, False]


@pytest.mark.django_db(transaction=True)
def test_a_short_holds_units_are_never_counted_against_the_holds_after_it():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)
    set_safety_stock(location_id=store.pk, channel="web", quantity=2)

    answers = hold_together(
        [
            _terms(jacket, store, 4, "web-1"),  # the web keeps 2 of 5 back: short
            _terms(jacket, store, 1, "store-1", channel="store"),
        ]
    )

    assert [len(answer.held) for answer in answers] == [0, 1]
    assert StockLevel.objects.get().held == 1
    assert [(e["held"], e["free"]) for e in _stock_events(jacket)] == [(1, 4)]


@pytest.mark.django_db
def test_holds_of_one_moment_keep_each_its_own_expiry_even_none():
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 5)
    kept = replace(_terms(jacket, store, 1, "CO-1"), expires_at=None)  # an order's
    cart = _terms(jacket, store, 1, "cart-a")

    outcomes = hold_one_line_each([kept, cart])

    expiries = dict(
        Hold.objects.filter(pk__in=[o.hold_id for o in outcomes]).values_list(
            "reference", "expires_at"
        )
    )
    assert expiries == {"CO-1": None, "cart-a": cart.expires_at}

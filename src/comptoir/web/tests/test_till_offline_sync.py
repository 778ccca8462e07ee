"""The till's offline queue, as till_offline.js sends it: the price book read online, a queued
sale sent twice records one order, bad input is problem+json naming the field, never a 500."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from comptoir.demo.retailer import DEMO_PASSWORD, load
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.orders.models import Order, PaymentOperation

pytestmark = pytest.mark.django_db
TILL = "/associate/lyon-part-dieu/till/"
TICKET = "T-0123456789ABCDEF"


def _associate() -> Client:
    load(customers=2, stores=3, skus=30)
    client = Client()
    assert client.login(username="associate.lyon", password=DEMO_PASSWORD)
    return client


def _book(client: Client) -> dict[str, dict]:
    answer = client.get(f"{TILL}offline/prices/")
    assert answer.status_code == 200
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    return {item["sku"]: item for item in answer.json()["items"]}


def _send(client: Client, body: object) -> object:
    return client.post(
        f"{TILL}offline/sales/",
        json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
    )


def _sale(seal: str, **changes: object) -> dict[str, object]:
    return {
        "ticket": TICKET,
        "sold_at": datetime.now(UTC).isoformat(),
        "cash_given": "200.00",
        "lines": [{"seal": seal, "quantity": 1}],
        **changes,
    }


def _lyon(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku, location__code="lyon-part-dieu").on_hand


def test_the_price_book_gives_the_stores_prices_each_sealed():
    client = _associate()

    book = _book(client)

    jacket = book["JACKET-TRAIL-S"]
    assert jacket["price"] == "89.90"
    assert jacket["currency"] == "EUR"
    assert jacket["seal"]


def test_a_queued_sale_sent_twice_records_one_order_and_one_ledger_entry():
    client = _associate()
    seal = _book(client)["JACKET-TRAIL-S"]["seal"]
    before = _lyon("JACKET-TRAIL-S")

    first = _send(client, _sale(seal))
    second = _send(client, _sale(seal))

    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["status"], second.json()["status"]) == ("recorded", "replayed")
    assert first.json()["reference"] == second.json()["reference"] == TICKET
    order = Order.objects.get(reference=TICKET)
    assert order.created_by.startswith("user:")
    assert PaymentOperation.objects.filter(payment__order=order).count() == 1
    assert StockMovement.objects.filter(reference=TICKET).count() == 1
    assert _lyon("JACKET-TRAIL-S") == before - 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(b"not json", "body", id="not_json_case"),
        pytest.param([], "body", id="a_list_case"),
        pytest.param({"ticket": "ORDER-1"}, "ticket", id="not_a_till_ticket_case"),
        pytest.param({"sold_at": "yesterday"}, "sold_at", id="not_a_time_case"),
        pytest.param({"sold_at": "2026-12-07T10:00:00"}, "sold_at", id="no_offset_case"),
        pytest.param({"cash_given": "lots"}, "cash_given", id="not_an_amount_case"),
        pytest.param({"cash_given": "NaN"}, "cash_given", id="nan_case"),
        pytest.param({"lines": []}, "lines", id="no_line_case"),
        pytest.param({"lines": [{"seal": "x", "quantity": "1"}]}, "lines", id="text_quantity_case"),
        pytest.param(
            {"lines": [{"seal": "forged", "quantity": 1}]}, "lines.seal", id="forged_case"
        ),
        pytest.param({"cash_given": "1.00"}, "cash_given", id="short_cash_case"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(body, field):
    client = _associate()
    seal = _book(client)["JACKET-TRAIL-S"]["seal"]
    sent = body if isinstance(body, bytes | list) else _sale(seal, **body)

    answer = _send(client, sent)

    assert 400 <= answer.status_code < 500
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == field
    assert not Order.objects.filter(reference=TICKET).exists()


def test_a_shopper_cannot_read_the_price_book_or_send_a_sale():
    load(customers=2, stores=3, skus=30)
    client = Client()

    assert client.get(f"{TILL}offline/prices/").status_code in (302, 403)
    assert _send(client, _sale("x")).status_code in (302, 403)
    assert not Order.objects.filter(reference=TICKET).exists()


def test_a_phone_whose_clock_is_an_hour_behind_has_its_sale_put_on_the_servers_clock():
    client = _associate()
    seal = _book(client)["JACKET-TRAIL-S"]["seal"]
    hour_behind = datetime.now(UTC) - timedelta(hours=1)
    sale = _sale(seal, sold_at=hour_behind.isoformat(), sent_at=hour_behind.isoformat())

    answer = _send(client, sale)

    assert answer.status_code == 200
    created = Order.objects.get(reference=TICKET).created_at
    assert abs(created - datetime.now(UTC)) < timedelta(minutes=5)


def test_a_ticket_that_is_another_orders_reference_is_refused():
    client = _associate()
    seal = _book(client)["JACKET-TRAIL-S"]["seal"]
    other = Order.objects.exclude(fulfilment_mode="till_sale").first()
    Order.objects.filter(pk=other.pk).update(reference=TICKET)

    answer = _send(client, _sale(seal))

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "ticket"
    assert Order.objects.filter(reference=TICKET).count() == 1


def test_the_pages_probe_answers_204_to_a_signed_in_associate_and_writes_nothing():
    client = _associate()
    orders = Order.objects.count()

    assert client.head(f"{TILL}offline/sales/").status_code == 204
    assert Client().head(f"{TILL}offline/sales/").status_code in (302, 403)
    assert Order.objects.count() == orders

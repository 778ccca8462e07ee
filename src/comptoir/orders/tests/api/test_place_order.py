import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.locations.models import Location
from comptoir.orders.models import Order, PaymentNotification
from comptoir.orders.payments.fake import SIGNATURE_HEADER, FakePsp
from comptoir.orders.schemas import OrderOut
from comptoir.orders.services.placing import (
    LineRequest,
    OrderRequest,
    PaymentRequest,
    place_order,
)
from comptoir.orders.tests.factories import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    make_jackets,
    make_location,
    order_body,
    stock,
)

URL = "/api/v1/orders"
WEBHOOK = "/api/v1/payments/webhooks/fake"


def _jean_at_bellecour(client, units=2):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, units)
    jean = make_shopper()
    client.force_login(jean.user)
    return store, jean


def _post(client, body, **headers):
    return client.post(URL, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_retrying_with_the_same_key_creates_one_order_and_one_hold(client):
    store, _ = _jean_at_bellecour(client)

    first = _post(client, order_body(), **{"Idempotency-Key": "checkout-42"})
    again = _post(client, order_body(), **{"Idempotency-Key": "checkout-42"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S").held == 1
    assert OutboxEvent.objects.filter(type="order.placed").count() == 1


@pytest.mark.django_db
def test_a_declined_card_is_a_402_and_leaves_no_hold_and_no_order(client):
    store, _ = _jean_at_bellecour(client)

    response = _post(client, order_body(payment={"method": "card", "card_token": CARD_DECLINED}))

    assert response.status_code == 402
    assert response.json()["code"] == "payment-declined"
    assert Hold.objects.count() == 0
    assert Order.objects.count() == 0
    assert StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S").held == 0


@pytest.mark.django_db
def test_a_card_number_instead_of_a_token_is_refused_at_the_edge(client):
    _jean_at_bellecour(client)

    response = _post(
        client, order_body(payment={"method": "card", "card_token": "4111111111111111"})
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.payment.card_token"
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_more_than_is_left_is_a_409_and_nothing_is_held(client):
    store, _ = _jean_at_bellecour(client, units=1)

    response = _post(client, order_body(lines=[{"sku": "JACKET-TRAIL-S", "quantity": 2}]))

    assert response.status_code == 409
    assert response.json()["code"] == "out-of-stock"
    assert Order.objects.count() == 0
    assert StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S").held == 0


@pytest.mark.django_db
def test_a_pending_payment_is_confirmed_once_by_its_signed_webhook_even_if_sent_twice(client):
    _jean_at_bellecour(client)
    FakePsp.take_sent()
    response = _post(client, order_body(payment={"method": "card", "card_token": CARD_3DS}))
    assert response.json()["status"] == "awaiting_payment"
    [(body, signature)] = FakePsp.take_sent()

    outcomes = [
        client.post(
            WEBHOOK, body, content_type="application/json", headers={SIGNATURE_HEADER: signature}
        ).json()["outcome"]
        for _ in range(2)
    ]

    assert outcomes == ["applied", "duplicate"]
    order = Order.objects.get(reference=response.json()["reference"])
    assert (order.status, order.payment.status) == ("placed", "authorised")
    assert OutboxEvent.objects.filter(type="order.placed").count() == 1
    assert PaymentNotification.objects.count() == 1


@pytest.mark.django_db
def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(client):
    _jean_at_bellecour(client)
    FakePsp.take_sent()
    response = _post(client, order_body(payment={"method": "card", "card_token": CARD_3DS}))
    [(body, _)] = FakePsp.take_sent()
    forged = json.dumps({**json.loads(body), "status": "authorised", "id": "evt_forged"})

    answer = client.post(
        WEBHOOK, forged, content_type="application/json", headers={SIGNATURE_HEADER: "t=1,v1=00"}
    )

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid-signature"
    assert Order.objects.get(reference=response.json()["reference"]).status == "awaiting_payment"


@pytest.mark.django_db
def test_a_payment_link_paid_with_a_declined_card_cancels_the_order_and_frees_the_unit(client):
    store = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 1)
    _, raw = make_api_token("orders.write", name="call-centre")
    response = client.post(
        URL,
        order_body(
            channel="call_centre",
            mode="home_delivery",
            pickup=None,
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"}],
            delivery_address={
                "name": "J",
                "line1": "1 rue",
                "postcode": "69002",
                "city": "Lyon",
                "country": "FR",
            },
            payment={"method": "payment_link"},
        ),
        content_type="application/json",
        headers=bearer(raw),
    )
    token = response.json()["payment"]["payment_link"].rsplit("/pay/", 1)[1]

    paid = client.post(  # what the link page's form posts for the fake PSP
        f"/api/v1/fake-psp/links/{token}",
        {"card_token": CARD_DECLINED},
        content_type="application/json",
    )

    assert paid.json() == {"outcome": "applied"}
    order = Order.objects.get(reference=response.json()["reference"])
    assert (order.status, order.payment.status) == ("cancelled", "declined")
    assert Hold.objects.get(reference=order.reference).status == "released"
    assert StockLevel.objects.get(location=store, variant__sku="JACKET-TRAIL-S").held == 0


@pytest.mark.django_db
def test_a_shopper_sees_their_order_and_gets_404_for_anyone_elses(client):
    _jean_at_bellecour(client)
    reference = _post(client, order_body()).json()["reference"]
    assert client.get(f"{URL}/{reference}").status_code == 200
    assert [o["reference"] for o in client.get(URL).json()] == [reference]

    client.force_login(make_shopper("lea@example.fr", first_name="Léa").user)

    assert client.get(f"{URL}/{reference}").status_code == 404
    assert client.get(f"{URL}/CO-NOSUCH00").status_code == 404
    assert client.get(URL).json() == []


@pytest.mark.django_db
def test_the_answer_rendered_without_pydantic_is_the_order_as_its_schema_renders_it(client):
    """POST /orders skips Ninja's second validation of its answer (core/answers.py): it must
    be exactly what GET /orders/{reference}, validated by OrderOut, answers."""
    _jean_at_bellecour(client)

    placed = _post(client, order_body())

    assert placed.status_code == 201
    assert placed["Content-Type"] == "application/json; charset=utf-8"
    assert OrderOut.model_validate(placed.json())
    assert client.get(f"{URL}/{placed.json()['reference']}").json() == placed.json()


@pytest.mark.django_db
def test_an_anonymous_caller_cannot_order(client):
    make_location("lyon-bellecour", city="Lyon")
    make_jackets()

    assert _post(client, order_body()).status_code == 401
    assert Order.objects.count() == 0


def _as_in_production(statements: list[str]) -> list[str]:
    """The test runs inside a transaction, so each top-level `atomic()` is a SAVEPOINT here;
    in production it is BEGIN/COMMIT, which the driver sends and the capture does not see."""
    kept, outer = [], set()
    depth = 0
    for sql in statements:
        word = sql.split()[0].upper()
        if word == "SAVEPOINT":
            depth += 1
            if depth == 1:
                outer.add(sql.split()[1])
                continue
        elif word == "RELEASE":
            depth -= 1
            if sql.split()[2] in outer:
                continue
        kept.append(sql)
    return kept


def _three_line_order(client):
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    lines = []
    for sku in ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L"):
        stock(sku, warehouse, 5)
        lines.append({"sku": sku, "quantity": 1, "location": "entrepot-lyon"})
    return order_body(
        mode="home_delivery",
        pickup=None,
        lines=lines,
        delivery_address={
            "name": "J",
            "line1": "1 rue",
            "postcode": "69002",
            "city": "Lyon",
            "country": "FR",
        },
    )


@pytest.mark.django_db
def test_a_three_line_order_sends_four_statements_with_its_payment_on_postgresql(client):
    """Counted, not timed: `make bench` reports the figure as order_sql_statements.

    On PostgreSQL: the prices, then ONE statement holding every line (the level UPDATEs,
    holds, movements and their events) and writing the order, its lines, its payment
    (authorised by the PSP beforehand: no SQL), its ledger's authorisation row and its event,
    then the read of its locations' capacity settings (is a cut-off limit set? then the
    dispatch day is computed) and ONE statement taking the capacity it needs (ADR 0029), in
    the same transaction. SQLite writes row by row and holds line by line: four per line,
    and six for capacity.
    """
    body = _three_line_order(client)
    warehouse_id = Location.objects.get(code="entrepot-lyon").pk
    request = OrderRequest(
        channel="web",
        fulfilment_mode="home_delivery",
        lines=[LineRequest(line["sku"], 1, warehouse_id) for line in body["lines"]],
        payment=PaymentRequest("card", CARD_OK),
        delivery_address=body["delivery_address"],
    )

    with CaptureQueriesContext(connection) as captured:
        place_order(request)

    statements = _as_in_production([q["sql"] for q in captured.captured_queries])
    expected = 4 if connection.vendor == "postgresql" else 24
    assert len(statements) == expected, "\n".join(statements)


@pytest.mark.django_db
def test_through_http_an_order_adds_the_token_locations_and_idempotency_statements(client):
    body = _three_line_order(client)
    _, raw = make_api_token("orders.write", name="web-shop")

    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            URL,
            body,
            content_type="application/json",
            headers={**bearer(raw), "Idempotency-Key": "k1"},
        )

    assert response.status_code == 201
    statements = _as_in_production([q["sql"] for q in captured.captured_queries])
    # + the token and the location codes (the first time this process sees them), and the
    # idempotency record's INSERT and UPDATE
    expected = 8 if connection.vendor == "postgresql" else 28
    assert len(statements) == expected, "\n".join(statements)

    with CaptureQueriesContext(connection) as captured:
        again = client.post(
            URL,
            body,
            content_type="application/json",
            headers={**bearer(raw), "Idempotency-Key": "k2"},
        )

    assert again.status_code == 201
    statements = _as_in_production([q["sql"] for q in captured.captured_queries])
    # the token and the location codes are remembered by the process now
    assert len(statements) == expected - 2, "\n".join(statements)

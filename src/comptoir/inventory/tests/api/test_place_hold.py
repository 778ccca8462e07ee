import json

import pytest
from ninja.responses import NinjaJSONEncoder

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.tests.factories import make_shopper
from comptoir.inventory.models import Hold, StockLevel
from comptoir.inventory.schemas import HoldOut
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

URL = "/api/v1/holds"


def hold_body(*, quantity=1, sku="JACKET-S", location="lyon-part-dieu", reference="cart-jean"):
    return {
        "channel": "web",
        "reference": reference,
        "ttl_minutes": 30,
        "lines": [{"sku": sku, "location": location, "quantity": quantity}],
    }


@pytest.mark.django_db
def test_a_shopper_holds_the_jacket_for_pickup_and_it_is_held_at_once(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 2)
    jean = make_shopper(email="jean.martin@example.fr")
    client.force_login(jean.user)

    response = client.post(URL, hold_body(), content_type="application/json")

    assert response.status_code == 201
    [hold] = response.json()
    assert (hold["sku"], hold["location"], hold["quantity"], hold["status"]) == (
        "JACKET-S",
        "lyon-part-dieu",
        1,
        "active",
    )
    assert Hold.objects.get(pk=hold["id"]).customer_id == jean.pk
    availability = client.get(
        "/api/v1/availability", {"sku": "JACKET-S", "location": "lyon-part-dieu"}
    ).json()
    assert availability == [
        {
            "sku": "JACKET-S",
            "location": "lyon-part-dieu",
            "on_hand": 2,
            "held": 1,
            "safety": 0,
            "available": 1,
        },
    ]


@pytest.mark.django_db
def test_holding_more_than_is_left_is_a_409_out_of_stock_problem(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)
    _, raw = make_api_token("stock.hold", name="web-shop")

    response = client.post(
        URL, hold_body(quantity=2), content_type="application/json", headers=bearer(raw)
    )

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "out-of-stock"
    assert StockLevel.objects.get(variant=jacket, location=store).held == 0


@pytest.mark.django_db
def test_an_unknown_sku_or_store_is_a_422_naming_it(client):
    make_store()
    _, raw = make_api_token("stock.hold", name="web-shop")

    response = client.post(
        URL, hold_body(sku="NO-SUCH-SKU"), content_type="application/json", headers=bearer(raw)
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body.sku", "message": "unknown: NO-SUCH-SKU"}]


@pytest.mark.django_db
def test_an_anonymous_caller_cannot_hold(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 1)

    response = client.post(URL, hold_body(), content_type="application/json")

    assert response.status_code == 401
    assert Hold.objects.count() == 0


@pytest.mark.django_db
def test_an_associate_holds_only_in_their_own_store(client):
    lyon, paris = make_store(), make_store("paris-rivoli", city="Paris")
    jacket = make_variant("JACKET-S")
    put_on_shelf(jacket, paris, 1)
    client.force_login(make_staff("associate", [lyon]))

    response = client.post(URL, hold_body(location="paris-rivoli"), content_type="application/json")

    assert response.status_code == 403
    assert Hold.objects.count() == 0


@pytest.mark.django_db
def test_retrying_a_hold_with_the_same_idempotency_key_holds_once(client):
    store, jacket = make_store(), make_variant("JACKET-S")
    put_on_shelf(jacket, store, 3)
    _, raw = make_api_token("stock.hold", name="web-shop")
    headers = {**bearer(raw), "Idempotency-Key": "cart-jean-attempt-1"}

    first = client.post(URL, hold_body(), content_type="application/json", headers=headers)
    again = client.post(URL, hold_body(), content_type="application/json", headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert StockLevel.objects.get(variant=jacket, location=store).held == 1


@pytest.mark.django_db
def test_the_answer_rendered_without_pydantic_still_matches_its_schema(client):
    """POST /holds skips Ninja's second validation of its answer (core/answers.py): what it
    sends must be exactly what the documented schema would have rendered."""
    store = make_store()
    for sku in ("JACKET-S", "JACKET-M"):
        put_on_shelf(make_variant(sku), store, 2)
    _, raw = make_api_token("stock.hold", name="web-shop")
    body = hold_body()
    body["lines"].append({"sku": "JACKET-M", "location": "lyon-part-dieu", "quantity": 2})

    response = client.post(URL, body, content_type="application/json", headers=bearer(raw))

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = response.json()
    through_schema = [HoldOut.model_validate(hold).model_dump() for hold in answer]
    assert json.loads(json.dumps(through_schema, cls=NinjaJSONEncoder)) == answer
    assert {(h["sku"], h["quantity"]) for h in answer} == {("JACKET-S", 1), ("JACKET-M", 2)}

"""POST /api/v1/shipments — shipping.manage, store-scoped, Idempotency-Key."""

from datetime import timedelta

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.models import Shipment
from comptoir.shipping.tests.factories import make_carriers

pytestmark = pytest.mark.django_db


def _body(promised_by, **overrides):
    return {
        "from_location": "lyon-part-dieu",
        "destination": {
            "kind": "home",
            "name": "Jean Martin",
            "line1": "12 rue de Rivoli",
            "postcode": "75004",
            "city": "Paris",
            "country": "FR",
            "lat": 48.8559,
            "lon": 2.3601,
        },
        "promised_by": promised_by.isoformat(),
        "order_reference": "WEB-77",
        **overrides,
    }


def test_operations_ships_a_parcel_once_however_often_the_request_is_retried(client):
    make_carriers()
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))
    promised = (clock.now() + timedelta(days=10)).date()

    first = client.post(
        "/api/v1/shipments",
        _body(promised),
        content_type="application/json",
        headers={"Idempotency-Key": "ship-77"},
    )
    again = client.post(
        "/api/v1/shipments",
        _body(promised),
        content_type="application/json",
        headers={"Idempotency-Key": "ship-77"},
    )

    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert first.json()["carrier"] == "colisexpress"  # the cheapest that keeps the promise
    assert "/track/" in first.json()["tracking_url"]
    assert Shipment.objects.count() == 1


def test_a_country_no_carrier_serves_is_a_field_error(client):
    make_carriers()
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))
    promised = (clock.now() + timedelta(days=10)).date()
    body = _body(promised)
    body["destination"]["country"] = "JP"

    response = client.post("/api/v1/shipments", body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "no-carrier-service"
    assert not Shipment.objects.exists()


def test_an_associate_cannot_ship_from_another_store(client):
    make_carriers()
    lyon = make_store("lyon-part-dieu")
    make_store("paris-rivoli")
    client.force_login(make_staff("associate", [lyon]))
    promised = (clock.now() + timedelta(days=10)).date()

    response = client.post(
        "/api/v1/shipments",
        _body(promised, from_location="paris-rivoli"),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Shipment.objects.exists()

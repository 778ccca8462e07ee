"""GET /api/v1/tracking/{token} — public, by the unguessable token only."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.customers.services import register_shopper
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment, signed

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_the_tracking_page_shows_brand_timeline_promise_and_the_nearest_store(client):
    make_carriers()
    make_store("paris-rivoli")
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)
    scans = [
        a_scan(shipment, TrackingStatus.IN_TRANSIT, MONDAY + timedelta(hours=3), place="Lyon hub"),
        a_scan(shipment, TrackingStatus.INFO_RECEIVED, MONDAY),
    ]
    client.post(
        f"/api/v1/carriers/{shipment.carrier.code}/tracking-events",
        **signed(shipment.carrier, scans, timestamp=int(time.time())),
    )

    page = client.get(f"/api/v1/tracking/{shipment.tracking_token}").json()

    assert page["brand"]["name"] == "Élan Sport & Tech"
    assert page["status"] == "in_transit"
    assert page["promised_by"] == "2026-03-04"
    assert [e["status"] for e in page["events"]] == ["info_received", "in_transit"]
    assert page["help_store"]["code"] == "paris-rivoli"  # the customer is in Paris
    assert "Martin" not in str(page)  # no personal data on a public page
    assert len(shipment.tracking_token) >= 32


def test_a_wrong_token_is_not_found(client):
    assert client.get("/api/v1/tracking/not-a-real-token").status_code == 404


def test_the_link_in_the_messages_opens_a_page_without_signing_in(client):
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)

    page = client.get(f"/track/{shipment.tracking_token}")

    assert page.status_code == 200
    assert f"Votre colis {shipment.reference}" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex"
    assert client.get("/track/not-a-real-token").status_code == 404


def test_the_page_speaks_the_customers_language_unless_asked_for_another(client):
    make_carriers()
    claire = register_shopper(
        email="claire@example.com",
        password="comptoir-test",
        first_name="Claire",
        last_name="Dubois",
        language="en",
    )
    shipment = make_shipment(
        make_store("lyon-part-dieu"),
        promised_by=date(2026, 3, 4),
        now=MONDAY,
        customer_id=claire.pk,
    )
    client.post(
        f"/api/v1/carriers/{shipment.carrier.code}/tracking-events",
        **signed(
            shipment.carrier,
            [a_scan(shipment, TrackingStatus.OUT_FOR_DELIVERY, MONDAY + timedelta(hours=3))],
            timestamp=int(time.time()),
        ),
    )

    english = client.get(f"/api/v1/tracking/{shipment.tracking_token}").json()
    french = client.get(f"/api/v1/tracking/{shipment.tracking_token}", {"lang": "fr"}).json()

    assert (english["language"], english["status_text"]) == ("en", "Out for delivery")
    assert english["promise_text"] == "Due by Wednesday 4 March."
    assert [e["status_text"] for e in english["events"]] == ["Out for delivery"]
    assert (french["language"], french["status_text"]) == ("fr", "En cours de livraison")
    assert french["promise_text"] == "Livraison prévue au plus tard le mercredi 4 mars."
    assert "Claire" not in str(english)


def test_a_guests_parcel_is_told_in_french_and_an_unknown_language_is_a_422(client):
    make_carriers()
    shipment = make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)

    page = client.get(f"/api/v1/tracking/{shipment.tracking_token}")
    klingon = client.get(f"/api/v1/tracking/{shipment.tracking_token}", {"lang": "tlh"})

    assert (page.json()["language"], page.json()["status_text"]) == (
        "fr",
        "Colis annoncé au transporteur",
    )
    assert klingon.status_code == 422

"""GET /api/v1/stores/{code}/parcels — inbound, outbound and carrier pickups of a store."""

from datetime import timedelta

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core import clock
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.services.shipments import Destination
from comptoir.shipping.tests.factories import make_carriers, make_shipment

pytestmark = pytest.mark.django_db


def test_associates_see_their_stores_inbound_and_outbound_parcels_and_pickups(client):
    make_carriers()
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    now = clock.now()
    promised = (now + timedelta(days=10)).date()
    outbound = make_shipment(lyon, promised_by=promised, now=now)
    to_store = Destination(kind="store", location_id=lyon.pk, city="Lyon")
    inbound = make_shipment(paris, promised_by=promised, now=now, destination=to_store)
    client.force_login(make_staff("associate", [lyon]))

    view = client.get("/api/v1/stores/lyon-part-dieu/parcels").json()

    assert [p["reference"] for p in view["inbound"]] == [inbound.reference]
    assert [p["reference"] for p in view["outbound"]] == [outbound.reference]
    assert view["inbound"][0]["status"] == "info_received"
    assert [(p["carrier"], p["parcels"]) for p in view["pickups"]] == [("colisexpress", 1)]
    assert client.get("/api/v1/stores/paris-rivoli/parcels").status_code == 403

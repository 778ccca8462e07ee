"""Operations in the back office: a parcel is late, the operator resolves the alert from the
dashboard; the orders list and the exceptions queue."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from comptoir.core import clock
from comptoir.locations.models import Location
from comptoir.shipping.domain.alerts import AlertKind
from comptoir.shipping.models import ShipmentAlert
from comptoir.shipping.services.incidents import raise_alerts
from comptoir.shipping.tests.factories import make_carriers, make_shipment

from .conftest import assert_accessible, screenshot, sign_in


def a_late_parcel() -> ShipmentAlert:
    """A parcel promised three days ago that never arrived, raised as late two days ago (so it
    heads the queue, before any alert the demo's own parcels raise today)."""
    make_carriers()
    warehouse = Location.objects.get(code="entrepot-saint-quentin")
    now = clock.now()
    shipment = make_shipment(
        warehouse, promised_by=(now - timedelta(days=3)).date(), now=now - timedelta(days=5)
    )
    raise_alerts(
        shipment, [AlertKind.LATE], detail="promised 3 days ago", now=now - timedelta(days=2)
    )
    return ShipmentAlert.objects.get(shipment=shipment)


def test_an_operator_resolves_a_late_parcel_alert_from_the_dashboard(
    retailer, live_server, desktop
):
    alert = a_late_parcel()
    sign_in(desktop, live_server, "ops")
    expect(desktop).to_have_url(f"{live_server.url}/backoffice/")

    card = desktop.get_by_test_id(f"alert-{alert.pk}")
    expect(card).to_contain_text("En retard")
    expect(card).to_contain_text("WEB-1001")
    assert_accessible(desktop)
    screenshot(desktop, "backoffice-dashboard-desktop")
    card.get_by_label("Ce qui a été fait").fill("Transporteur relancé, client prévenu")
    card.get_by_role("button", name="Résoudre").click()

    expect(desktop.get_by_role("status")).to_contain_text("Alerte résolue")
    expect(desktop.get_by_test_id(f"alert-{alert.pk}")).to_have_count(0)
    alert.refresh_from_db()
    assert (alert.status, alert.resolution) == ("resolved", "Transporteur relancé, client prévenu")

    desktop.goto(f"{live_server.url}/backoffice/exceptions/?status=resolved")
    expect(desktop.get_by_test_id(f"alert-{alert.pk}")).to_contain_text("client prévenu")
    assert_accessible(desktop)


def test_resolving_without_saying_what_was_done_is_refused_in_plain_words(
    retailer, live_server, desktop
):
    alert = a_late_parcel()
    sign_in(desktop, live_server, "ops")
    desktop.goto(f"{live_server.url}/backoffice/exceptions/")
    card = desktop.get_by_test_id(f"alert-{alert.pk}")
    card.get_by_label("Ce qui a été fait").evaluate("input => input.removeAttribute('required')")
    card.get_by_role("button", name="Résoudre").click()

    expect(desktop.get_by_role("alert")).to_contain_text("Dites ce qui a été fait")
    alert.refresh_from_db()
    assert alert.status == "open"


def test_the_orders_list_opens_and_passes_axe(retailer, live_server, desktop):
    sign_in(desktop, live_server, "ops")
    desktop.goto(f"{live_server.url}/backoffice/orders/")

    expect(desktop.get_by_role("heading", level=1)).to_have_text("Commandes")
    assert_accessible(desktop)


def test_the_store_sees_a_parcel_on_its_way_for_a_customer(retailer, live_server, phone):
    from comptoir.shipping.services.shipments import Destination

    make_carriers()
    lyon = Location.objects.get(code="lyon-part-dieu")
    warehouse = Location.objects.get(code="entrepot-saint-quentin")
    to_lyon = Destination(
        kind="store",
        name=lyon.name,
        line1=lyon.street,
        postcode=lyon.postcode,
        city=lyon.city,
        country="FR",
        latitude=float(lyon.latitude),
        longitude=float(lyon.longitude),
        location_id=lyon.pk,
    )
    now = clock.now()
    make_shipment(
        warehouse, promised_by=(now + timedelta(days=2)).date(), now=now, destination=to_lyon
    )
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/parcels/")

    expect(phone.get_by_role("heading", name="WEB-1001")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "associate-parcels-phone")

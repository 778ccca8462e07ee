"""The public tracking page a customer opens from a message: French, then English with the
switch, keyboard-reachable and clean for axe-core in both."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from comptoir.core import clock
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.tests.factories import make_carriers, make_shipment

from .conftest import assert_accessible, screenshot


def test_a_customer_follows_a_parcel_and_reads_it_in_english(transactional_db, live_server, phone):
    make_carriers()
    make_store("paris-rivoli")
    now = clock.now()
    parcel = make_shipment(
        make_store("lyon-part-dieu"), promised_by=(now + timedelta(days=2)).date(), now=now
    )

    phone.goto(f"{live_server.url}/track/{parcel.tracking_token}")
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Votre colis {parcel.reference}")
    expect(phone.get_by_test_id("parcel-status")).to_have_text("Colis annoncé au transporteur")
    expect(phone.get_by_test_id("parcel-promise")).to_contain_text("Livraison promise au plus tard")
    assert_accessible(phone)
    screenshot(phone, "track-phone")

    phone.get_by_role("link", name="English").focus()
    phone.keyboard.press("Enter")

    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Your parcel {parcel.reference}")
    expect(phone.get_by_test_id("parcel-status")).to_have_text("Announced to the carrier")
    expect(phone.get_by_test_id("parcel-promise")).to_contain_text("Promised by")
    expect(phone.get_by_role("heading", name="Need help?")).to_be_visible()
    assert_accessible(phone)

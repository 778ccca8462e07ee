"""'Around me' on the store locator: the browser's position lists the nearest store first, and a
refused permission says so and leaves the postcode form."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .conftest import PHONE, assert_accessible, offline_page, screenshot


def _phone_at(browser: Any, live_server: Any, **options: Any) -> Any:
    return offline_page(browser, live_server, **PHONE, locale="fr-FR", **options)


def test_around_me_lists_the_store_nearest_to_the_shopper_first(retailer, live_server, browser):
    from comptoir.locations.models import Location

    marseille = Location.objects.exclude(code="lyon-part-dieu").filter(kind="store").first()
    # A few hundred metres from that store: it, not Lyon nor Paris, must come first.
    here = {"latitude": float(marseille.latitude) + 0.003, "longitude": float(marseille.longitude)}
    page = _phone_at(browser, live_server, geolocation=here, permissions=["geolocation"])

    page.goto(f"{live_server.url}/stores/")
    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url("**lat=*")

    expect(page.get_by_role("heading", level=2).first).to_have_text("Les plus proches de vous")
    expect(page.locator(".cards .card h3 a").first).to_have_text(marseille.name)
    assert_accessible(page)
    screenshot(page, "phone-stores-around-me")
    page.context.close()


def test_around_me_without_permission_says_so_and_keeps_the_postcode_form(
    retailer, live_server, browser
):
    page = _phone_at(browser, live_server)

    page.goto(f"{live_server.url}/stores/")
    page.get_by_role("button", name="Autour de moi").click()

    expect(page.get_by_test_id("around-me-status")).to_contain_text("Tapez un code postal")
    assert "lat=" not in page.url
    page.get_by_label("Code postal ou ville").fill("69003")
    page.get_by_role("button", name="Trouver les magasins les plus proches").click()
    expect(page.locator(".cards .card").first).to_contain_text("Lyon")
    page.context.close()


def test_around_me_on_a_product_page_shows_the_nearest_store_s_stock_first(
    retailer, live_server, browser
):
    from comptoir.locations.models import Location

    nantes = Location.objects.exclude(code="lyon-part-dieu").filter(kind="store").last()
    here = {"latitude": float(nantes.latitude), "longitude": float(nantes.longitude) - 0.003}
    page = _phone_at(browser, live_server, geolocation=here, permissions=["geolocation"])

    page.goto(f"{live_server.url}/products/veste-running-trail/")
    page.get_by_role("button", name="Autour de moi").click()
    page.wait_for_url("**lat=*#stock-near")

    expect(page.locator("#stock-near ~ .scroll tbody tr th").first).to_contain_text(nantes.name)
    assert_accessible(page)
    page.context.close()

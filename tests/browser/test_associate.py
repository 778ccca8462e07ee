"""The associate app on a 390-px phone: Sofia at Lyon Part-Dieu looks up stock and sells."""

from __future__ import annotations

from playwright.sync_api import expect

from comptoir.catalog.tests.factories import GTINS, make_product
from comptoir.inventory.models import StockLevel
from comptoir.inventory.services.stock import receive_stock
from comptoir.locations.models import Location

from .conftest import assert_accessible, open_menu, screenshot, sign_in


def units_in_lyon(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku, location__code="lyon-part-dieu").on_hand


def on_shelves(product, units: dict[str, int]) -> None:
    for variant in product.variants.all():
        for code, quantity in units.items():
            location = Location.objects.get(code=code)
            receive_stock(
                variant_id=variant.pk, location_id=location.pk, sku=variant.sku, quantity=quantity
            )


def test_sofia_scans_a_jacket_sees_every_size_here_and_nearby(retailer, live_server, phone):
    on_shelves(make_product(), {"lyon-part-dieu": 3, "paris-rivoli": 2})
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/")
    expect(phone).to_have_url(f"{live_server.url}/associate/lyon-part-dieu/")

    open_menu(phone)
    phone.get_by_role("link", name="Stock").click()
    phone.get_by_label("SKU ou code-barres").fill(GTINS["JACKET-M"])
    phone.get_by_role("button", name="Chercher").click()

    table = phone.locator("#stock-result table")
    expect(table).to_contain_text("JACKET-S")
    expect(table.get_by_role("row", name="JACKET-M")).to_contain_text("3")
    expect(phone.locator("#stock-result")).to_contain_text("Élan Paris Rivoli")
    assert_accessible(phone)
    screenshot(phone, "associate-stock-phone")


def test_an_associate_cannot_open_another_stores_app(retailer, live_server, phone):
    sign_in(phone, live_server, "associate.lyon")
    answer = phone.goto(f"{live_server.url}/associate/paris-rivoli/till/")

    assert answer.status == 403
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ceci ne vous est pas ouvert")

"""Scanning a product's barcode with the phone's camera in the associate app.

The camera is Chromium's fake capture device filming a label drawn from the demo jacket's
EAN-13 digits (tests/browser/barcodes.py): the reader must decode real bars, not a typed code."""

from __future__ import annotations

from playwright.sync_api import expect

from comptoir.catalog.models import Variant
from comptoir.inventory.models import StockLevel

from .barcodes import ean13_modules, ean13_picture, write_y4m
from .conftest import assert_accessible, htmx_ready, sign_in


def test_ean13_modules_follow_gs1_for_a_known_code():
    # 4006381333931, the example in the EAN-13 article: first digit 4 gives LGLLGG on the left.
    modules = ean13_modules("4006381333931")
    assert len(modules) == 95
    assert (modules[:3], modules[45:50], modules[-3:]) == ("101", "01010", "101")
    assert modules[3:10] == "0001101"  # 0 in set L
    assert modules[10:17] == "0100111"  # 0 in set G
    assert modules[50:57] == "1000010"  # 3 in set R


def test_sofia_scans_the_jacket_with_the_camera_and_sees_its_stock_here(
    retailer, live_server, phone_filming, tmp_path
):
    jacket = Variant.objects.get(sku="JACKET-TRAIL-M")
    ean13 = jacket.gtin[-13:]
    on_hand = StockLevel.objects.get(variant=jacket, location__code="lyon-part-dieu").on_hand
    phone = phone_filming(write_y4m(ean13_picture(ean13), tmp_path / "jacket-label.y4m"))
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/stock/")

    phone.get_by_role("button", name="Scanner").click()

    # The reader (0.9 MB of WebAssembly) loads on this first press: give a busy machine time.
    row = phone.locator("#stock-result").get_by_role("row", name="JACKET-TRAIL-M")
    expect(row.get_by_role("cell").first).to_have_text(str(on_hand), timeout=30_000)
    expect(phone.get_by_label("SKU ou code-barres")).to_have_value(ean13)
    expect(phone.get_by_role("status").filter(has_text=f"Code-barres lu : {ean13}")).to_be_visible()
    # The camera is off once the code is read: no live track left on the page.
    expect(phone.locator(".scan-view")).to_be_hidden()
    assert phone.evaluate("() => document.querySelector('.scan-view video').srcObject") is None
    assert_accessible(phone)


def test_without_a_camera_the_button_says_why_and_a_wedge_scanner_still_works(
    retailer, live_server, phone
):
    jacket = Variant.objects.get(sku="JACKET-TRAIL-M")
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/stock/")

    phone.get_by_role("button", name="Scanner").click()
    expect(phone.locator(".scan-status")).to_contain_text("tapez le code")
    # A keyboard-wedge scanner types the digits and Enter into the focused input.
    phone.get_by_label("SKU ou code-barres").press_sequentially(jacket.gtin[-13:])
    phone.get_by_label("SKU ou code-barres").press("Enter")
    expect(phone.locator("#stock-result").get_by_role("row", name="JACKET-TRAIL-M")).to_be_visible()
    assert_accessible(phone)


def test_the_camera_scan_button_is_on_the_till_and_the_returns_page(retailer, live_server, phone):
    sign_in(phone, live_server, "associate.lyon")
    # The code's Scan button on each page (the till also scans a customer's card).
    for page, code in (("till", "id_code"), ("returns", "order-ref")):
        phone.goto(f"{live_server.url}/associate/lyon-part-dieu/{page}/")
        scan = phone.locator(f'button[aria-controls="{code}-camera"]')
        expect(scan).to_have_text("Scanner")
        box = scan.bounding_box()
        assert box
        assert min(box["height"], box["width"]) >= 44, (page, box)


def test_an_input_that_htmx_swaps_in_gets_one_scan_button(retailer, live_server, phone):
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/stock/")
    htmx_ready(phone)
    phone.evaluate(
        """() => htmx.swap('#stock-result',
             '<label for="again">Code</label><input id="again" data-scan>',
             {swapStyle: 'innerHTML'})"""
    )
    expect(phone.locator("#stock-result").get_by_role("button", name="Scanner")).to_have_count(1)
    expect(phone.get_by_role("button", name="Scanner")).to_have_count(2)

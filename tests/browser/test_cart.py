"""One cart in every channel: filled on the web, handed to the store with a code."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_accessible, screenshot, sign_in


def test_a_visitors_cart_follows_jean_when_he_signs_in_and_sofia_opens_it_by_its_code(
    retailer, live_server, desktop, phone
):
    desktop.goto(f"{live_server.url}/products/veste-running-trail/")
    desktop.get_by_label("Taille", exact=True).select_option("JACKET-TRAIL-S")
    desktop.get_by_role("button", name="Ajouter au panier").click()
    expect(
        desktop.get_by_role("status").filter(has_text="JACKET-TRAIL-S est dans votre panier")
    ).to_be_visible()

    sign_in(desktop, live_server, "jean.martin@example.fr")
    desktop.goto(f"{live_server.url}/cart/")
    expect(desktop.get_by_role("row", name=re.compile("JACKET-TRAIL-S"))).to_be_visible()
    get_a_code = desktop.get_by_role("button", name="Obtenir un code pour ce panier")
    if get_a_code.count():  # the demo may have given this cart a live code already
        get_a_code.click()
    code = desktop.get_by_test_id("handoff-code").text_content()
    assert_accessible(desktop)
    screenshot(desktop, "shop-cart-desktop")

    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/carts/")
    phone.get_by_label("Code du panier").fill(code)
    phone.get_by_role("button", name="Ouvrir").click()
    expect(phone.get_by_role("row", name=re.compile("JACKET-TRAIL-S"))).to_be_visible()
    phone.get_by_label("SKU ou code-barres").fill("JACKET-TRAIL-M")
    phone.get_by_role("button", name="Ajouter au panier").click()
    expect(phone.get_by_role("row", name=re.compile("JACKET-TRAIL-M"))).to_contain_text("store")
    assert_accessible(phone)

    desktop.reload()
    expect(desktop.get_by_role("row", name=re.compile("JACKET-TRAIL-M"))).to_be_visible()


def test_a_wrong_cart_code_is_a_plain_answer(retailer, live_server, phone):
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/carts/?handoff=ZZZZZZ")

    expect(phone.locator(".errorlist")).to_contain_text("Aucun panier ouvert n'a ce code")
    assert_accessible(phone)

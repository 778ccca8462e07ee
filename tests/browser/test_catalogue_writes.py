"""Operations put a new product on sale from a phone, in French: the product, its picture and
its price, and the storefront shows them."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect

from .conftest import assert_accessible, htmx_ready, open_menu, sign_in


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (900, 900), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def fits(page) -> None:
    page.wait_for_load_state()  # the stylesheet applied: before it, a picture is 900 px wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_operations_create_a_product_with_a_picture_and_a_price(retailer, live_server, phone):
    sign_in(phone, live_server, "ops")
    phone.goto(f"{live_server.url}/backoffice/")
    open_menu(phone)
    phone.locator("header.site").get_by_role("link", name="Catalogue", exact=True).click()
    phone.get_by_role("link", name="Nouveau produit").click()
    htmx_ready(phone)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Nouveau produit")
    fits(phone)
    assert_accessible(phone)

    phone.locator("#id_name").fill("Gourde isotherme")
    phone.locator("#id_brand").fill("Élan")
    phone.locator("#id_category").select_option(index=0)
    phone.locator("#id_attributes").fill("contenance: 750 ml")
    phone.locator("#id_variant-sku").fill("BOTTLE-750")
    phone.locator("#id_variant-gtin").fill("4006381333932")  # a wrong check digit first
    phone.locator("#id_variant-price").fill("24.90")
    phone.get_by_role("button", name="Créer le produit").click()
    expect(phone.locator("#id_variant-gtin_errors")).to_contain_text("devrait être 1")
    phone.locator("#id_variant-gtin").fill("4006381333931")
    phone.get_by_role("button", name="Créer le produit").click()
    expect(phone.get_by_test_id("product-created")).to_be_visible()
    assert_accessible(phone)

    phone.locator("#id_file").set_input_files(
        {"name": "gourde.png", "mimeType": "image/png", "buffer": png()}
    )
    phone.locator("#id_alt_text").fill("La gourde bleue")
    phone.get_by_role("button", name="Ajouter les photos").click()
    expect(
        phone.get_by_test_id("pictures").get_by_role("img", name="La gourde bleue")
    ).to_be_visible()

    phone.locator("#id_sku").select_option("BOTTLE-750")
    phone.locator("#id_amount").fill("22.90")
    phone.get_by_role("button", name="Fixer le prix").click()
    expect(phone.get_by_test_id("prices")).to_contain_text("22,90")
    fits(phone)
    assert_accessible(phone)

    phone.get_by_role("link", name="Le voir dans la boutique").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gourde isotherme")
    expect(phone.get_by_role("img", name="La gourde bleue")).to_be_visible()
    expect(phone.locator("td.price")).to_have_text(re.compile(r"22,90"))
    fits(phone)
    assert_accessible(phone)

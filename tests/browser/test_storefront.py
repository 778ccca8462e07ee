"""The storefront in a real browser: Jean chooses his store, filters by it, reads the offer."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.structured_data import problems

from .conftest import _page, assert_accessible, screenshot, sign_in


def load_lazy_pictures(page) -> None:
    """Scroll the page through once, as a shopper would, so that every lazy picture loads
    before a full-page screenshot; then back to the top."""
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
                scrollTo(0, y);
                await new Promise((done) => setTimeout(done, 30));
            }
            scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")
    assert page.evaluate(
        "[...document.querySelectorAll('img.cover')].every(img => img.complete && img.naturalWidth)"
    )


def test_jean_makes_paris_his_store_and_filters_the_catalogue_by_it(retailer, live_server, desktop):
    page = desktop
    sign_in(page, live_server, "jean.martin@example.fr")
    page.goto(f"{live_server.url}/stores/?near=Paris")
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Élan Paris Rivoli").first.click()
    page.get_by_role("button", name="Choisir ce magasin").click()
    expect(
        page.get_by_role("status").filter(has_text="est maintenant votre magasin")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/")
    page.get_by_label("Disponible dans mon magasin").check()
    page.get_by_role("button", name="Voir les produits").click()

    expect(page.locator("#results")).to_contain_text("disponibles à Élan Paris Rivoli")
    expect(page).to_have_url(re.compile(r"mine=on"))
    assert_accessible(page)
    load_lazy_pictures(page)
    screenshot(page, "shop-catalogue-desktop")
    page.get_by_role("link", name="Veste de running Trail").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Veste de running Trail")
    expect(page.get_by_role("cell", name="89,90 €").first).to_be_visible()
    paris_row = page.get_by_role("row").filter(has_text="Élan Paris Rivoli")
    expect(paris_row).to_be_visible()
    expect(page.get_by_test_id("pickup-promise")).to_contain_text("Élan Paris Rivoli")
    assert_accessible(page)
    screenshot(page, "shop-product-desktop")


def test_the_product_page_says_the_offer_in_schema_org_terms(retailer, live_server, phone):
    phone.goto(f"{live_server.url}/products/veste-running-trail/?near=69003")

    data = json.loads(phone.locator('script[type="application/ld+json"]').text_content())

    assert data["@type"] == "ProductGroup"
    assert data["name"] == "Veste de running Trail"
    assert problems(data) == []
    online = [variant["offers"][0] for variant in data["hasVariant"]]
    assert [
        (v["sku"], o["price"], o["priceCurrency"])
        for v, o in zip(data["hasVariant"], online, strict=True)
    ] == [
        ("JACKET-TRAIL-S", "89.90", "EUR"),
        ("JACKET-TRAIL-M", "89.90", "EUR"),
        ("JACKET-TRAIL-L", "89.90", "EUR"),
    ]
    in_lyon = [v["offers"][1] for v in data["hasVariant"]]
    assert {o["availability"] for o in in_lyon} == {"https://schema.org/InStock"}
    main_picture = phone.locator(".gallery img").first
    expect(main_picture).to_be_visible()
    assert phone.evaluate("img => img.naturalWidth > 0", main_picture.element_handle())
    expect(phone.get_by_test_id("pickup-promise")).to_contain_text("prête")
    assert_accessible(phone)
    screenshot(phone, "shop-product-phone")


def test_the_catalogue_searches_and_filters_by_pickup_near_a_postcode(retailer, live_server, phone):
    phone.goto(f"{live_server.url}/")
    assert_accessible(phone)
    load_lazy_pictures(phone)
    screenshot(phone, "shop-catalogue-phone")
    phone.get_by_label("Rechercher", exact=True).fill("veste")
    phone.get_by_label("Disponible en retrait près de").fill("69003")
    phone.get_by_role("button", name="Voir les produits").click()

    results = phone.locator("#results")
    expect(results).to_contain_text("Veste de running Trail")
    expect(results).to_contain_text("Élan Lyon Part-Dieu")


def test_the_store_locator_lists_every_store_even_without_map_tiles(retailer, live_server, phone):
    phone.goto(f"{live_server.url}/stores/?near=69003")

    cards = phone.locator("main .cards > li")
    expect(cards.first).to_contain_text("Élan Lyon Part-Dieu")
    assert cards.count() == 6  # the six demo stores, nearest first
    # Leaflet drew a marker per store although every tile request was refused (offline).
    expect(phone.locator(".leaflet-marker-icon")).to_have_count(6)
    expect(cards.first).to_contain_text("Aujourd")
    assert_accessible(phone)
    screenshot(phone, "shop-stores-phone")


def test_a_visitor_switches_to_english_and_the_page_says_so(retailer, live_server, desktop):
    desktop.goto(f"{live_server.url}/stores/lyon-part-dieu/")
    expect(desktop.locator("html")).to_have_attribute("lang", "fr")
    expect(desktop.get_by_role("heading", name="Horaires d'ouverture")).to_be_visible()

    desktop.get_by_role("button", name="English").click()

    expect(desktop.locator("html")).to_have_attribute("lang", "en")
    expect(desktop.get_by_role("heading", name="Opening hours")).to_be_visible()
    expect(desktop.get_by_role("row", name=re.compile("Monday"))).to_contain_text("10:00")
    assert_accessible(desktop)


def test_the_keyboard_reaches_the_content_first_through_the_skip_link(
    retailer, live_server, desktop
):
    desktop.goto(f"{live_server.url}/")
    desktop.keyboard.press("Tab")
    expect(desktop.get_by_role("link", name="Aller au contenu")).to_be_focused()
    desktop.keyboard.press("Enter")
    expect(desktop.locator("main")).to_be_focused()


def test_bad_input_gets_a_plain_answer_never_a_server_error(retailer, live_server, phone):
    answer = phone.goto(f"{live_server.url}/products/no-such-thing/")
    assert answer.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Nous n'avons pas trouvé ceci")
    expect(phone.get_by_role("alert")).to_contain_text("n'existe pas")
    assert_accessible(phone)

    answer = phone.goto(f"{live_server.url}/stores/?near=99999")
    assert answer.status == 200
    expect(phone.locator(".errorlist")).to_contain_text("Nous ne connaissons pas ce lieu")

    phone.goto(f"{live_server.url}/signup/")
    phone.get_by_role("button", name="Créer mon compte").click()
    expect(phone.locator(".errorlist").first).to_contain_text("obligatoire")
    assert_accessible(phone)


def test_a_shoes_stock_table_shows_every_size_and_the_pickup_on_a_360_px_phone(
    retailer, live_server, browser
):
    small = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
    for page in _page(browser, live_server, small):
        page.goto(f"{live_server.url}/products/shoes-000008/?near=69003")
        table = page.get_by_test_id("stock-near")

        cells = table.locator("tbody tr").first.locator("td")
        expect(cells).to_have_count(16 + 1)  # 8 sizes in 2 colours, and the pickup
        for index in range(cells.count()):
            box = cells.nth(index).bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 360, cells.nth(index).get_attribute("data-label")
        assert page.evaluate("document.documentElement.scrollWidth") == 360
        assert_accessible(page)
        screenshot(page, "shop-product-sizes-phone")

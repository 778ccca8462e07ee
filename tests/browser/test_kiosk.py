"""The kiosk: a portrait screen in the Lyon store that boots to /kiosk/lyon-part-dieu/.

A shopper finds a product, sees this store's stock first, orders what the store lacks for home
delivery through the storefront's checkout, and walks away: the screen starts over by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _page, assert_accessible, htmx_ready, screenshot

STORE = "lyon-part-dieu"
PORTRAIT = {"viewport": {"width": 1080, "height": 1920}, "has_touch": True, "locale": "fr-FR"}
SMALL_PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
TARGET_PX = 56
# Everything a finger presses; a radio's own circle is pressed through its (big) label.
TARGETS = (
    "button, a.button, a.brand, a.stretch, select, label.check,"
    " input:not([type=radio]):not([type=hidden])"
)
# Each visible target smaller than 56 px (argument: [selector, size]), as a line to read.
SMALL_TARGETS = """([selector, size]) => [...document.querySelectorAll(selector)]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.height < size || box.width < size)
  .map(([el, box]) => el.outerHTML.slice(0, 80) + ' '
    + Math.round(box.width) + 'x' + Math.round(box.height))"""


@pytest.fixture
def kiosk(browser: Any, live_server: Any) -> Iterator[Any]:
    """The store's portrait screen, 1080 × 1920, touched with a finger."""
    yield from _page(browser, live_server, PORTRAIT)


@pytest.fixture
def small_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _page(browser, live_server, SMALL_PHONE)


def _not_here_but_online() -> tuple[str, str, str]:
    """A product Lyon cannot sell now but the warehouses can send: (its name, slug, a SKU)."""
    from comptoir.catalog.models import Product
    from comptoir.inventory.selectors import product_ids_available_at
    from comptoir.locations.models import Location

    lyon = Location.objects.get(code=STORE)
    warehouses = list(Location.objects.filter(kind="warehouse").values_list("pk", flat=True))
    product = (
        Product.objects.filter(
            pk__in=product_ids_available_at(location_ids=warehouses, channel="web"),
            is_active=True,
        )
        .exclude(pk__in=product_ids_available_at(location_ids=[lyon.pk], channel="web"))
        .order_by("pk")
        .first()
    )
    assert product is not None, "the demo has a product only the warehouses hold"
    return product.name, product.slug, product.variants.order_by("pk").first().sku


def _fits(page: Any) -> None:
    """No sideways scroll, and every target at least 56 px either way."""
    page.wait_for_load_state()  # a click waits for the next page to commit, not its styles
    width = page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") == width, page.url
    assert page.evaluate(SMALL_TARGETS, [TARGETS, TARGET_PX]) == [], page.url


def _basket_size(page: Any, live_server: Any) -> int:
    page.goto(f"{live_server.url}/kiosk/{STORE}/cart/")
    return page.get_by_test_id("basket").locator("li").count()


def test_a_shopper_orders_home_delivery_at_the_kiosk_and_the_idle_screen_starts_over(
    retailer, live_server, kiosk
):
    from comptoir.orders.models import Order

    name, slug, sku = _not_here_but_online()
    home = f"{live_server.url}/kiosk/{STORE}/"

    kiosk.goto(home)
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("Bienvenue chez Élan Lyon Part-Dieu")
    expect(kiosk.get_by_role("button", name="Recommencer")).to_be_visible()
    expect(kiosk.get_by_role("link", name=re.compile("Mon compte|Se connecter"))).to_have_count(0)
    _fits(kiosk)
    assert_accessible(kiosk)
    screenshot(kiosk, "kiosk-home-portrait")

    # Browsing: what Lyon has comes first, each card saying where it is.
    kiosk.get_by_role("link", name="Tout").click()
    badges = kiosk.locator(".kiosk-cards .stock")
    first_to_order = badges.evaluate_all(
        "(all) => all.findIndex((b) => b.dataset.testid === 'to-order')"
    )
    assert first_to_order > 0, "the products in stock here come first"
    here_after = badges.evaluate_all(
        f"(all) => all.slice({first_to_order}).some((b) => b.dataset.testid === 'here')"
    )
    assert not here_after, "no product in stock here after the first one to order"
    _fits(kiosk)
    assert_accessible(kiosk)

    # Searching the product Lyon lacks: its page says so first, then where else it is.
    kiosk.get_by_label("Que cherchez-vous ?").fill(name)
    kiosk.get_by_role("button", name="Rechercher").click()
    card = kiosk.locator(".kiosk-cards li").filter(has_text=name)
    expect(card.get_by_test_id("to-order")).to_have_text("Pas dans ce magasin : commandez-le")
    card.get_by_role("link", name=name).click()
    here, elsewhere = kiosk.get_by_test_id("stock-here"), kiosk.get_by_test_id("stock-elsewhere")
    expect(here).to_contain_text("Ici, à Élan Lyon Part-Dieu")
    expect(here).to_contain_text("Pas dans ce magasin en ce moment")
    assert here.bounding_box()["y"] < elsewhere.bounding_box()["y"], "here first"
    expect(elsewhere).to_contain_text("Livré chez vous")
    _fits(kiosk)
    assert_accessible(kiosk)

    # Into the basket, then the storefront's checkout, delivered to the shopper's home.
    kiosk.get_by_role("button", name="Ajouter à mon panier").click()
    expect(kiosk.get_by_test_id("basket")).to_contain_text(sku)
    kiosk.get_by_role("link", name="Commander : livré ou à retirer").click()
    htmx_ready(kiosk)
    kiosk.get_by_label("Code postal").fill("69003")
    kiosk.get_by_label("Code postal").press("Tab")  # htmx brings the home options
    kiosk.get_by_test_id("option-home_standard").get_by_role("radio").check()
    expect(kiosk.get_by_test_id("delivery-fee")).to_have_text(re.compile(r"€|gratuit"))
    kiosk.get_by_label("Nom sur le colis").fill("Camille Durand")
    kiosk.get_by_label("Numéro et rue").fill("3 rue Garibaldi")
    kiosk.get_by_label("Ville").fill("Lyon")
    _fits(kiosk)
    assert_accessible(kiosk)
    kiosk.get_by_role("button", name="Passer ma commande").click()
    # Neither an email nor a phone: a plain message, nothing ordered.
    expect(kiosk.locator(".errorlist")).to_contain_text("un e-mail ou un numéro de téléphone")
    assert not Order.objects.filter(created_by=f"kiosk:{STORE}").exists()
    kiosk.get_by_label("Votre e-mail").fill("camille.durand@example.fr")
    kiosk.get_by_role("button", name="Passer ma commande").click()

    expect(kiosk.get_by_role("heading", level=1)).to_contain_text("est passée")
    order = Order.objects.get(created_by=f"kiosk:{STORE}")
    assert order.fulfilment_mode == "home_delivery"
    assert [line.variant.sku for line in order.lines.select_related("variant")] == [sku]
    assert order.payment.method == "payment_link"
    assert order.payment.payment_link
    expect(kiosk.get_by_role("img", name="QR code du lien de paiement")).to_be_visible()
    assert_accessible(kiosk)

    # English on the home's switch, a new basket, then nobody touches the screen.
    kiosk.goto(home)
    kiosk.get_by_role("button", name="English").click()
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("Welcome to Élan Lyon Part-Dieu")
    expect(kiosk.get_by_role("heading", name="Check in with your loyalty card")).to_be_visible()
    assert_accessible(kiosk)
    kiosk.goto(f"{live_server.url}/kiosk/{STORE}/products/{slug}/")
    expect(kiosk.get_by_test_id("stock-here")).to_contain_text("Not in this store right now")
    kiosk.get_by_role("button", name="Add to my basket").click()
    expect(kiosk.get_by_test_id("basket")).to_contain_text(sku)
    kiosk.evaluate("() => { document.body.dataset.kioskIdleSeconds = '2'; }")
    kiosk.wait_for_url(home, timeout=10_000)
    expect(kiosk.get_by_role("heading", level=1)).to_have_text("Bienvenue chez Élan Lyon Part-Dieu")
    assert _basket_size(kiosk, live_server) == 0
    expect(kiosk.get_by_text("Votre panier est vide.")).to_be_visible()


def test_jean_checks_in_with_his_loyalty_card_at_the_kiosk(retailer, live_server, kiosk):
    from comptoir.customers.models import StoreVisit
    from comptoir.demo.retailer import JEAN_CARD

    visits = StoreVisit.objects.filter(location__code=STORE, method="loyalty_card")
    before = visits.count()
    kiosk.goto(f"{live_server.url}/kiosk/{STORE}/")
    kiosk.get_by_label("Numéro de carte de fidélité").fill("0000")
    kiosk.get_by_role("button", name="Je suis là").click()
    expect(kiosk.get_by_role("alert")).to_have_text(
        "Nous ne connaissons pas cette carte : demandez à un vendeur."
    )
    kiosk.get_by_label("Numéro de carte de fidélité").fill(JEAN_CARD)
    kiosk.get_by_role("button", name="Je suis là").click()
    expect(kiosk.get_by_role("status")).to_have_text("Bienvenue, Jean !")
    assert visits.count() == before + 1
    assert_accessible(kiosk)


def test_the_kiosk_fits_a_small_phone_with_big_targets(retailer, live_server, small_phone):
    _name, slug, _sku = _not_here_but_online()
    page = small_phone
    for path in ("", "products/", f"products/{slug}/"):
        page.goto(f"{live_server.url}/kiosk/{STORE}/{path}")
        _fits(page)
        assert_accessible(page)
    page.get_by_role("button", name="Ajouter à mon panier").click()
    page.get_by_role("link", name="Commander : livré ou à retirer").click()
    _fits(page)
    assert_accessible(page)

"""Jean's account on a 360-px phone, in French: his orders, what is in them, where they are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _page, assert_accessible, screenshot, sign_in

SMALL_PHONE = {"viewport": {"width": 360, "height": 760}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def small_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _page(browser, live_server, SMALL_PHONE)


def scroll_width(page: Any) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_jean_reads_his_returned_order_by_product_name_on_a_small_phone(
    retailer, live_server, small_phone
):
    from comptoir.customers.models import Customer
    from comptoir.returns.models import Return

    page = small_phone
    jean = Customer.objects.get(email="jean.martin@example.fr")
    returned = Return.objects.select_related("order").get(order__customer_id=jean.pk).order
    line = returned.lines.select_related("variant__product").get(line_number=1)
    sign_in(page, live_server, "jean.martin@example.fr")

    page.goto(f"{live_server.url}/account/orders/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes commandes")
    assert scroll_width(page) == 360
    assert_accessible(page)
    page.get_by_role("link", name=returned.reference).click()

    expect(page.get_by_test_id("order-lines")).to_contain_text(line.variant.product.name)
    expect(page.get_by_test_id("order-lines")).not_to_contain_text(line.sku)
    expect(page.get_by_test_id("line-status").first).to_have_text("Retournée")
    expect(page.get_by_test_id("order-status")).to_have_text(
        "Remboursée" if returned.lines.count() == 1 else "Retournée en partie"
    )
    assert scroll_width(page) == 360
    assert_accessible(page)
    screenshot(page, "shop-order-phone")


def test_jean_sends_a_delivered_item_back_by_post_from_a_small_phone(
    retailer, live_server, small_phone
):
    import random
    from datetime import timedelta

    from comptoir.core import clock
    from comptoir.customers.models import Customer
    from comptoir.demo.orders import KINDS, _carry_out, _place
    from comptoir.locations.models import Location

    jean = Customer.objects.get(email="jean.martin@example.fr")
    stores = list(Location.objects.filter(kind="store").order_by("pk"))
    warehouse = Location.objects.filter(kind="warehouse").order_by("pk").first()
    at = clock.now() - timedelta(days=4)
    order = _place(jean, KINDS[2], stores=stores, warehouse=warehouse, rng=random.Random(5), at=at)
    _carry_out(order, at=at, collect=True)
    name = order.lines.select_related("variant__product").get(line_number=1).variant.product.name
    page = small_phone
    sign_in(page, live_server, "jean.martin@example.fr")

    page.goto(f"{live_server.url}/account/orders/{order.reference}/")
    expect(page.get_by_test_id("order-status")).to_have_text("Livrée")
    page.get_by_role("link", name="Retourner des articles").click()
    form = page.get_by_test_id("start-return")
    expect(form).to_contain_text(name)
    form.get_by_label("Combien").first.select_option("1")
    form.get_by_label("Par la poste, avec une étiquette prépayée").check()
    assert scroll_width(page) == 360
    assert_accessible(page)
    screenshot(page, "shop-start-return-phone")
    form.get_by_role("button", name="Confirmer le retour").click()

    expect(page.get_by_role("status")).to_contain_text("enregistré")
    expect(page.get_by_test_id("order-returns")).to_contain_text("Étiquette prépayée")
    assert scroll_width(page) == 360
    assert_accessible(page)
    screenshot(page, "shop-return-started-phone")

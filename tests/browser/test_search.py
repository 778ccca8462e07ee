"""Search on a French page, on a 360-px phone: a shopper types without accents and is understood."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _page, assert_accessible, htmx_ready, screenshot

SMALL_PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def small_phone(browser: Any, live_server: Any):
    yield from _page(browser, live_server, SMALL_PHONE)


def test_typing_ecouteurs_suggests_the_earbuds_and_lists_them_first(
    retailer, live_server, small_phone
):
    """The demo's earbuds are named "Écouteurs …": the shopper types no accent, no capital."""
    page = small_phone
    page.goto(f"{live_server.url}/")
    htmx_ready(page)

    box = page.get_by_role("combobox", name="Rechercher")
    box.press_sequentially("ecouteurs", delay=30)

    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option").first).to_contain_text("Écouteurs")
    expect(box).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)
    screenshot(page, "shop-search-suggestions-phone")

    box.press("Escape")
    expect(suggestions).to_be_hidden()
    page.get_by_role("button", name="Voir les produits").click()

    first_card = page.locator("#results .cards > li").first
    expect(first_card).to_contain_text("Écouteurs")
    expect(page).to_have_url(re.compile(r"q=ecouteurs"))
    expect(page.locator(".facets")).to_contain_text("Marque")
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    assert_accessible(page)
    screenshot(page, "shop-search-results-phone")

    box.fill("")
    box.press_sequentially("ecoutuers", delay=30)  # two letters swapped: still the earbuds
    expect(suggestions.get_by_role("option").first).to_contain_text("Écouteurs")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-1")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Écouteurs")


def test_on_a_wide_screen_the_facets_stand_open_beside_the_results(retailer, live_server, desktop):
    desktop.goto(f"{live_server.url}/?q=chaussure")
    htmx_ready(desktop)

    facets = desktop.locator("details.facets")
    expect(facets).to_have_attribute("open", "")
    expect(facets.get_by_role("heading", name="Taille")).to_be_visible()
    size = facets.get_by_role("link", name="42")
    size.click()

    expect(desktop).to_have_url(re.compile(r"size=42"))
    expect(desktop.get_by_role("list", name="Filtres choisis")).to_contain_text("Taille : 42")
    for card in desktop.locator("#results .cards > li").all():
        expect(card).to_contain_text("42")
    assert_accessible(desktop)
    screenshot(desktop, "shop-search-desktop")

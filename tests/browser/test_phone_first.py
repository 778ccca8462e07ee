"""The associate app is made for one hand on a 390 x 844 phone: a header of one line (the store's
name and a Menu button), every tap target at least 44 px, the menu a real button that a keyboard
opens and closes, and the links still there without JavaScript. In French and in English."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, _page, assert_accessible, open_menu, sign_in
from .test_no_sideways_scroll import _associate_pages

HEADER_MOST_PX = 64
TARGET_LEAST_PX = 44

# What a finger can press, as the page lays it out now: visible, not a link inside a sentence
# (WCAG 2.5.8 leaves those to the sentence's line height).
SMALL_TARGETS = """(least) => {
  const targets = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]');
  const small = [];
  for (const element of targets) {
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(element).visibility === 'hidden') continue;
    if (element.matches('input[type=checkbox], input[type=radio]')) {
      const label = element.closest('label');  // the label is the target
      if (label) { const b = label.getBoundingClientRect(); if (b.height >= least) continue; }
    }
    // a link in a sentence
    if (element.matches('a') && element.closest('p, td, dd, figcaption')) continue;
    if (element.matches('.skip')) continue;  // off screen until focused
    if (box.height < least || box.width < least) {
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${element.outerHTML.slice(0, 90)} ${size}`);
    }
  }
  return small;
}"""


@pytest.fixture
def french_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _page(browser, live_server, {**PHONE, "locale": "fr-FR"})


def header_height(page: Any) -> float:
    return page.locator("header.site").bounding_box()["height"]


def test_every_associate_page_has_a_one_line_header_and_44_px_targets(
    retailer, live_server, french_phone
):
    sign_in(french_phone, live_server, "associate.lyon")
    problems = []
    for name, path in _associate_pages().items():
        french_phone.goto(live_server.url + path())
        if (height := header_height(french_phone)) > HEADER_MOST_PX:
            problems.append(f"{name}: header {height:.0f} px")
        small = french_phone.evaluate(SMALL_TARGETS, TARGET_LEAST_PX)
        problems += [f"{name}: {target}" for target in small]
        open_menu(french_phone)
        small = french_phone.evaluate(SMALL_TARGETS, TARGET_LEAST_PX)
        problems += [f"{name} (menu open): {target}" for target in small]
        assert_accessible(french_phone)
    assert not problems, "\n".join(problems)


def test_the_menu_button_opens_the_links_and_a_keyboard_closes_it(
    retailer, live_server, french_phone
):
    phone = french_phone
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/stock/")
    menu = phone.get_by_role("button", name="Menu")
    stock_link = phone.get_by_role("navigation").get_by_role("link", name="Stock")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(stock_link).to_be_hidden()
    assert header_height(phone) <= HEADER_MOST_PX

    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(stock_link).to_be_visible()
    assert_accessible(phone)
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("navigation").get_by_role("link", name="Tâches")).to_be_focused()
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(stock_link).to_be_hidden()

    menu.click()
    phone.get_by_role("navigation").get_by_role("link", name="Caisse").click()
    expect(phone).to_have_url(f"{live_server.url}/associate/lyon-part-dieu/till/")


def test_in_english_the_header_and_the_scan_button_speak_english(
    retailer, live_server, french_phone
):
    phone = french_phone
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/stock/")
    open_menu(phone)
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    expect(phone.get_by_role("button", name="Scan", exact=True)).to_be_visible()
    expect(phone.get_by_label("SKU or barcode")).to_be_visible()
    assert header_height(phone) <= HEADER_MOST_PX
    assert_accessible(phone)


def test_without_javascript_every_link_of_the_menu_is_on_the_page(retailer, live_server, browser):
    page = next(_page(browser, live_server, {**PHONE, "java_script_enabled": False}))
    try:
        sign_in(page, live_server, "associate.lyon")
        page.goto(f"{live_server.url}/associate/lyon-part-dieu/stock/")
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        page.get_by_role("navigation").get_by_role("link", name="Retours").click()
        expect(page).to_have_url(f"{live_server.url}/associate/lyon-part-dieu/returns/")
        expect(page.get_by_role("button", name="Scanner")).to_have_count(0)
        expect(page.get_by_label("Référence de la commande")).to_be_editable()
    finally:
        page.context.close()

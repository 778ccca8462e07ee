"""Operations set a store's capacity in the back office, on the narrowest phone (360 px), in
French: the form, then the saved limits with today's use. (A refused count is the Django
client's test, src/comptoir/web/tests/test_capacity_page.py: the browser's own `min` check
stops a negative one before it is sent.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import _page, assert_accessible, sign_in
from .test_webhooks import NARROW_PHONE, fits


@pytest.fixture
def narrow_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _page(browser, live_server, NARROW_PHONE)


def test_a_stores_capacity_is_set_on_a_360_px_phone(retailer, live_server, narrow_phone):
    sign_in(narrow_phone, live_server, "ops")
    narrow_phone.goto(f"{live_server.url}/backoffice/stores/")
    narrow_phone.get_by_role("link", name="Capacité").first.click()
    expect(narrow_phone.get_by_role("heading", level=1)).to_contain_text("Capacité de")
    fits(narrow_phone)
    assert_accessible(narrow_phone)

    narrow_phone.get_by_label("Unités préparées par jour").fill("120")
    narrow_phone.get_by_label("Livraisons par créneau").fill("4")
    narrow_phone.get_by_role("button", name="Enregistrer la capacité").click()

    expect(narrow_phone.get_by_role("status")).to_contain_text("est enregistrée")
    expect(narrow_phone.get_by_label("Livraisons par créneau")).to_have_value("4")
    fits(narrow_phone)
    assert_accessible(narrow_phone)

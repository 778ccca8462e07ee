"""Operations manage a webhook in the back office: add it, ping it, read the ping in the log,
disable it and delete it. The receiver is a real HTTP endpoint that verifies signatures; the
test queue is immediate, so the ping is delivered as its request commits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.webhooks.receiver import receiving_webhooks

from .conftest import _page, assert_accessible, screenshot, sign_in

NARROW_PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def narrow_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """The narrowest phone the pages are made for (360 px), cut off from the network."""
    yield from _page(browser, live_server, NARROW_PHONE)


def fits(page: Any) -> None:
    page.wait_for_load_state()  # a form's answer may be in the DOM before its stylesheet applies
    width = page.viewport_size["width"]
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 12)""",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def add_webhook(page: Any, live_server: Any, url: str) -> str:
    """Fill the form on the webhooks page; returns the secret it shows once."""
    page.goto(f"{live_server.url}/backoffice/webhooks/")
    page.get_by_label("Adresse de réception (https)").fill(url)
    page.get_by_label("Événements à envoyer").select_option(["order.placed", "order.cancelled"])
    page.get_by_label("Description").fill("CRM Élan")
    page.get_by_role("button", name="Ajouter le webhook").click()
    return page.get_by_test_id("secret").inner_text()


def test_operations_add_ping_disable_and_delete_a_webhook(retailer, live_server, desktop):
    with receiving_webhooks() as crm:
        sign_in(desktop, live_server, "ops")
        crm.secret = add_webhook(desktop, live_server, crm.url)
        expect(desktop.get_by_role("status")).to_contain_text("Copiez-le maintenant")
        assert_accessible(desktop)
        screenshot(desktop, "backoffice-webhook-added-desktop")

        desktop.get_by_role("link", name="Ouvrir ce webhook").click()
        desktop.get_by_role("button", name="Envoyer un ping de test").click()

        log = desktop.get_by_role("table", name="Journal des envois")
        expect(log.get_by_role("row").nth(1)).to_contain_text("webhook.ping")
        expect(log.get_by_role("row").nth(1)).to_contain_text("Livré")
        assert [payload["type"] for _, payload in crm.accepted] == ["webhook.ping"]
        assert crm.rejected == []
        expect(log.get_by_role("button", name="Renvoyer webhook.ping")).to_be_visible()
        assert_accessible(desktop)
        screenshot(desktop, "backoffice-webhook-log-desktop")

        desktop.get_by_role("link", name="Désactiver…").click()
        expect(desktop.get_by_role("heading", level=1)).to_have_text("Désactiver ce webhook ?")
        assert_accessible(desktop)
        desktop.get_by_role("button", name="Désactiver").click()
        expect(desktop.get_by_test_id("status")).to_have_text("Désactivé")
        expect(desktop.get_by_role("button", name="Envoyer un ping de test")).to_have_count(0)

        desktop.get_by_role("link", name="Supprimer…").click()
        desktop.get_by_role("button", name="Supprimer").click()

    expect(desktop.get_by_role("status")).to_contain_text("Webhook supprimé")
    expect(desktop.get_by_role("table", name="Abonnements webhooks")).to_contain_text(
        "Aucun webhook pour l'instant."
    )
    assert len(crm.accepted) == 1


def test_the_webhooks_pages_fit_a_360_px_phone(retailer, live_server, narrow_phone):
    with receiving_webhooks() as crm:
        sign_in(narrow_phone, live_server, "ops")
        crm.secret = add_webhook(narrow_phone, live_server, crm.url)
        fits(narrow_phone)
        assert_accessible(narrow_phone)
        screenshot(narrow_phone, "backoffice-webhook-added-phone")

        narrow_phone.get_by_role("link", name="Ouvrir ce webhook").click()
        narrow_phone.get_by_role("button", name="Envoyer un ping de test").click()
        expect(narrow_phone.get_by_role("table", name="Journal des envois")).to_contain_text(
            "webhook.ping"
        )

    fits(narrow_phone)
    assert_accessible(narrow_phone)
    screenshot(narrow_phone, "backoffice-webhook-log-phone")


def test_a_refused_address_is_said_in_plain_words(retailer, live_server, desktop, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    sign_in(desktop, live_server, "ops")

    desktop.goto(f"{live_server.url}/backoffice/webhooks/")
    desktop.get_by_label("Adresse de réception (https)").fill("https://169.254.169.254/latest/")
    desktop.get_by_role("button", name="Ajouter le webhook").click()

    expect(desktop.locator(".errorlist")).to_contain_text("comptoir n'envoie pas de webhooks")
    expect(desktop.locator("p[lang=en]")).to_contain_text("a metadata or reserved address")
    assert_accessible(desktop)

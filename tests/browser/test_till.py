"""The till on a 390-px phone, in French and in English: Sofia attaches Jean by the code on his
phone, pulls in his online cart, types a second jacket (a wedge scanner types and presses
Enter), takes part by card and part in cash; the receipt reaches Jean's mailbox and the sale
his timeline, and the jacket leaves his online cart."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from comptoir.carts.selectors import open_cart_of
from comptoir.carts.services import add_line, issue_handoff_code
from comptoir.core import outbox
from comptoir.customers.models import Customer, TimelineEntry
from comptoir.inventory.models import StockLevel
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.orders.models import Order
from comptoir.wiring import ROUTES

from .conftest import assert_accessible, open_menu, screenshot, sign_in

WORDS = {
    "fr": {
        "customer": "Carte de fidélité, téléphone ou code de panier",
        "attach": "Rattacher",
        "pull": "Ajouter son panier en ligne au ticket",
        "code": "SKU ou code-barres",
        "card": "Par carte",
        "cash": "Espèces reçues",
        "card_part": "100,00",
        "cash_given": "80,00",
        "take": "Encaisser",
        "sold": "Vendu : 179,80\u00a0€ encaissés.",
        "change": "Rendez 0,20\u00a0€ de monnaie.",
        "timeline": "A acheté en caisse, commande",
        "day_rows": ["100,00\u00a0€", "79,80\u00a0€"],
    },
    "en": {
        "customer": "Loyalty card, phone or cart code",
        "attach": "Attach",
        "pull": "Add their online cart to the basket",
        "code": "SKU or barcode",
        "card": "On the card",
        "cash": "Cash given",
        "card_part": "100.00",
        "cash_given": "80.00",
        "take": "Take",
        "sold": "Sold: €179.80 taken.",
        "change": "Give back €0.20 in change.",
        "timeline": "Bought at the till, order",
        "day_rows": ["€100.00", "€79.80"],
    },
}


def _lyon(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku, location__code="lyon-part-dieu").on_hand


def _worker_catches_up() -> None:
    while (sweep := outbox.run_due_work(ROUTES, worker="test", limit=500)).attempted or (
        sweep.fanned_out
    ):
        pass


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sofia_sells_jean_two_jackets_part_card_part_cash(
    retailer, live_server, phone, settings, language
):
    words = WORDS[language]
    jean = Customer.objects.get(email="jean.martin@example.fr")
    online = open_cart_of(customer_id=jean.pk)
    add_line(cart_id=online.pk, sku="JACKET-TRAIL-M", quantity=1, channel="app")
    code = issue_handoff_code(cart_id=online.pk).handoff_code
    before = {sku: _lyon(sku) for sku in ("JACKET-TRAIL-M", "JACKET-TRAIL-L")}

    with smtp_server(settings) as inbox:
        sign_in(phone, live_server, "associate.lyon")
        phone.goto(f"{live_server.url}/associate/lyon-part-dieu/till/")
        if language == "en":
            open_menu(phone)  # on a phone the language switch is in the header's menu
            phone.get_by_role("button", name="English").click()
            phone.wait_for_load_state()
        assert_accessible(phone)

        phone.get_by_label(words["customer"]).fill(code)
        phone.get_by_role("button", name=words["attach"], exact=True).click()
        expect(phone.get_by_test_id("till-customer")).to_have_text("Jean Martin")
        phone.get_by_role("button", name=words["pull"]).click()
        expect(phone.locator("li[data-sku='JACKET-TRAIL-M']")).to_be_visible()

        scan = phone.get_by_label(words["code"])
        expect(scan).to_have_attribute("data-scan", "")
        expect(scan).to_be_focused()
        scan.fill("JACKET-TRAIL-L")
        scan.press("Enter")  # what a keyboard-wedge scanner sends after the code
        expect(phone.locator("li[data-sku='JACKET-TRAIL-L']")).to_be_visible()
        assert_accessible(phone)
        screenshot(phone, f"associate-till-basket-phone-{language}")

        phone.get_by_label(words["card"]).fill(words["card_part"])
        phone.get_by_label(words["cash"]).fill(words["cash_given"])
        phone.get_by_role("button", name=words["take"]).dblclick()  # a double tap sells once

        sold = phone.get_by_test_id("till-sold")
        expect(sold).to_contain_text(words["sold"])
        expect(sold).to_contain_text(words["change"])
        assert_accessible(phone)
        screenshot(phone, f"associate-till-receipt-phone-{language}")

        order = Order.objects.exclude(created_by="demo").get(
            customer_id=jean.pk, fulfilment_mode="till_sale"
        )
        assert str(order.total) == "179.80"
        assert {sku: _lyon(sku) for sku in before} == {sku: n - 1 for sku, n in before.items()}
        assert (
            not open_cart_of(customer_id=jean.pk)
            .lines.filter(variant__sku="JACKET-TRAIL-M")
            .exists()
        )

        _worker_catches_up()
        receipts = [m for m in inbox.to("jean.martin@example.fr") if order.reference in m.body]
        assert len(receipts) == 1
        assert "JACKET-TRAIL-L" in receipts[0].body

    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/till/day/")
    takings = phone.locator("table.till-day tbody")
    for amount in words["day_rows"]:  # Sofia's till: the card part, the cash kept
        expect(takings).to_contain_text(amount)
    assert_accessible(phone)
    screenshot(phone, f"associate-till-end-of-day-phone-{language}")

    assert TimelineEntry.objects.filter(
        customer_id=jean.pk, kind="order.sold_at_till", summary__contains=order.reference
    ).exists()
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/customers/{jean.pk}/")
    expect(phone.locator("main")).to_contain_text(f"{words['timeline']} {order.reference}")
    assert_accessible(phone)

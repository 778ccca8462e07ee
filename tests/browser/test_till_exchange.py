"""An exchange at the till with a price difference, on a 390-px phone: Jean brings back the
jacket he ordered online and collected; in French he takes the dearer size and pays the
difference part by card, part in cash; in English the cheaper one, and the difference goes
back to his card. The jacket returns to the shelf, the new one leaves it, the money adds up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from comptoir.catalog.models import Price
from comptoir.customers.models import Customer
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.locations.models import Location
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.selectors import money_discrepancies
from comptoir.orders.tests.factories import deliver_events, order_body, stock

from .conftest import assert_accessible, htmx_ready, open_menu, screenshot, sign_in

STORE = "lyon-part-dieu"
CASES = {
    "fr": {
        "new": "JACKET-TRAIL-L",
        "price": "109.90",
        "exchange": "Échanger",
        "order": "Référence de la commande (sur le ticket ou l'e-mail)",
        "find": "Trouver",
        "takes": "Prend à la place",
        "show": "Voir la différence",
        "difference": "20,00\u00a0€",
        "card": ("Par carte", "15,00"),
        "cash": ("Espèces reçues", "10,00"),
        "done": "Échangé. 20,00\u00a0€ encaissés. Rendez 5,00\u00a0€ de monnaie.",
        "refunds": {"exchange": Decimal("89.90")},
        "captures": {
            "exchange": Decimal("89.90"),
            "store_card": Decimal("15.00"),
            "cash": Decimal("5.00"),
        },
    },
    "en": {
        "new": "JACKET-TRAIL-S",
        "price": "79.90",
        "exchange": "Exchange",
        "order": "Order reference (on the receipt or the email)",
        "find": "Find",
        "takes": "Takes instead",
        "show": "Show the difference",
        "difference": "€10.00",
        "card": None,
        "cash": None,
        "done": "Exchanged. €10.00 refunded to the payment of",
        "refunds": {"exchange": Decimal("79.90"), "card": Decimal("10.00")},
        "captures": {"exchange": Decimal("79.90")},
    },
}


def _jeans_collected_jacket() -> Order:
    """Jean orders a size M trail jacket on the web, collects it at Lyon Part-Dieu."""
    jean = Customer.objects.get(email="jean.martin@example.fr")
    store = Location.objects.get(code=STORE)
    for sku in ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L"):
        stock(sku, store, 2)
    client = Client()
    client.force_login(jean.user)
    response = client.post(
        "/api/v1/orders",
        order_body(lines=[{"sku": "JACKET-TRAIL-M", "quantity": 1}], pickup=STORE),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    task = StoreTask.objects.get(order=order)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    services.hand_over(task_id=task.pk, pickup_code=order.pickup_code)
    return order


def _on_hand(sku: str) -> int:
    return StockLevel.objects.get(variant__sku=sku, location__code=STORE).on_hand


def _ledger(kind: str, **where: object) -> dict[str, Decimal]:
    return dict(
        PaymentOperation.objects.filter(kind=kind, status="succeeded", **where).values_list(
            "tender", "amount"
        )
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_jean_exchanges_his_online_jacket_for_another_size_at_the_till(
    retailer, live_server, phone, language
):
    case = CASES[language]
    order = _jeans_collected_jacket()
    assert order.lines.get().unit_price == Decimal("89.90")
    Price.objects.filter(variant__sku=case["new"], channel="", location__isnull=True).update(
        amount=Decimal(case["price"])
    )
    before = {sku: _on_hand(sku) for sku in ("JACKET-TRAIL-M", case["new"])}

    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/{STORE}/till/")
    if language == "en":
        open_menu(phone)
        phone.get_by_role("button", name="English").click()
        phone.wait_for_load_state()
    phone.get_by_role("link", name=case["exchange"], exact=True).click()
    phone.get_by_label(case["order"]).fill(order.reference)
    phone.get_by_role("button", name=case["find"], exact=True).click()
    phone.locator("li[data-sku='JACKET-TRAIL-M']").get_by_role("link").click()
    phone.get_by_label(case["takes"]).select_option(case["new"])
    phone.get_by_role("button", name=case["show"]).click()
    expect(phone.get_by_test_id("exchange-difference")).to_have_text(case["difference"])
    htmx_ready(phone)
    if case["card"]:
        phone.get_by_label(case["card"][0]).fill(case["card"][1])
        phone.get_by_label(case["cash"][0]).fill(case["cash"][1])
    assert_accessible(phone)
    screenshot(phone, f"associate-till-exchange-phone-{language}")
    phone.get_by_role("button", name=case["exchange"], exact=True).dblclick()  # once

    expect(phone.get_by_test_id("exchanged")).to_contain_text(case["done"])
    assert_accessible(phone)
    screenshot(phone, f"associate-till-exchanged-phone-{language}")

    sale = Order.objects.get(
        fulfilment_mode="till_sale", lines__sku=case["new"], customer_id=order.customer_id
    )
    assert _ledger("refund", payment__order=order) == case["refunds"]
    assert _ledger("capture", payment__order=sale) == case["captures"]
    assert _on_hand("JACKET-TRAIL-M") == before["JACKET-TRAIL-M"] + 1
    assert _on_hand(case["new"]) == before[case["new"]] - 1
    assert money_discrepancies() == []

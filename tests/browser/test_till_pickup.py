"""Reserve & collect paid at pickup, on a 390-px phone, in French and in English: Sofia finds
Jean's order by the pickup code he shows, the card terminal first declines (the order stays
due), then she takes part by card and part in cash, gives the change and hands it over. The
end-of-day report shows the money, and it equals the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.customers.models import Customer
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED, TERMINAL_DECLINED

from .conftest import assert_accessible, htmx_ready, open_menu, screenshot, sign_in

WORDS = {
    "fr": {
        "to_pay": "Commandes à encaisser ici",
        "find": "Référence de commande ou code de retrait",
        "find_button": "Trouver",
        "card": "Par carte",
        "cash": "Espèces reçues",
        "take": "Encaisser",
        "declined": "La carte a été refusée : rien n’a été encaissé",
        "paid": "Payée :",
        "change": "Rendez 10,00\u00a0€ de monnaie.",
        "decimal": ",",
    },
    "en": {
        "to_pay": "Orders to pay here",
        "find": "Order reference or pickup code",
        "find_button": "Find",
        "card": "On the card",
        "cash": "Cash given",
        "take": "Take",
        "declined": "The card was declined: nothing was taken",
        "paid": "Paid:",
        "change": "Give back €10.00 in change.",
        "decimal": ".",
    },
}


def _jeans_reservation() -> Order:
    jean = Customer.objects.get(email="jean.martin@example.fr")
    return Order.objects.get(
        customer_id=jean.pk, fulfilment_mode="reserve_and_collect", status="ready_for_pickup"
    )


def _typed(amount: Decimal, words: dict[str, str]) -> str:
    return f"{amount:.2f}".replace(".", words["decimal"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sofia_takes_jeans_reservation_part_card_part_cash_at_pickup(
    retailer, live_server, phone, language
):
    words = WORDS[language]
    order = _jeans_reservation()
    card_part = order.total - Decimal("10.00")

    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/till/")
    if language == "en":
        open_menu(phone)
        phone.get_by_role("button", name="English").click()
        phone.wait_for_load_state()
    phone.get_by_role("link", name=words["to_pay"]).click()
    expect(phone.locator(f"li[data-reference='{order.reference}']")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, f"associate-till-orders-phone-{language}")

    phone.get_by_label(words["find"]).fill(order.pickup_code)
    phone.get_by_role("button", name=words["find_button"], exact=True).click()
    expect(phone.get_by_test_id("till-due")).to_be_visible()
    htmx_ready(phone)
    phone.locator("select[name=terminal]").select_option(TERMINAL_DECLINED)
    phone.get_by_role("button", name=words["take"]).click()
    expect(phone.get_by_role("alert")).to_contain_text(words["declined"])
    order.refresh_from_db()
    assert (order.status, PaymentOperation.objects.filter(payment__order=order).count()) == (
        "ready_for_pickup",
        0,
    )

    phone.get_by_label(words["card"]).fill(_typed(card_part, words))
    phone.get_by_label(words["cash"]).fill(_typed(Decimal("20.00"), words))
    phone.locator("select[name=terminal]").select_option(TERMINAL_APPROVED)
    assert_accessible(phone)
    screenshot(phone, f"associate-till-order-phone-{language}")
    phone.get_by_role("button", name=words["take"]).dblclick()  # a double tap pays once

    paid = phone.get_by_test_id("till-paid")
    expect(paid).to_contain_text(words["paid"])
    expect(paid).to_contain_text(words["change"])
    assert_accessible(phone)
    screenshot(phone, f"associate-till-order-paid-phone-{language}")

    order.refresh_from_db()
    taken = dict(
        PaymentOperation.objects.filter(
            payment__order=order, kind="capture", status="succeeded"
        ).values_list("tender", "amount")
    )
    assert order.status == "collected"
    assert taken == {"store_card": card_part, "cash": Decimal("10.00")}

    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/till/day/")
    day_total = phone.get_by_test_id("day-total").inner_text()
    ledger = PaymentOperation.objects.filter(
        tender__in=["cash", "store_card"],
        status="succeeded",
        payment__order__pickup_location__code="lyon-part-dieu",
        finished_at__date=timezone.localdate(order.updated_at),  # the report's day
    ).aggregate(net=Sum("amount"))["net"]
    assert _typed(ledger, words) in day_total.replace("\u202f", "").replace(" ", "")
    assert_accessible(phone)


def _only_in_the_warehouse() -> str:
    """A SKU Lyon Part-Dieu lacks and the warehouse has: what the endless aisle is for."""
    from comptoir.inventory.models import StockLevel

    here = StockLevel.objects.filter(location__code="lyon-part-dieu", on_hand__gt=0)
    sku = (
        StockLevel.objects.filter(location__kind="warehouse", on_hand__gt=3)
        .exclude(variant_id__in=here.values("variant_id"))
        .order_by("variant__sku")
        .values_list("variant__sku", flat=True)
        .first()
    )
    assert sku is not None
    return sku


AISLE = {
    "fr": {"pay": "Encaisser", "placed": "est passée : elle est en route."},
    "en": {"pay": "Pay", "placed": "is placed: it is on its way."},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_sofia_takes_an_endless_aisle_order_paid_at_the_counter(
    retailer, live_server, phone, language
):
    from comptoir.fulfilment.counter import PAY_AT_COUNTER, CounterOrder, order_at_counter
    from comptoir.fulfilment.domain.sourcing import OrderLine

    words = {**WORDS[language], **AISLE[language]}
    jean = Customer.objects.get(email="jean.martin@example.fr")
    placed = order_at_counter(
        CounterOrder(
            store_code="lyon-part-dieu",
            lines=[OrderLine(_only_in_the_warehouse(), 1)],
            option="ship_to_store",
            where="here",
            customer_id=jean.pk,
            pay=PAY_AT_COUNTER,
            created_by="demo-associate",
        )
    )
    order = Order.objects.get(pk=placed.order.pk)
    assert order.status == "awaiting_payment"

    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/till/")
    if language == "en":
        open_menu(phone)
        phone.get_by_role("button", name="English").click()
        phone.wait_for_load_state()
    phone.get_by_role("link", name=words["to_pay"]).click()
    row = phone.locator(f"li[data-reference='{order.reference}']")
    row.get_by_role("link").click()
    expect(phone.get_by_test_id("till-due")).to_be_visible()
    expect(phone.get_by_label(words["find"])).to_have_count(0)
    htmx_ready(phone)
    phone.get_by_label(words["card"]).fill(_typed(order.total - Decimal("10.00"), words))
    phone.get_by_label(words["cash"]).fill(_typed(Decimal("10.00"), words))
    assert_accessible(phone)
    phone.get_by_role("button", name=words["take"]).click()

    expect(phone.get_by_test_id("till-paid")).to_contain_text(words["placed"])
    assert_accessible(phone)
    order.refresh_from_db()
    order.payment.refresh_from_db()
    assert (order.status, order.payment.captured_amount) == ("placed", order.total)

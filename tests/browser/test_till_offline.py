"""The till on a 390-px phone when the network drops (ADR 0043): Sofia opens the till online,
the network goes, she sells a jacket for cash from the prices the phone kept; the sale waits
on the phone, is sent once when the network is back, and the database holds one order. And
when the last jacket was sold online meanwhile, the sale still stands and the store's task
list asks her to check the shelf."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from comptoir.core import outbox
from comptoir.fulfilment.models import StoreTask
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.services.till import BasketLine, sell_basket
from comptoir.wiring import ROUTES

from .conftest import assert_accessible, open_menu, screenshot, sign_in

STORE = "lyon-part-dieu"
JACKET = "JACKET-TRAIL-S"
WORDS = {
    "fr": {
        "offline": "Pas de réseau : espèces uniquement",
        "waiting": "1 vente en attente d’envoi",
        "sold": "Vendu hors ligne",
        "change": "10,10",
        "task": "Vendu hors ligne, pas en stock ici",
        "checked": "Rayon vérifié",
    },
    "en": {
        "offline": "No network: cash only",
        "waiting": "1 sale waiting to be sent",
        "sold": "Sold offline",
        "change": "10.10",
        "task": "Sold offline, not in stock here",
        "checked": "Shelf checked",
    },
}


def _till_sales() -> list[Order]:
    return list(
        Order.objects.filter(
            fulfilment_mode="till_sale",
            pickup_location__code=STORE,
            created_by__startswith="user:",
        ).exclude(reference="T-ONLINE")
    )


def _worker_catches_up() -> None:
    while (sweep := outbox.run_due_work(ROUTES, worker="test", limit=500)).attempted or (
        sweep.fanned_out
    ):
        pass


def _open_the_till(phone, live_server, language: str) -> None:
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/{STORE}/till/")
    if language == "en":
        open_menu(phone)
        phone.get_by_role("button", name="English").click()
        phone.wait_for_load_state()
    # The phone keeps the store's prices while it has the network.
    expect(phone.get_by_test_id("till-offline-book")).to_be_visible()


def _sell_offline(phone, words: dict[str, str]) -> None:
    phone.context.set_offline(True)
    expect(phone.get_by_role("heading", name=words["offline"])).to_be_visible()
    expect(phone.locator("#till")).to_be_hidden()
    code = phone.locator("#till-offline-code")
    code.fill(JACKET)
    code.press("Enter")  # as a keyboard-wedge scanner does
    expect(phone.locator(f"#till-offline-lines li[data-sku='{JACKET}']")).to_be_visible()
    phone.locator("#till-offline-cash").fill("100")
    phone.locator("#till-offline-take").click()
    sold = phone.get_by_test_id("till-offline-sold")
    expect(sold).to_contain_text(words["sold"])
    expect(sold).to_contain_text(words["change"])
    expect(phone.get_by_test_id("till-queue")).to_have_text(words["waiting"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_sale_made_offline_is_sent_once_when_the_network_is_back(
    retailer, live_server, phone, language
):
    words = WORDS[language]
    _open_the_till(phone, live_server, language)
    other_tab = phone.context.new_page()  # the till open twice: both send when the network is back
    other_tab.goto(f"{live_server.url}/associate/{STORE}/till/")
    before = StockLevel.objects.get(variant__sku=JACKET, location__code=STORE).on_hand

    _sell_offline(phone, words)
    expect(other_tab.get_by_test_id("till-queue")).to_have_text(words["waiting"])
    assert_accessible(phone)
    screenshot(phone, f"associate-till-offline-phone-{language}")
    phone.set_viewport_size({"width": 360, "height": 780})  # the smallest phone we lay out for
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.set_viewport_size({"width": 390, "height": 844})
    assert _till_sales() == []  # nothing reached the server yet

    phone.context.set_offline(False)
    expect(phone.get_by_test_id("till-queue")).to_be_hidden()
    expect(other_tab.get_by_test_id("till-queue")).to_be_hidden()
    expect(phone.locator("#till")).to_be_visible()
    phone.reload()
    expect(phone.get_by_test_id("till-offline-book")).to_be_visible()
    expect(phone.get_by_test_id("till-queue")).to_be_hidden()

    [order] = _till_sales()
    assert (order.status, order.total) == ("collected", Decimal("89.90"))
    captures = PaymentOperation.objects.filter(payment__order=order, kind="capture")
    assert list(captures.values_list("tender", "amount")) == [("cash", Decimal("89.90"))]
    on_hand = StockLevel.objects.get(variant__sku=JACKET, location__code=STORE).on_hand
    assert on_hand == before - 1


def test_the_last_jacket_sold_online_meanwhile_becomes_a_task_not_an_oversell(
    retailer, live_server, phone
):
    words = WORDS["en"]
    _open_the_till(phone, live_server, "en")
    _sell_offline(phone, words)
    level = StockLevel.objects.get(variant__sku=JACKET, location__code=STORE)
    free = level.on_hand - level.held
    sell_basket(  # meanwhile, the other till (online) sells every free jacket
        store_id=level.location_id,
        ticket="T-ONLINE",
        lines=[BasketLine(JACKET, free)],
        cash_given=Decimal("89.90") * free,
    )

    phone.context.set_offline(False)
    expect(phone.get_by_test_id("till-queue")).to_be_hidden()
    [order] = _till_sales()
    assert order.total == Decimal("89.90")  # the money the customer paid is in the ledger
    level.refresh_from_db()
    assert level.on_hand - level.held == 0  # never below what is held
    _worker_catches_up()
    assert StoreTask.objects.get(order=order).kind == "recount"

    phone.goto(f"{live_server.url}/associate/{STORE}/tasks/")
    card = phone.get_by_test_id(f"task-{order.reference}")
    expect(card).to_contain_text(words["task"])
    expect(card).to_contain_text(f"1 × {JACKET}")
    assert_accessible(phone)
    screenshot(phone, "associate-tasks-shelf-check-phone-en")
    card.get_by_role("button", name=words["checked"]).click()
    expect(phone.get_by_test_id(f"task-{order.reference}")).to_have_count(0)
    assert StoreTask.objects.get(order=order).status == "done"


def test_a_store_line_down_with_its_wifi_up_still_sells_offline(retailer, live_server, phone):
    words = WORDS["en"]
    _open_the_till(phone, live_server, "en")

    def line_down(route):
        route.abort()

    phone.context.route("**/*", line_down)  # the phone's link is up: navigator.onLine stays true
    expect(phone.get_by_role("heading", name=words["offline"])).to_be_visible(timeout=40_000)
    phone.locator("#till-offline-code").fill(JACKET)
    phone.locator("#till-offline-code").press("Enter")
    phone.locator("#till-offline-cash").fill("100")
    phone.locator("#till-offline-take").click()
    expect(phone.get_by_test_id("till-queue")).to_have_text(words["waiting"])

    phone.context.unroute("**/*", line_down)
    expect(phone.get_by_test_id("till-queue")).to_be_hidden(timeout=40_000)
    expect(phone.locator("#till")).to_be_visible()
    assert len(_till_sales()) == 1

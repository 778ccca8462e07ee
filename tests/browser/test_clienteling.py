"""Jean checks in from the store's entrance page on his phone; Sofia's "in store now", open on
her phone, hears him arrive without a reload, with his orders waiting here; she checks a
pickup code (wrong, then right) and reads his timeline by day and channel, in French and
English."""

from __future__ import annotations

from playwright.sync_api import expect

from comptoir.customers.models import Customer
from comptoir.orders.models import Order

from .conftest import PHONE, assert_accessible, offline_page, open_menu, screenshot, sign_in

STORE = "lyon-part-dieu"


def test_jean_checks_in_and_sofia_sees_him_arrive_with_his_orders_waiting(
    retailer, live_server, browser, phone
):
    jean = Customer.objects.get(email="jean.martin@example.fr")
    waiting = list(
        Order.objects.filter(
            customer_id=jean.pk, pickup_location__code=STORE, status="ready_for_pickup"
        ).order_by("collect_by", "id")
    )
    assert waiting, "the demo gives Jean orders ready at his store"
    order = waiting[0]

    sofia = phone
    sign_in(sofia, live_server, "associate.lyon")
    sofia.goto(f"{live_server.url}/associate/{STORE}/in-store/")
    shoppers = sofia.locator("#shoppers")
    expect(shoppers.get_by_role("link", name="Jean Martin")).to_have_count(0)
    assert_accessible(sofia)

    jeans_phone = offline_page(browser, live_server, **PHONE)
    try:
        sign_in(jeans_phone, live_server, "jean.martin@example.fr")
        jeans_phone.goto(f"{live_server.url}/stores/{STORE}/check-in/")
        assert_accessible(jeans_phone)
        jeans_phone.get_by_role("button", name="Je suis là").click()
        expect(jeans_phone.get_by_role("status")).to_contain_text("sait que vous êtes là")
        screenshot(jeans_phone, "shop-check-in-phone")
    finally:
        jeans_phone.context.close()

    # No reload: the server-sent event says it in the live region and adds his card.
    # The page asks again every 3 s (ADR 0036): the arrival shows within that.
    expect(sofia.locator("#arrivals")).to_have_text("Jean Martin vient d'arriver.", timeout=10_000)
    card = shoppers.locator(f'[data-customer="{jean.pk}"]')
    expect(card.get_by_role("link", name="Jean Martin")).to_be_visible()
    expect(card).to_contain_text("Commandes qui l'attendent ici")
    expect(card).to_contain_text(order.reference)

    code_box = card.locator(f"#pickup-code-{order.pk}")
    result = card.locator(f"#pickup-result-{order.pk}")
    code_box.fill("000000" if order.pickup_code != "000000" else "111111")
    card.get_by_role("button", name="Vérifier le code").first.click()
    expect(result).to_contain_text("ne correspond pas")
    code_box.fill(order.pickup_code)
    card.get_by_role("button", name="Vérifier le code").first.click()
    expect(result).to_contain_text(f"Bon code : la commande {order.reference}")
    assert_accessible(sofia)
    screenshot(sofia, "associate-in-store-phone")

    card.get_by_role("link", name="Jean Martin").click()
    history = sofia.get_by_role("region", name="Historique dans tous les canaux")
    expect(history).to_contain_text("A signalé son arrivée au magasin Élan Lyon Part-Dieu")
    expect(history.get_by_role("heading", level=4, name="Magasin").first).to_be_visible()
    expect(history).not_to_contain_text("customer.checked_in")
    assert_accessible(sofia)
    screenshot(sofia, "associate-customer-timeline-fr-phone")

    open_menu(sofia)  # on a phone the language switch is in the header's menu
    sofia.get_by_role("button", name="English").click()
    history = sofia.get_by_role("region", name="History in every channel")
    expect(history).to_contain_text("Checked in at the store Élan Lyon Part-Dieu")
    expect(history.get_by_role("heading", level=4, name="Store").first).to_be_visible()
    assert_accessible(sofia)
    screenshot(sofia, "associate-customer-timeline-en-phone")

"""The journeys the retailer must see working, end to end in a real browser.

Jean filters the catalogue by his store, reserves the trail jacket there; Sofia, the
associate, sees the task on her phone, sets the jacket aside and hands it over against
Jean's pickup code. Then Jean brings it back at the till.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from comptoir.customers.models import Customer
from comptoir.customers.services import choose_favourite_store
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order

from .conftest import assert_accessible, htmx_ready, open_menu, screenshot, sign_in


def jacket_m_in_lyon() -> tuple[int, int]:
    level = StockLevel.objects.get(variant__sku="JACKET-TRAIL-M", location__code="lyon-part-dieu")
    return level.on_hand, level.held


def reserve_the_jacket(page, live_server) -> str:
    """Jean, signed in, filters by his store and reserves size M there; the order reference."""
    page.goto(f"{live_server.url}/")
    page.get_by_label("Disponible dans mon magasin").check()
    page.get_by_role("button", name="Voir les produits").click()
    expect(page.locator("#results")).to_contain_text("disponibles à Élan Lyon Part-Dieu")
    page.get_by_role("link", name="Veste de running Trail").click()
    page.get_by_label("Taille", exact=True).select_option("JACKET-TRAIL-M")
    page.get_by_role("button", name="Ajouter au panier").click()
    page.get_by_role("link", name="Commander").click()
    htmx_ready(page)
    expect(page.get_by_label("Magasin", exact=True)).to_have_value("lyon-part-dieu")
    page.get_by_label("Réserver et retirer").check()
    expect(page.get_by_test_id("delivery-fee")).to_contain_text("offert")
    assert_accessible(page)
    page.get_by_role("button", name="Passer ma commande").click()
    expect(page.get_by_role("status")).to_contain_text("est passée")
    return page.get_by_role("heading", level=1).text_content().split()[-1]


def test_jean_reserves_the_jacket_and_sofia_hands_it_over_with_his_code(
    retailer, live_server, desktop, phone
):
    jean = Customer.objects.get(email="jean.martin@example.fr")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")
    on_hand, held = jacket_m_in_lyon()
    sign_in(desktop, live_server, "jean.martin@example.fr")

    reference = reserve_the_jacket(desktop, live_server)

    assert jacket_m_in_lyon() == (on_hand, held + 1)  # held for Jean at once
    expect(desktop.get_by_test_id("order-status")).to_contain_text("Passée")

    sign_in(phone, live_server, "associate.lyon")
    open_menu(phone)
    phone.get_by_role("link", name="Tâches").click()
    task = phone.get_by_test_id(f"task-{reference}")
    expect(task).to_contain_text("1 × JACKET-TRAIL-M")
    assert_accessible(phone)
    screenshot(phone, "associate-tasks-phone")
    task.get_by_role("button", name="Mettre de côté").click()
    expect(phone.get_by_role("status")).to_contain_text(f"{reference} est mise de côté")

    desktop.reload()
    code = desktop.get_by_test_id("pickup-code").text_content()
    expect(desktop.get_by_test_id("order-status")).to_contain_text("Prête à retirer")
    screenshot(desktop, "shop-order-ready-desktop")

    task = phone.get_by_test_id(f"task-{reference}")
    # Reserve & collect is paid at the till: Sofia says how, or the page does not send.
    expect(task.get_by_test_id(f"tender-{reference}")).to_contain_text("À encaisser en caisse")
    wrong = "000000" if code != "000000" else "111111"
    task.get_by_label("Code de retrait du client").fill(wrong)
    task.get_by_label("Carte, sur le terminal du magasin").check()
    task.get_by_role("button", name="Remettre").click()
    expect(phone.get_by_role("alert")).to_contain_text("ne correspond pas")
    assert jacket_m_in_lyon() == (on_hand, held + 1)

    task = phone.get_by_test_id(f"task-{reference}")
    task.get_by_label("Code de retrait du client").fill(code)
    task.get_by_label("Carte, sur le terminal du magasin").check()
    task.get_by_role("button", name="Remettre").click()
    expect(phone.get_by_role("status")).to_contain_text(f"{reference} est remise")
    assert jacket_m_in_lyon() == (on_hand - 1, held)
    payment = Order.objects.get(reference=reference).payment
    # What the till took, recorded as taken by card on the store's terminal: nothing more.
    assert (payment.captured_amount, payment.status) == (payment.amount, "captured")
    assert list(payment.operations.values_list("kind", "tender", "status")) == [
        ("capture", "store_card", "succeeded")
    ]
    assert_accessible(phone)

    desktop.reload()
    expect(desktop.get_by_test_id("order-status")).to_contain_text("Retirée")


def test_jean_brings_the_jacket_back_at_the_till_and_is_refunded(
    retailer, live_server, desktop, phone
):
    jean = Customer.objects.get(email="jean.martin@example.fr")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")
    sign_in(desktop, live_server, "jean.martin@example.fr")
    reference = reserve_the_jacket(desktop, live_server)
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/tasks/")
    phone.get_by_test_id(f"task-{reference}").get_by_role("button", name="Mettre de côté").click()
    desktop.reload()
    code = desktop.get_by_test_id("pickup-code").text_content()
    task = phone.get_by_test_id(f"task-{reference}")
    task.get_by_label("Code de retrait du client").fill(code)
    task.get_by_label("Espèces").check()
    task.get_by_role("button", name="Remettre").click()
    expect(phone.get_by_role("status")).to_contain_text(f"{reference} est remise")
    on_hand_after_sale, _ = jacket_m_in_lyon()

    # By its address: once on PostgreSQL under load the phone's menu, just opened, was folded
    # again before the click landed (the menu itself: tests/browser/test_phone_first.py).
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/returns/")
    phone.get_by_label("Référence de la commande").fill(reference)
    phone.get_by_role("button", name="Trouver la commande").click()
    phone.get_by_label(re.compile("Unités rapportées")).fill("1")
    phone.get_by_label("Pourquoi").select_option("too_small")
    assert_accessible(phone)
    phone.get_by_role("button", name="Reprendre et rembourser").click()

    expect(phone.get_by_test_id("return-done")).to_contain_text("89,90 €")
    assert jacket_m_in_lyon()[0] == on_hand_after_sale + 1  # back on sale in Lyon at once
    assert_accessible(phone)
    screenshot(phone, "associate-return-phone")


def test_jean_chooses_express_home_delivery_and_sees_its_fee_in_the_total(
    retailer, live_server, desktop
):
    """The options GET /delivery-options computes for his postcode, refreshed by htmx; the
    express one's price becomes the delivery fee, in the summary and in the order."""
    jean = Customer.objects.get(email="jean.martin@example.fr")
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")
    sign_in(desktop, live_server, "jean.martin@example.fr")
    desktop.goto(f"{live_server.url}/")
    desktop.get_by_role("link", name="Veste de running Trail").click()
    desktop.get_by_label("Taille", exact=True).select_option("JACKET-TRAIL-M")
    desktop.get_by_role("button", name="Ajouter au panier").click()
    desktop.get_by_role("link", name="Commander").click()
    htmx_ready(desktop)
    expect(desktop.get_by_test_id("order-total")).to_contain_text("89,90")

    desktop.get_by_label("Code postal").fill("69002")
    desktop.get_by_label("Code postal").press("Tab")  # a change: htmx brings the home options
    from_a_store = desktop.get_by_label("Livré depuis un magasin")
    from_a_store.check()
    expect(desktop.get_by_test_id("delivery-fee")).to_have_text("4,90\u00a0€")
    # By keyboard: the next option; htmx redraws the options and keeps the focus on it.
    desktop.get_by_label("Livré depuis un magasin").press("ArrowDown")
    express = desktop.get_by_label("Livraison express à domicile")
    expect(express).to_be_checked()
    expect(express).to_be_focused()
    expect(desktop.get_by_test_id("delivery-fee")).to_have_text("9,90\u00a0€")
    expect(desktop.get_by_test_id("order-total")).to_contain_text("99,80")
    expect(desktop.get_by_test_id("option-home_express")).to_contain_text("livré le")
    expect(desktop.get_by_test_id("option-ship_to_store")).to_contain_text("Pas possible")
    assert_accessible(desktop)
    screenshot(desktop, "shop-checkout-desktop")

    desktop.get_by_label("Nom sur le colis").fill("Jean Martin")
    desktop.get_by_label("Numéro et rue").fill("12 rue de la République")
    desktop.get_by_label("Ville").fill("Lyon")
    desktop.get_by_label(re.compile("Carte")).fill("tok_visa")
    desktop.get_by_role("button", name="Passer ma commande").click()
    expect(desktop.get_by_role("status")).to_contain_text("est passée")

"""One profile everywhere: Jean's wishlist and consents on the web, seen by Sofia in the store."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from comptoir.customers.models import Customer
from comptoir.customers.selectors import may_use
from comptoir.customers.services import check_in, record_consent

from .conftest import assert_accessible, screenshot, sign_in


def jean() -> Customer:
    return Customer.objects.get(email="jean.martin@example.fr")


def test_jean_wishes_for_a_size_chooses_his_consents_and_downloads_his_data(
    retailer, live_server, desktop
):
    page = desktop
    sign_in(page, live_server, "jean.martin@example.fr")
    page.goto(f"{live_server.url}/products/veste-running-trail/")
    page.get_by_label("Taille", exact=True).select_option("JACKET-TRAIL-M")
    page.get_by_role("button", name="Ajouter à ma liste d'envies").click()
    expect(
        page.get_by_role("status").filter(has_text="Ajouté à votre liste d'envies")
    ).to_be_visible()

    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_role("region", name="Ma liste d'envies")).to_contain_text("JACKET-TRAIL-M")
    page.get_by_label("Être reconnu quand je me signale en magasin").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()
    expect(page.get_by_role("status")).to_contain_text("Vos choix sont enregistrés")
    assert may_use(customer_id=jean().pk, purpose="in_store_recognition")
    assert_accessible(page)
    screenshot(page, "shop-account-desktop")

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger tout ce que vous détenez sur moi").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["profile"]["email"] == "jean.martin@example.fr"


def test_sofia_finds_jean_by_email_and_sees_his_wishlist_with_her_stores_stock(
    retailer, live_server, phone
):
    from comptoir.customers.services import add_to_wishlist

    add_to_wishlist(customer_id=jean().pk, sku="JACKET-TRAIL-L", channel="app")
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/customers/")
    phone.get_by_label("Carte de fidélité, e-mail, téléphone ou nom").fill("jean.martin@example.fr")
    phone.get_by_role("button", name="Trouver").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Jean Martin")
    wishlist = phone.get_by_role("region", name="Liste d'envies")
    expect(wishlist).to_contain_text("JACKET-TRAIL-L")
    expect(wishlist).to_contain_text("ici")
    assert_accessible(phone)
    screenshot(phone, "associate-customer-phone")


def test_a_name_search_lists_the_martins_and_nobody_is_a_plain_answer(retailer, live_server, phone):
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/customers/?q=Martin")
    expect(phone.get_by_role("link", name="Jean Martin")).to_be_visible()

    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/customers/?q=Zzyzx")
    expect(phone.get_by_role("status")).to_contain_text("Personne")
    assert_accessible(phone)


def test_the_in_store_now_list_shows_jean_after_he_checks_in_with_consent(
    retailer, live_server, phone
):
    record_consent(
        customer_id=jean().pk,
        purpose="in_store_recognition",
        granted=True,
        channel="app",
        method="app_setting",
    )
    check_in(customer_id=jean().pk, location_code="lyon-part-dieu", method="entrance_qr")
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/lyon-part-dieu/in-store/")

    expect(phone.get_by_role("link", name="Jean Martin")).to_be_visible()
    assert_accessible(phone)

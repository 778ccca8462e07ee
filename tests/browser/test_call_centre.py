"""The call centre's console in Chromium: Karim, the agent, finds Jean by his phone, orders a
jacket for him delivered home and paid by a link; the email reaches the local SMTP server;
Jean opens the link on his phone and pays; the order is placed. In English on a phone, the
console's pages hold at 360 px and axe finds nothing serious."""

from __future__ import annotations

from playwright.sync_api import expect

from comptoir.customers.models import Customer
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.orders.models import Order

from .conftest import _page, assert_accessible, open_menu, screenshot, sign_in
from .test_aisle import wait_for_mail

SMALL = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], (page.url, wide)


def test_karim_finds_jean_by_phone_orders_with_a_link_and_jean_pays_it(
    retailer, live_server, desktop, phone, settings
):
    settings.PUBLIC_BASE_URL = live_server.url  # the one setting the link is built from
    page = desktop
    sign_in(page, live_server, "agent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver un client")
    page.get_by_label("Téléphone, e-mail, carte de fidélité, référence de commande ou nom").fill(
        "06 99 00 00 42"
    )
    page.get_by_role("button", name="Trouver").click()
    expect(page.get_by_test_id("customers-found")).to_contain_text("jean.martin@example.fr")
    assert_accessible(page)
    page.get_by_role("link", name="Jean Martin").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jean Martin")
    page.get_by_label("SKU", exact=True).fill("JACKET-TRAIL-M")
    page.get_by_role("button", name="Ajouter au panier du client").click()
    expect(page.get_by_role("status")).to_contain_text("Ajouté au panier du client")
    assert_accessible(page)
    screenshot(page, "service-customer-desktop")
    page.get_by_role("link", name="Commander le panier pour le client").click()

    page.get_by_label("Code postal").fill("69002")
    page.get_by_role("button", name="Voir les options").click()
    page.get_by_test_id("option-home_standard").get_by_role("radio").check()
    page.get_by_label("Nom sur le colis").fill("Jean Martin")
    page.get_by_label("Numéro et rue").fill("12 rue de la République")
    page.get_by_label("Ville").fill("Lyon")
    assert_accessible(page)
    with smtp_server(settings) as inbox:
        page.get_by_role("button", name="Passer la commande et envoyer le lien").click()
        expect(page.get_by_role("status")).to_contain_text("passée pour le client")
        order = Order.objects.get(channel="call_centre", created_by__startswith="user:")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {order.reference}")
        assert order.status == "awaiting_payment"
        assert_accessible(page)
        screenshot(page, "service-order-desktop")
        [mail] = wait_for_mail(inbox, "jean.martin@example.fr")

    link = order.payment.payment_link
    assert link in mail.body
    assert link.startswith(f"{live_server.url}/pay/")
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Commande {order.reference}")
    phone.get_by_label("Carte (un jeton de carte de test : tok_visa)").fill("tok_visa")
    phone.get_by_role("button", name="Payer").click()
    expect(phone.get_by_role("status")).to_contain_text("Payé : merci")
    no_sideways_scroll(phone)
    assert_accessible(phone)
    screenshot(phone, "pay-by-link-phone")
    order.refresh_from_db()
    assert (order.status, order.payment.status) == ("placed", "authorised")


def test_in_english_on_a_small_phone_every_console_page_fits_and_is_accessible(
    retailer, browser, live_server
):
    jean = Customer.objects.get(email="jean.martin@example.fr")
    for small in _page(browser, live_server, SMALL):
        sign_in(small, live_server, "agent")
        small.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": live_server.url}]
        )
        small.goto(f"{live_server.url}/service/")
        small.get_by_label("Phone, email, loyalty card, order reference or name").fill(
            "+33699000042"
        )
        small.get_by_role("button", name="Find").click()
        expect(small.get_by_test_id("customers-found")).to_contain_text("Jean Martin")
        no_sideways_scroll(small)
        assert_accessible(small)
        small.get_by_role("link", name="Jean Martin").click()
        small.get_by_label("SKU", exact=True).fill("NO-SUCH-THING")
        small.get_by_role("button", name="Add to the customer's cart").click()
        expect(small.locator("#id_sku_errors")).to_be_visible()
        no_sideways_scroll(small)
        assert_accessible(small)
        small.get_by_label("SKU", exact=True).fill("JACKET-TRAIL-M")
        small.get_by_role("button", name="Add to the customer's cart").click()
        small.get_by_role("link", name="Order the cart for the customer").click()
        small.get_by_label("Store").select_option("lyon-part-dieu")
        small.get_by_role("button", name="Show the options").click()
        no_sideways_scroll(small)
        assert_accessible(small)
        small.goto(f"{live_server.url}/service/customers/{jean.pk}/")
        open_menu(small)
        expect(small.get_by_role("link", name="Find a customer")).to_be_visible()
        screenshot(small, "service-customer-phone-en")

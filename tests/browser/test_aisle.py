"""The endless aisle on a 390-px phone: Sofia at Lyon Part-Dieu orders for Jean, in French, a
product the store lacks, delivered home from the warehouse, and he gets the payment link by
email; in English, she has one sent to this store for a new customer, paid at the till."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from comptoir.inventory.models import StockLevel
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.orders.models import Order

from .conftest import assert_accessible, screenshot, sign_in

STORE = "lyon-part-dieu"


def lacking_here() -> tuple[str, str]:
    """A SKU (and its product's name) Lyon Part-Dieu cannot sell and a warehouse has."""
    levels = StockLevel.objects.select_related("variant__product", "location")
    at_warehouse = levels.filter(location__kind="warehouse", on_hand__gte=3)
    for level in at_warehouse.order_by("variant__sku"):
        here = levels.filter(variant=level.variant, location__code=STORE).first()
        if here is None or here.on_hand - here.held <= 0:
            return level.variant.sku, level.variant.product.name
    raise AssertionError("the demo has no SKU that Lyon lacks")


def take_the_stock_away(sku: str) -> None:
    """Lyon and every other store have none of it: only a warehouse can send it."""
    StockLevel.objects.filter(variant__sku=sku, location__kind="store").update(on_hand=0, held=0)


def wait_for_mail(inbox, address: str, seconds: float = 10) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = inbox.to(address)
        if found:
            return found
        time.sleep(0.1)
    return []


def test_sofia_orders_jeans_home_delivery_from_the_warehouse_and_he_gets_the_link(
    retailer, live_server, phone, settings
):
    sku, name = lacking_here()
    take_the_stock_away(sku)
    sign_in(phone, live_server, "associate.lyon")
    with smtp_server(settings) as inbox:
        phone.goto(f"{live_server.url}/associate/{STORE}/aisle/")
        phone.get_by_label("Référence, code-barres ou mots").fill(name)
        phone.get_by_role("button", name="Trouver").click()
        phone.get_by_role("link", name=sku).click()

        phone.get_by_label("Code postal de l'adresse de livraison").fill("69002")
        phone.get_by_role("button", name="Voir ce qui est possible").click()
        home = phone.get_by_test_id("option-home-home_standard")
        expect(home).to_contain_text("livré le")
        expect(home).to_contain_text("Envoyé depuis Entrepôt")
        expect(home).to_contain_text("(un entrepôt)")
        expect(phone.get_by_test_id("option-here-ship_to_store")).to_contain_text("Envoyé à")
        assert_accessible(phone)
        screenshot(phone, "associate-aisle-options-phone")

        home.get_by_role("radio").check()
        phone.get_by_label("Carte de fidélité, e-mail ou téléphone d'un client connu").fill(
            "ELAN-0000-0042"
        )
        phone.get_by_label("Livrer à (nom)").fill("Jean Martin")
        phone.get_by_label("Numéro et rue").fill("12 rue de la République")
        phone.locator("#order_postcode").fill("69002")
        phone.get_by_label("Ville").fill("Lyon")
        phone.get_by_role("button", name="Passer la commande").dblclick()

        expect(phone.get_by_role("status")).to_contain_text("Commandé.")
        order = Order.objects.get(  # one order for the double tap
            ordered_at_location__code=STORE,
            fulfilment_mode="endless_aisle_home",
            lines__sku=sku,
            created_by__startswith="user:",
        )
        expect(phone.get_by_role("heading", level=1)).to_have_text(f"Commande {order.reference}")
        expect(phone.locator("main")).to_contain_text("depuis Entrepôt")
        expect(phone.get_by_text("Le lien de paiement part vers")).to_contain_text("jean.martin@")
        assert order.status == "awaiting_payment"
        assert order.lines.get().location.kind == "warehouse"
        assert_accessible(phone)
        screenshot(phone, "associate-aisle-ordered-phone")
        [mail] = wait_for_mail(inbox, "jean.martin@example.fr")

    assert order.payment.payment_link in mail.body
    assert order.reference in str(mail.message["Subject"])


def test_in_english_a_new_customer_has_it_sent_to_this_store_and_pays_at_the_till(
    retailer, live_server, phone
):
    sku, _name = lacking_here()
    take_the_stock_away(sku)
    sign_in(phone, live_server, "associate.lyon")
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    phone.goto(f"{live_server.url}/associate/{STORE}/aisle/")
    phone.get_by_label("SKU, barcode or words").fill(sku)
    phone.get_by_role("button", name="Find").click()
    phone.get_by_role("button", name="Show what is possible").click()

    here = phone.get_by_test_id("option-here-ship_to_store")
    expect(here).to_contain_text("Élan Lyon Part-Dieu")
    expect(here).to_contain_text("Sent to Élan Lyon Part-Dieu from Entrepôt")
    here.get_by_role("radio").check()
    phone.get_by_label("First name", exact=True).fill("Claire")
    phone.get_by_label("Last name", exact=True).fill("Dubois")
    phone.get_by_label("Phone", exact=True).fill("06 12 34 56 78")
    phone.get_by_label("Pay at this counter").check()
    phone.get_by_role("button", name="Place the order").click()

    expect(phone.get_by_role("status")).to_contain_text("Ordered.")
    order = Order.objects.get(
        ordered_at_location__code=STORE,
        fulfilment_mode="ship_to_store",
        lines__sku=sku,
        created_by__startswith="user:",
    )
    expect(phone.locator("main")).to_contain_text(
        f"at the till with the reference {order.reference}"
    )
    assert (order.status, order.pickup_location.code) == ("awaiting_payment", STORE)
    assert_accessible(phone)
    screenshot(phone, "associate-aisle-ship-to-store-phone-en")


def test_bad_input_is_said_in_the_form_on_the_phone(retailer, live_server, phone):
    sku, _name = lacking_here()
    take_the_stock_away(sku)
    sign_in(phone, live_server, "associate.lyon")
    phone.goto(f"{live_server.url}/associate/{STORE}/aisle/{sku}/?quantity=1&postcode=69002")
    phone.get_by_test_id("option-home-home_standard").get_by_role("radio").check()
    phone.get_by_role("button", name="Passer la commande").click()

    expect(phone.get_by_role("alert")).to_contain_text("Rien n'a été commandé")
    expect(phone.locator("#order_line1_errors")).to_contain_text("Nécessaire")
    assert not Order.objects.filter(lines__sku=sku, created_by__startswith="user:").exists()
    assert_accessible(phone)

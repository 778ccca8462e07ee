"""Operations run a store and its stock from the back office on a 390 px phone, in French:
the store's phone and hours, then a delivery received by count file, its progress bar
refreshed by htmx until the load is done, the rejected line listed."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import assert_accessible, htmx_ready, sign_in
from .test_webhooks import fits


def test_operations_edit_a_stores_phone_and_hours_then_load_a_count_file(
    retailer, live_server, phone
):
    from comptoir.catalog.models import Variant
    from comptoir.inventory.models import StockLevel
    from comptoir.locations.models import Location

    store = Location.objects.filter(kind="store").order_by("city").first()
    sku = Variant.objects.order_by("sku").values_list("sku", flat=True).first()
    sign_in(phone, live_server, "ops")
    phone.goto(f"{live_server.url}/backoffice/stores/")
    phone.get_by_role("link", name=f"Modifier {store.name}").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(store.name)
    fits(phone)
    assert_accessible(phone)

    phone.get_by_role("textbox", name="Téléphone", exact=True).fill("04 72 00 00 00")
    phone.get_by_role("button", name="Enregistrer l'adresse et le téléphone").click()
    expect(phone.get_by_role("status")).to_contain_text("sont enregistrés")
    expect(phone.get_by_role("textbox", name="Téléphone", exact=True)).to_have_value("+33472000000")
    phone.get_by_role("textbox", name="Lundi", exact=True).fill("09:00-12:00, 14:00-19:00")
    phone.get_by_role("button", name="Enregistrer les horaires").click()
    expect(phone.get_by_role("status")).to_contain_text("Les horaires d'ouverture")
    expect(phone.get_by_role("textbox", name="Lundi", exact=True)).to_have_value(
        "09:00-12:00, 14:00-19:00"
    )
    fits(phone)
    assert_accessible(phone)

    phone.goto(f"{live_server.url}/backoffice/stock/")
    htmx_ready(phone)
    count = phone.locator("form.stock-count")
    count.get_by_label("Magasin ou entrepôt").select_option(store.code)
    count.get_by_label("Fichier de comptage").set_input_files(
        files=[
            {
                "name": "comptage.csv",
                "mimeType": "text/csv",
                "buffer": f"sku;quantity\n{sku};42\nINCONNU;3\n".encode(),
            }
        ]
    )
    count.get_by_role("button", name="Charger le comptage").click()

    bar = phone.locator("progress#count-bar")
    expect(bar).to_have_attribute("value", "2", timeout=15_000)
    expect(phone.locator("#count-progress").get_by_role("status")).to_contain_text(
        "Terminé : 1 modifiées, 0 inchangées, 1 rejetées."
    )
    expect(phone.get_by_role("cell", name="INCONNU", exact=True)).to_be_visible()
    fits(phone)
    assert_accessible(phone)
    assert StockLevel.objects.get(variant__sku=sku, location=store).on_hand == 42

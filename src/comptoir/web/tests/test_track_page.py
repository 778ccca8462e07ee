"""The public tracking page in French and English: ?lang=, the switch, else the customer's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import unescape

import pytest

from comptoir.customers.services import register_shopper
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.tests.factories import make_carriers, make_shipment

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def shipment():
    make_carriers()
    return make_shipment(make_store("lyon-part-dieu"), promised_by=date(2026, 3, 4), now=MONDAY)


def _page(client, shipment, **query):
    answer = client.get(f"/track/{shipment.tracking_token}", query)
    assert answer.status_code == 200
    return answer, unescape(answer.content.decode())


def test_a_guests_parcel_is_told_in_french_by_default(client, shipment):
    answer, page = _page(client, shipment)

    assert '<html lang="fr">' in page
    assert "Livraison promise au plus tard le mercredi 4 mars" in page
    assert "Colis annoncé au transporteur" in page  # the selector's words, as the API's
    assert answer["Content-Language"] == "fr"


def test_lang_in_the_link_gives_english_words_and_dates(client, shipment):
    answer, page = _page(client, shipment, lang="en")

    assert '<html lang="en">' in page
    assert f"Your parcel {shipment.reference}" in page
    assert "Promised by Wednesday 4 March at the latest" in page
    assert "Announced to the carrier" in page
    assert "Livraison" not in page
    assert answer["Content-Language"] == "en"


def test_the_language_chosen_on_the_other_pages_is_kept(client, shipment):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    _answer, page = _page(client, shipment)

    assert "Steps" in page
    assert "Étapes" not in page
    assert 'href="?lang=fr"' in page  # the switch back


def test_an_english_speaking_customer_reads_it_in_english(client):
    make_carriers()
    claire = register_shopper(
        email="claire@example.com",
        password="comptoir-test",
        first_name="Claire",
        last_name="Dubois",
        language="en",
    )
    parcel = make_shipment(
        make_store("lyon-part-dieu"),
        promised_by=date(2026, 3, 4),
        now=MONDAY,
        customer_id=claire.pk,
    )

    _answer, page = _page(client, parcel)

    assert "Steps" in page
    assert "Étapes" not in page
    assert "Claire" not in page

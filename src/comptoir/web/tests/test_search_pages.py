"""The storefront's search in French: ranked results with their facets, suggestions as one types."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from comptoir.catalog.tests.services.test_search import make_shop_catalogue

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/products/[^"]+/">([^<]+)</a></h2>', html)


def test_a_search_without_accents_lists_the_earbuds_first_with_facets_in_french():
    make_shop_catalogue()

    html = Client().get("/", {"q": "ecouteurs"}).content.decode()

    assert card_titles(html) == ["Écouteurs sans fil"]
    assert "1 produit" in html
    assert "Affiner" in html
    assert "Marque" in html
    assert 'Sillage</a> <span class="count">1</span>' in html


def test_a_facet_link_narrows_the_results_and_another_takes_it_off():
    make_shop_catalogue()
    client = Client()

    html = client.get("/", {"q": "veste", "size": "S"}).content.decode()

    assert card_titles(html) == ["Veste de trail imperméable"]
    assert 'href="?q=veste"' in html  # the chosen size, as a button that removes it
    assert "Taille : S" in html
    assert "(retirer ce filtre)" in html


def test_a_typo_is_corrected_and_said():
    make_shop_catalogue()

    html = Client().get("/", {"q": "ecoutuers"}).content.decode()

    assert card_titles(html) == ["Écouteurs sans fil"]
    assert "Aucun produit ne contient « ecoutuer »" in html


def test_htmx_asks_only_for_the_results():
    make_shop_catalogue()

    html = Client().get("/", {"q": "veste trail"}, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in html
    assert card_titles(html) == ["Veste de trail imperméable"]


def test_suggestions_are_options_of_the_listbox():
    make_shop_catalogue()

    html = Client().get("/search/suggestions/", {"q": "écout"}).content.decode()
    short = Client().get("/search/suggestions/", {"q": "e"}).content.decode()

    assert re.findall(r'<li role="option" id="suggestion-(\d)"', html) == ["1"]
    assert 'data-href="/products/ecouteurs-sans-fil/"' in html
    assert short.strip() == ""


def test_the_search_box_is_a_combobox_controlling_the_listbox():
    html = Client().get("/").content.decode()

    box = re.search(r'<input[^>]*name="q"[^>]*>', html).group(0)
    assert 'role="combobox"' in box
    assert 'aria-controls="search-suggestions"' in box
    assert 'aria-expanded="false"' in box
    assert 'hx-get="/search/suggestions/"' in box
    assert '<ul id="search-suggestions" role="listbox"' in html


def test_a_shopper_sees_how_many_results_are_in_their_store_and_keeps_only_those():
    from comptoir.catalog.models import Variant
    from comptoir.customers.services import choose_favourite_store
    from comptoir.customers.tests.factories import make_shopper
    from comptoir.inventory.tests.factories import put_on_shelf
    from comptoir.locations.tests.factories import make_store

    make_shop_catalogue()
    store = make_store("lyon-part-dieu")
    put_on_shelf(Variant.objects.get(sku="FLEECE-M"), store, 3)
    jean = make_shopper()
    choose_favourite_store(customer_id=jean.pk, location_code="lyon-part-dieu")
    client = Client()
    client.force_login(jean.user)

    html = client.get("/", {"q": "veste"}).content.decode()
    kept = client.get("/", {"q": "veste", "mine": "on"}).content.decode()

    assert sorted(card_titles(html)) == ["Veste de trail imperméable", "Veste polaire"]
    assert 'mine=on">Disponible dans mon magasin</a> <span class="count">1</span>' in html
    assert card_titles(kept) == ["Veste polaire"]


def test_the_english_page_speaks_english_around_the_same_results():
    make_shop_catalogue()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = client.get("/", {"q": "chaussures", "size": "42"}).content.decode()

    assert card_titles(html) == ["Chaussures de trail"]
    assert "Refine" in html
    assert "Size: 42" in html
    assert "(remove this filter)" in html

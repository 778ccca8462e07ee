"""'Around me' sends the browser's position as ?lat=&lon=: the store locator lists the stores
nearest to it, and a position that does not parse is ignored, never a 500."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from comptoir.demo.retailer import load
from comptoir.locations.models import Location

pytestmark = pytest.mark.django_db


@pytest.fixture
def retailer() -> None:
    load(customers=2, stores=3, skus=30)


def store_names_listed(answer) -> list[str]:
    names = re.findall(r'<h3><a href="/stores/[^"]+/">([^<]+)</a>', answer.content.decode())
    return [unescape(name) for name in names]


def test_a_position_lists_the_store_nearest_to_it_first(retailer):
    for store in Location.objects.filter(kind="store"):
        answer = Client().get(
            "/stores/", {"lat": float(store.latitude) + 0.002, "lon": float(store.longitude)}
        )

        assert answer.status_code == 200
        assert store_names_listed(answer)[0] == store.name
        assert "Les plus proches de vous" in unescape(answer.content.decode())


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"lat": "north", "lon": "4.85"}, id="not_a_number"),
        pytest.param({"lat": "145.0", "lon": "4.85"}, id="off_the_globe"),
        pytest.param({"lat": "45.76"}, id="half_a_position"),
    ],
)
def test_a_position_that_does_not_parse_shows_every_store_and_the_form(retailer, query):
    answer = Client().get("/stores/", query)

    assert answer.status_code == 200
    assert len(store_names_listed(answer)) == Location.objects.filter(kind="store").count()
    assert 'name="near"' in answer.content.decode()


def test_a_position_on_a_product_page_shows_the_stock_of_the_nearest_store_first(retailer):
    for store in Location.objects.filter(kind="store"):
        answer = Client().get(
            "/products/veste-running-trail/",
            {"lat": float(store.latitude), "lon": float(store.longitude) + 0.002},
        )

        rows = re.findall(r'<th scope="row"><a href="/stores/([^"]+)/">', answer.content.decode())
        assert answer.status_code == 200
        assert rows[0] == store.code

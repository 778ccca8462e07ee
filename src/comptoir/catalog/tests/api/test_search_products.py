import pytest
from django.test import Client

from comptoir.catalog.tests.services.test_search import make_shop_catalogue

pytestmark = pytest.mark.django_db


def test_anyone_searches_without_accents_and_gets_the_facets():
    make_shop_catalogue()

    answer = Client().get("/api/v1/products/search", {"q": "ecouteurs", "channel": "web"})

    body = answer.json()
    assert answer.status_code == 200
    assert [item["slug"] for item in body["items"]] == ["ecouteurs-sans-fil"]
    assert body["total"] == 1
    assert body["facets"]["brand"] == [{"value": "Sillage", "label": "Sillage", "count": 1}]
    assert body["corrected"] == {}


def test_a_typo_is_forgiven_and_reported():
    make_shop_catalogue()

    body = Client().get("/api/v1/products/search", {"q": "chausures"}).json()

    assert [item["slug"] for item in body["items"]] == ["chaussures-trail"]
    assert body["corrected"] == {"chausure": "chaussure"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param({"price": "cheap"}, "query.price", id="unknown_band_case"),
        pytest.param({"page": "0"}, "query.page", id="page_zero_case"),
        pytest.param({"category": "nowhere"}, "query.category", id="unknown_category_case"),
    ],
)
def test_a_bad_filter_is_a_problem_naming_its_field(query, field):
    make_shop_catalogue()

    answer = Client().get("/api/v1/products/search", {"q": "veste", **query})

    assert answer.status_code == 422
    assert answer["Content-Type"].startswith("application/problem+json")
    assert field in [error["field"] for error in answer.json()["errors"]]

"""GET /api/v1/feeds/google-local-inventory: the file Google Merchant Center fetches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.catalog.models import Variant
from comptoir.catalog.tests.factories import make_product
from comptoir.core.lookups import forget_all
from comptoir.integrations.tests.factories import (
    hold_for_web,
    make_trail_jacket,
    price_in_store,
    put_on_shelf,
)
from comptoir.inventory.services.stock import set_safety_stock
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import make_store, offering, with_hours

URL = "/api/v1/feeds/google-local-inventory"
HEADER = "store_code\tid\tquantity\tprice\tavailability\tpickup_method\tpickup_sla"


def feed_reader() -> dict[str, str]:
    """The headers of the job that uploads the feed to Merchant Center."""
    _, raw = make_api_token("feeds.read", name="google-merchant-center")
    return bearer(raw)


def lines_of(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


def three_stores_with_the_trail_jacket() -> dict[str, Location]:
    """Lyon (click & collect, ready in 2 h), Paris (reserve & collect, ready in a day) and
    Marseille (returns only), all open Monday to Saturday 10:00-19:30.

    Lyon has 5 Trail jackets in M, one held by a web cart and one kept back from the web, sold
    there at a store price of 79.90; 2 in S. Paris has 2 in M. Marseille has 4 in S.
    """
    lyon = offering(with_hours(make_store("lyon-part-dieu")), "click_and_collect")
    paris = offering(
        with_hours(make_store("paris-rivoli")), "reserve_and_collect", pickup_lead_minutes=1440
    )
    marseille = offering(with_hours(make_store("marseille-terrasses")), "returns")
    jackets = make_trail_jacket(price="89.90")
    small, medium = jackets["TRAIL-JACKET-S"], jackets["TRAIL-JACKET-M"]
    put_on_shelf(small, lyon, 3)
    put_on_shelf(medium, lyon, 5)
    hold_for_web(medium, lyon, 1, cart="cart-jean")
    set_safety_stock(location_id=lyon.pk, channel="web", quantity=1)
    price_in_store(medium, lyon, "79.90")
    put_on_shelf(medium, paris, 2)
    put_on_shelf(small, marseille, 4)
    return {"lyon": lyon, "paris": paris, "marseille": marseille}


@pytest.mark.django_db
def test_the_feed_lists_each_sku_of_each_store_as_google_reads_it(client):
    three_stores_with_the_trail_jacket()

    response = client.get(URL, headers=feed_reader())

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="google-local-inventory.tsv"'
    assert lines_of(response) == [
        HEADER,
        "lyon-part-dieu\tTRAIL-JACKET-S\t2\t89.90 EUR\tlimited_availability\tbuy\tsame_day",
        "lyon-part-dieu\tTRAIL-JACKET-M\t3\t79.90 EUR\tin_stock\tbuy\tsame_day",
        "paris-rivoli\tTRAIL-JACKET-M\t2\t89.90 EUR\tlimited_availability\treserve\tnext_day",
        "marseille-terrasses\tTRAIL-JACKET-S\t4\t89.90 EUR\tin_stock\tnot_supported\t",
    ]


@pytest.mark.django_db
def test_a_sku_whose_every_unit_is_held_is_out_of_stock(client):
    lyon = offering(with_hours(make_store("lyon-part-dieu")), "click_and_collect")
    jacket = make_trail_jacket()["TRAIL-JACKET-M"]
    put_on_shelf(jacket, lyon, 2)
    hold_for_web(jacket, lyon, 2, cart="cart-jean")

    response = client.get(URL, headers=feed_reader())

    assert lines_of(response) == [
        HEADER,
        "lyon-part-dieu\tTRAIL-JACKET-M\t0\t89.90 EUR\tout_of_stock\tbuy\tsame_day",
    ]


@pytest.mark.django_db
def test_store_restricts_the_feed_to_that_store_and_names_the_file_after_it(client):
    three_stores_with_the_trail_jacket()

    response = client.get(URL, {"store": "paris-rivoli"}, headers=feed_reader())

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="google-local-inventory-paris-rivoli.tsv"'
    )
    assert lines_of(response) == [
        HEADER,
        "paris-rivoli\tTRAIL-JACKET-M\t2\t89.90 EUR\tlimited_availability\treserve\tnext_day",
    ]


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("nowhere", id="unknown_code_case"),
        pytest.param("entrepot-saint-priest", id="a_warehouse_case"),
    ],
)
@pytest.mark.django_db
def test_a_store_that_is_not_in_the_feed_is_a_404_problem(client, code):
    make_store("entrepot-saint-priest", kind=Location.Kind.WAREHOUSE)

    response = client.get(URL, {"store": code}, headers=feed_reader())

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "location-not-found"
    assert response.json()["detail"] == f"No active store has the code {code!r}."


@pytest.mark.django_db
def test_a_malformed_store_code_is_a_422_naming_the_query_field(client):
    response = client.get(URL, {"store": "Lyon Part-Dieu"}, headers=feed_reader())

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.store"


@pytest.mark.django_db
def test_without_a_caller_the_feed_is_a_401(client):
    three_stores_with_the_trail_jacket()

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(
            lambda client, lyon: client.force_login(make_staff("associate", [lyon])),
            id="associate_of_the_store_case",
        ),
        pytest.param(
            lambda client, lyon: bearer(make_api_token("stock.read")[1]),
            id="token_without_feeds_read_case",
        ),
    ],
)
@pytest.mark.django_db
def test_callers_without_feeds_read_get_a_403(client, sign_in):
    lyon = three_stores_with_the_trail_jacket()["lyon"]
    headers = sign_in(client, lyon) or {}

    response = client.get(URL, {"store": "lyon-part-dieu"}, headers=headers)

    assert response.status_code == 403
    assert response.json()["code"] == "permission-denied"


@pytest.mark.django_db
def test_operations_staff_download_the_feed_when_signed_in(client):
    three_stores_with_the_trail_jacket()
    client.force_login(make_staff("operations"))

    response = client.get(URL)

    assert response.status_code == 200
    assert len(lines_of(response)) == 1 + 4


def shelves(codes: tuple[str, ...], skus: tuple[str, ...]) -> None:
    """Each of these stores (click & collect, 1 unit kept back from the web) has 3 of each SKU."""
    for code in codes:
        store = Location.objects.filter(code=code).first() or offering(
            with_hours(make_store(code)), "click_and_collect"
        )
        set_safety_stock(location_id=store.pk, channel="web", quantity=1)
        for variant in Variant.objects.filter(sku__in=skus):
            put_on_shelf(variant, store, 3)


def queries_to_download_the_feed(client, headers: dict[str, str]) -> tuple[int, int]:
    """(queries run, rows written) for one download, read to its end, by a process that
    remembers no token yet (so both downloads count the token's lookup)."""
    forget_all()
    with CaptureQueriesContext(connection) as queries:
        lines = lines_of(client.get(URL, headers=headers))
    return len(queries), len(lines) - 1


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_stores_or_skus(client):
    headers = feed_reader()
    sizes = ("XS", "S", "M", "L", "XL", "XXL")
    skus = tuple(f"TRAIL-JACKET-{size}" for size in sizes)
    make_product("veste-trail", skus=skus, name="Veste de trail")
    stores = ("lyon-part-dieu", "paris-rivoli", "marseille-terrasses", "lille-europe")
    shelves(stores[:1], skus[:1])
    one_store_one_sku = queries_to_download_the_feed(client, headers)

    shelves(stores, skus)
    four_stores_six_skus = queries_to_download_the_feed(client, headers)

    assert (one_store_one_sku[1], four_stores_six_skus[1]) == (1, 4 * 6)
    assert four_stores_six_skus[0] == one_store_one_sku[0]


@pytest.mark.django_db(transaction=True)
def test_the_feed_streams_outside_a_transaction_as_in_production(client):
    # In autocommit mode PostgreSQL's server-side cursor must outlive the statement's own
    # transaction (Django declares it WITH HOLD); the other tests all run inside one.
    three_stores_with_the_trail_jacket()

    response = client.get(URL, {"store": "lyon-part-dieu"}, headers=feed_reader())

    assert connection.get_autocommit()
    assert lines_of(response)[1:] == [
        "lyon-part-dieu\tTRAIL-JACKET-S\t2\t89.90 EUR\tlimited_availability\tbuy\tsame_day",
        "lyon-part-dieu\tTRAIL-JACKET-M\t3\t79.90 EUR\tin_stock\tbuy\tsame_day",
    ]

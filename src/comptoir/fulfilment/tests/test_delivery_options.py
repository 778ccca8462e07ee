"""GET /delivery-options through HTTP: what is possible now, at what price, with what promise."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.core.lookups import forget_all
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import closed_on, make_store, offering, with_hours
from comptoir.orders.tests.factories import make_jackets

from .checkout_factories import (
    JACKET,
    TUESDAY_2_PM,
    TUESDAY_3_PM,
    TUESDAY_4_PM,
    TUESDAY_8_PM,
    TUESDAY_9_AM,
    TUESDAY_11_AM,
    at,
    gratte_ciel,
    jean_with_a_jacket,
    part_dieu,
    shelve,
    warehouse,
)

URL = "/api/v1/delivery-options"


def _options(client, **query) -> dict:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return {option["code"]: option for option in response.json()["options"]}


@pytest.mark.django_db
def test_click_and_collect_at_jeans_store_is_ready_two_open_hours_after_it_opens(
    client, monkeypatch
):
    store = part_dieu("click_and_collect", "ship_from_store")
    shelve(store, 3)
    jean_with_a_jacket(client, favourite=store)
    at(monkeypatch, TUESDAY_9_AM)  # the store opens at 10:00

    options = _options(client, cart="current", store="lyon-part-dieu")

    collect = options["click_and_collect"]
    assert collect["available"] is True
    assert collect["ready_by"] == "2026-11-24T11:00:00Z"  # 12:00 in Lyon
    assert collect["promise"] == "ready today at 12:00 in Élan Lyon Part-Dieu"
    assert (collect["price"], collect["currency"], collect["paid"]) == ("0.00", "EUR", "online")
    assert collect["from_locations"] == ["lyon-part-dieu"]


@pytest.mark.django_db
def test_an_order_after_closing_time_is_ready_the_next_open_day(client, monkeypatch):
    store = part_dieu("click_and_collect")
    shelve(store, 3)
    jean_with_a_jacket(client, favourite=store)
    closed_on(store, TUESDAY_9_AM.date().replace(day=25))  # closed on Wednesday

    at(monkeypatch, TUESDAY_8_PM)
    options = _options(client, cart="current", store="lyon-part-dieu")

    assert options["click_and_collect"]["promise"] == (
        "ready on Thursday 26 November at 12:00 in Élan Lyon Part-Dieu"
    )


@pytest.mark.django_db
def test_reserve_and_collect_only_where_the_store_offers_it(client, monkeypatch):
    lyon = part_dieu("click_and_collect")
    villeurbanne = gratte_ciel("click_and_collect", "reserve_and_collect")
    shelve(lyon, 3)
    shelve(villeurbanne, 3)
    jean_with_a_jacket(client, favourite=lyon)
    at(monkeypatch, TUESDAY_11_AM)

    in_lyon = _options(client, cart="current", store="lyon-part-dieu")["reserve_and_collect"]
    there = _options(client, cart="current", store="villeurbanne-gratte-ciel")[
        "reserve_and_collect"
    ]

    assert in_lyon["available"] is False
    assert in_lyon["reason"] == "Élan Lyon Part-Dieu does not offer reserve & collect."
    assert there["available"] is True
    assert there["paid"] == "at_pickup"
    assert there["promise"] == "ready today at 12:00 in Élan Villeurbanne Gratte-Ciel"
    assert there["held_until"] == "2026-11-26T10:00:00Z"  # two days to collect it


@pytest.mark.django_db
def test_a_store_without_the_stock_offers_ship_to_store_from_the_warehouse(client, monkeypatch):
    part_dieu("click_and_collect")
    shelve(warehouse(), 5)
    at(monkeypatch, TUESDAY_11_AM)

    options = _options(client, sku=JACKET, quantity=1, store="lyon-part-dieu")

    assert options["click_and_collect"]["available"] is False
    assert options["click_and_collect"]["reason"] == (
        "Not every item is in stock at Élan Lyon Part-Dieu."
    )
    transfer = options["ship_to_store"]
    assert transfer["available"] is True
    assert transfer["from_locations"] == ["entrepot-est"]
    # Leaves the warehouse today (before 15:00), two carrier days: Thursday, ready an open
    # hour after the store opens.
    assert transfer["promise"] == "ready on Thursday 26 November at 11:00 in Élan Lyon Part-Dieu"


@pytest.mark.django_db
def test_home_delivery_after_the_warehouse_cut_off_arrives_a_day_later(client, monkeypatch):
    shelve(warehouse(), 5)

    at(monkeypatch, TUESDAY_2_PM)  # before the 15:00 cut-off
    before = _options(client, sku=JACKET, quantity=1, postcode="69003")
    at(monkeypatch, TUESDAY_4_PM)
    after = _options(client, sku=JACKET, quantity=1, postcode="69003")

    assert before["home_standard"]["promised_date"] == "2026-11-26"
    assert after["home_standard"]["promised_date"] == "2026-11-27"
    assert before["home_express"]["promised_date"] == "2026-11-25"
    assert after["home_express"]["promised_date"] == "2026-11-26"
    assert after["home_standard"]["promise"] == "delivered on Friday 27 November"
    assert after["home_standard"]["price"] == "4.90"
    assert after["home_time_slot"]["slots"][0] == {
        "starts_at": "2026-11-26T07:00:00Z",
        "ends_at": "2026-11-26T09:00:00Z",
    }


@pytest.mark.django_db
def test_the_retailer_sets_its_prices_and_cut_offs(client, monkeypatch, settings):
    shelve(warehouse(), 5)
    settings.COMPTOIR_DELIVERY_OFFERS = {
        "warehouse_cut_off": "17:00",
        "home_standard": {"price": "3.5"},
    }
    at(monkeypatch, TUESDAY_4_PM)

    standard = _options(client, sku=JACKET, quantity=1, postcode="69003")["home_standard"]

    assert (standard["price"], standard["promised_date"]) == ("3.50", "2026-11-26")


@pytest.mark.django_db
def test_same_day_comes_from_a_store_nearby_with_the_stock_before_its_cut_off(client, monkeypatch):
    shelve(part_dieu("ship_from_store"), 2)
    shelve(warehouse(), 5)

    at(monkeypatch, TUESDAY_11_AM)
    morning = _options(client, sku=JACKET, quantity=1, postcode="69003")["same_day"]
    at(monkeypatch, TUESDAY_3_PM)  # the same-day cut-off is 14:00
    afternoon = _options(client, sku=JACKET, quantity=1, postcode="69003")["same_day"]
    too_many = _options(client, sku=JACKET, quantity=3, postcode="69003")["same_day"]

    assert morning["available"] is True
    assert morning["from_locations"] == ["lyon-part-dieu"]
    assert morning["promise"] == "delivered today by 21:00 from Élan Lyon Part-Dieu"
    assert afternoon["available"] is False
    assert "cut-off (14:00)" in afternoon["reason"]
    assert too_many["available"] is False
    assert too_many["reason"] == "No store within 20 km has every item in stock."


@pytest.mark.django_db
def test_an_address_with_no_stock_nearby_gets_no_same_day_but_a_parcel(client, monkeypatch):
    shelve(part_dieu("ship_from_store"), 2)
    at(monkeypatch, TUESDAY_11_AM)

    options = _options(client, sku=JACKET, quantity=1, postcode="13001")  # Marseille

    assert options["same_day"]["available"] is False
    assert options["home_standard"]["available"] is True
    assert options["home_standard"]["from_locations"] == ["lyon-part-dieu"]
    assert options["ship_from_store"]["available"] is True


@pytest.mark.django_db
def test_a_store_that_does_not_ship_sends_no_parcel(client, monkeypatch):
    shelve(part_dieu("click_and_collect"), 2)
    at(monkeypatch, TUESDAY_11_AM)

    options = _options(client, sku=JACKET, quantity=1, lat=45.75, lon=4.85)

    assert options["home_standard"]["available"] is False
    assert options["home_standard"]["reason"] == (
        f"Élan Lyon Part-Dieu has {JACKET} ×1 but does not ship from the store."
    )
    assert options["same_day"]["available"] is False


@pytest.mark.django_db
def test_an_anonymous_cart_is_asked_for_with_its_token(client, monkeypatch):
    store = part_dieu("click_and_collect")
    shelve(store, 2)
    started = client.post("/api/v1/carts", {"channel": "web"}, content_type="application/json")
    token = started.json()["token"]
    client.post(
        "/api/v1/carts/current/lines",
        {"sku": JACKET, "quantity": 1},
        content_type="application/json",
        headers={"X-Cart-Token": token},
    )
    at(monkeypatch, TUESDAY_11_AM)

    mine = client.get(
        URL, {"cart": "current", "store": "lyon-part-dieu"}, headers={"X-Cart-Token": token}
    )
    by_id = client.get(URL, {"cart": str(started.json()["id"]), "store": "lyon-part-dieu"})

    assert mine.status_code == 200
    assert mine.json()["lines"] == [{"sku": JACKET, "quantity": 1}]
    assert by_id.status_code == 404  # an anonymous cart is reached by its token only


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"store": "lyon-nowhere"}, "query.store"),
        ({"postcode": "99999"}, "query.postcode"),
        ({"store": "lyon-part-dieu", "postcode": "69003"}, "query.store"),
        ({"lat": "45.7"}, "query.lon"),
        ({}, "query.store"),
    ],
)
def test_a_place_that_cannot_be_found_is_a_field_error(client, query, field):
    part_dieu("click_and_collect")
    make_jackets()

    response = client.get(URL, {"sku": JACKET, "quantity": 1, **query})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.django_db
def test_an_empty_cart_or_an_unknown_sku_is_a_field_error(client):
    store = part_dieu("click_and_collect")
    jean_with_a_jacket(client, favourite=store)
    client.put(
        f"/api/v1/carts/current/lines/{JACKET}", {"quantity": 0}, content_type="application/json"
    )

    empty = client.get(URL, {"cart": "current", "store": "lyon-part-dieu"})
    unknown = client.get(URL, {"sku": "NO-SUCH-SKU", "quantity": 1, "store": "lyon-part-dieu"})

    assert (empty.status_code, empty.json()["errors"][0]["field"]) == (422, "query.cart")
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "query.sku")


def _queries_for_stores_nearby(client, count: int) -> int:
    for number in range(count):
        store = with_hours(make_store(f"lyon-{len(Location.objects.all())}-{number}"))
        shelve(offering(store, "ship_from_store", "click_and_collect"), 2)
    forget_all()  # each count from a process that remembers no SKU yet
    with CaptureQueriesContext(connection) as queries:
        options = _options(client, sku=JACKET, quantity=1, postcode="69003")
    assert options["same_day"]["available"] is True
    return len(queries)


@pytest.mark.django_db
def test_options_cost_the_same_queries_whatever_the_stores_nearby(client, monkeypatch):
    shelve(warehouse(), 5)
    at(monkeypatch, TUESDAY_11_AM)

    few = _queries_for_stores_nearby(client, 2)
    many = _queries_for_stores_nearby(client, 10)

    assert few == many


@pytest.mark.django_db
def test_a_parcel_ordered_on_christmas_eve_is_promised_a_working_day_later(client, monkeypatch):
    shelve(warehouse(), 5)
    at(monkeypatch, datetime(2026, 12, 24, 9, 0, tzinfo=UTC))  # Thursday, 10:00 in Lyon

    options = _options(client, sku=JACKET, quantity=1, postcode="69003")

    # Leaves the warehouse today; Christmas Day is no carrier day (nor Sunday).
    assert options["home_express"]["promised_date"] == "2026-12-26"  # not Friday 25
    assert options["home_standard"]["promised_date"] == "2026-12-28"  # not Saturday 26

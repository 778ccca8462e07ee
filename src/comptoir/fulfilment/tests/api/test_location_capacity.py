"""GET and PUT /locations/{code}/capacity: a location's limits, set by operations."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.fulfilment.models import LocationCapacity

from ..checkout_factories import TUESDAY_2_PM, at, part_dieu

URL = "/api/v1/locations/lyon-part-dieu/capacity"
LIMITS = {
    "picking_units_per_day": 120,
    "picking_units_per_cut_off": 40,
    "same_day_orders_per_day": 15,
    "deliveries_per_slot": 4,
}


def _put(client, body, *scopes):
    _, raw = make_api_token(*scopes, name="ops")
    return client.put(URL, body, content_type="application/json", headers=bearer(raw))


@pytest.mark.django_db
def test_operations_set_the_limits_and_read_them_back_with_todays_use(client, monkeypatch):
    part_dieu()
    at(monkeypatch, TUESDAY_2_PM)

    put = _put(client, LIMITS, "locations.write", "locations.read")
    _, raw = make_api_token("locations.read", name="reader")
    got = client.get(URL, headers=bearer(raw))

    expected = {
        "location": "lyon-part-dieu",
        **LIMITS,
        "picking_units_today": 0,
        "picking_units_next_collection": 0,
        "same_day_orders_today": 0,
    }
    assert (put.status_code, put.json()) == (200, expected)
    assert (got.status_code, got.json()) == (200, expected)


@pytest.mark.django_db
def test_a_put_replaces_every_limit_and_a_left_out_one_is_no_limit(client):
    store = part_dieu()
    _put(client, LIMITS, "locations.write")

    answer = _put(client, {"deliveries_per_slot": 6}, "locations.write")

    assert answer.status_code == 200
    setting = LocationCapacity.objects.get(location=store)
    assert (
        setting.picking_units_per_day,
        setting.picking_units_per_cut_off,
        setting.same_day_orders_per_day,
        setting.deliveries_per_slot,
    ) == (None, None, None, 6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", [-1, 1_000_001, "12", True, 2.5], ids=["negative", "huge", "text", "bool", "float"]
)
def test_a_limit_that_is_not_a_whole_count_is_a_field_problem_and_changes_nothing(client, value):
    part_dieu()

    answer = _put(client, {"picking_units_per_day": value}, "locations.write")

    assert answer.status_code == 422
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["errors"][0]["field"] == "body.picking_units_per_day"
    assert not LocationCapacity.objects.exists()


@pytest.mark.django_db
def test_a_negative_limit_per_cut_off_is_a_field_problem(client):
    part_dieu()

    answer = _put(client, {"picking_units_per_cut_off": -1}, "locations.write")

    assert answer.status_code == 422
    assert answer["Content-Type"].startswith("application/problem+json")
    assert answer.json()["errors"][0]["field"] == "body.picking_units_per_cut_off"
    assert not LocationCapacity.objects.exists()


@pytest.mark.django_db
def test_only_locations_write_may_set_limits(client):
    part_dieu()

    anonymous = client.put(URL, LIMITS, content_type="application/json")
    reader = _put(client, LIMITS, "locations.read")

    assert (anonymous.status_code, reader.status_code) == (401, 403)
    assert not LocationCapacity.objects.exists()


@pytest.mark.django_db
def test_an_unknown_location_is_404(client):
    answer = _put(client, LIMITS, "locations.write")

    assert answer.status_code == 404

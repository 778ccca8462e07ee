"""PUT /api/v1/locations/{code}/services — needs locations.write; replaces the offer."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.models import Location, LocationService
from comptoir.locations.tests.factories import make_store, offering

pytestmark = pytest.mark.django_db

URL = "/api/v1/locations/lyon-part-dieu/services"
OFFER = {
    "services": [
        {"service": "click_and_collect", "pickup_lead_minutes": 120},
        {"service": "reserve_and_collect", "pickup_lead_minutes": 30},
        {"service": "returns"},
    ]
}


def set_services(client, body, url=URL):
    return client.put(url, body, content_type="application/json")


def offers_of(location):
    return list(
        LocationService.objects.filter(location=location)
        .order_by("service")
        .values_list("service", "pickup_lead_minutes")
    )


def test_operations_sets_what_a_store_offers(client):
    lyon = offering(make_store("lyon-part-dieu"), "ship_from_store")
    client.force_login(make_staff("operations"))

    response = set_services(client, OFFER)

    assert response.status_code == 200
    assert response.json() == {
        "services": [
            {"service": "click_and_collect", "pickup_lead_minutes": 120},
            {"service": "reserve_and_collect", "pickup_lead_minutes": 30},
            {"service": "returns", "pickup_lead_minutes": 0},
        ]
    }
    assert offers_of(lyon) == [
        ("click_and_collect", 120),
        ("reserve_and_collect", 30),
        ("returns", 0),
    ]
    assert OutboxEvent.objects.filter(type="location.services_changed").count() == 2


@pytest.mark.parametrize(
    "sign_in",
    [
        pytest.param(lambda lyon: make_staff("associate", [lyon]), id="associate_of_lyon_case"),
        pytest.param(lambda lyon: make_shopper().user, id="shopper_case"),
    ],
)
def test_people_without_locations_write_are_refused_and_the_offer_kept(client, sign_in):
    lyon = offering(make_store("lyon-part-dieu"), "returns")
    client.force_login(sign_in(lyon))

    response = set_services(client, OFFER)

    assert response.status_code == 403
    assert offers_of(lyon) == [("returns", 120)]


@pytest.mark.parametrize(
    ("services", "errors"),
    [
        pytest.param(
            [{"service": "drive_through"}],
            [
                {
                    "field": "body.services.0.service",
                    "message": "String should match pattern "
                    "'^(click_and_collect|reserve_and_collect|ship_from_store|returns)$'",
                }
            ],
            id="unknown_service_case",
        ),
        pytest.param(
            [{"service": "returns"}, {"service": "returns"}],
            [{"field": "body.services", "message": "known services, each once"}],
            id="twice_case",
        ),
        pytest.param(
            [{"service": "click_and_collect", "pickup_lead_minutes": 10_081}],
            [
                {
                    "field": "body.services.0.pickup_lead_minutes",
                    "message": "Input should be less than or equal to 10080",
                }
            ],
            id="lead_over_a_week_case",
        ),
    ],
)
def test_an_offer_that_breaks_a_rule_is_a_problem(client, services, errors):
    lyon = offering(make_store("lyon-part-dieu"), "returns")
    client.force_login(make_staff("operations"))

    response = set_services(client, {"services": services})

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert offers_of(lyon) == [("returns", 120)]


def test_a_warehouse_offers_no_service(client):
    make_store("entrepot-venissieux", kind=Location.Kind.WAREHOUSE)
    client.force_login(make_staff("operations"))

    response = set_services(client, OFFER, url="/api/v1/locations/entrepot-venissieux/services")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "body.services", "message": "a warehouse offers none"}
    ]

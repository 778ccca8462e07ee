"""set_location_services: what a store offers, each service once, none for a warehouse."""

from __future__ import annotations

import pytest

from comptoir.core.errors import ValidationFailed
from comptoir.core.models import OutboxEvent
from comptoir.locations.domain import ServiceOffer
from comptoir.locations.models import Location, LocationService
from comptoir.locations.services import set_location_services
from comptoir.locations.tests.factories import make_store, offering

pytestmark = pytest.mark.django_db


def offers_of(location) -> list[tuple[str, int]]:
    return list(
        LocationService.objects.filter(location=location)
        .order_by("service")
        .values_list("service", "pickup_lead_minutes")
    )


def test_the_new_offer_replaces_the_old_one_and_records_an_event():
    lyon = offering(make_store("lyon-part-dieu"), "click_and_collect", "returns")

    offers = set_location_services(
        location_code="lyon-part-dieu",
        services=[ServiceOffer("reserve_and_collect", 30), ServiceOffer("click_and_collect", 60)],
    )

    assert [(o.service, o.pickup_lead_minutes) for o in offers] == [
        ("click_and_collect", 60),
        ("reserve_and_collect", 30),
    ]
    assert offers_of(lyon) == [("click_and_collect", 60), ("reserve_and_collect", 30)]
    event = OutboxEvent.objects.filter(type="location.services_changed").latest("id")
    assert event.payload == {
        "location_id": lyon.pk,
        "code": "lyon-part-dieu",
        "services": [
            {"service": "click_and_collect", "pickup_lead_minutes": 60},
            {"service": "reserve_and_collect", "pickup_lead_minutes": 30},
        ],
    }


def test_the_same_offer_again_records_nothing():
    offering(make_store("lyon-part-dieu"), "click_and_collect")

    offering(Location.objects.get(), "click_and_collect")

    assert OutboxEvent.objects.filter(type="location.services_changed").count() == 1


@pytest.mark.parametrize(
    "offers",
    [
        pytest.param(
            [ServiceOffer("click_and_collect"), ServiceOffer("click_and_collect")], id="twice_case"
        ),
        pytest.param([ServiceOffer("drive_through")], id="unknown_service_case"),
        pytest.param([ServiceOffer("click_and_collect", -1)], id="negative_lead_case"),
        pytest.param([ServiceOffer("click_and_collect", 10_081)], id="lead_over_a_week_case"),
    ],
)
def test_an_offer_that_breaks_a_rule_is_refused_and_the_old_one_kept(offers):
    lyon = offering(make_store("lyon-part-dieu"), "returns")

    with pytest.raises(ValidationFailed):
        set_location_services(location_code="lyon-part-dieu", services=offers)

    assert offers_of(lyon) == [("returns", 120)]


def test_a_warehouse_offers_no_service_to_customers():
    make_store("entrepot-venissieux", kind=Location.Kind.WAREHOUSE)

    with pytest.raises(ValidationFailed, match="Only stores"):
        set_location_services(
            location_code="entrepot-venissieux", services=[ServiceOffer("click_and_collect")]
        )

    assert not LocationService.objects.exists()

"""A store's edit page in the back office: address, hours, closures and services, in French."""

from __future__ import annotations

from datetime import date, time
from html import unescape

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.models import OutboxEvent
from comptoir.fulfilment.tests.checkout_factories import part_dieu
from comptoir.locations.models import Closure, Location

pytestmark = pytest.mark.django_db
URL = "/backoffice/stores/lyon-part-dieu/"


def operations(*stores: Location) -> Client:
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(make_staff("operations", stores))
    return client


def page(answer) -> str:
    return unescape(answer.content.decode())


def details(**changes: str) -> dict[str, str]:
    return {
        "name": "Élan Lyon Part-Dieu",
        "street": "17 rue du Docteur Bouchut",
        "postcode": "69003",
        "city": "Lyon",
        "phone": "04 72 00 00 00",
        **changes,
    }


def hours(**days: str) -> dict[str, str]:
    return {f"day_{weekday}": days.get(f"day_{weekday}", "") for weekday in range(7)}


def test_operations_give_a_store_its_address_and_phone_in_e164_with_an_event():
    store = part_dieu()

    saved = operations().post(URL, details(), follow=True)

    assert "L'adresse et le téléphone de Élan Lyon Part-Dieu sont enregistrés." in page(saved)
    store.refresh_from_db()
    assert (store.street, store.postcode, store.phone) == (
        "17 rue du Docteur Bouchut",
        "69003",
        "+33472000000",
    )
    event = OutboxEvent.objects.get(type="location.details_changed")
    assert event.payload["phone"] == "+33472000000"
    assert 'value="+33472000000"' in page(saved)


def test_a_phone_that_does_not_exist_is_refused_on_its_field_and_nothing_changes():
    store = part_dieu()

    answer = operations().post(URL, details(phone="12"))

    assert answer.status_code == 200
    assert 'id="id_phone_errors"' in page(answer)
    assert "Un numéro de téléphone qui existe" in page(answer)
    store.refresh_from_db()
    assert store.phone == ""
    assert not OutboxEvent.objects.filter(type="location.details_changed").exists()


def test_saving_the_same_details_twice_records_one_event():
    part_dieu()
    client = operations()

    client.post(URL, details())
    client.post(URL, details())

    assert OutboxEvent.objects.filter(type="location.details_changed").count() == 1


def test_operations_replace_the_weekly_hours_with_a_lunch_break():
    store = part_dieu()

    saved = operations().post(
        URL + "hours/", hours(day_0="09:00-12:00, 14:00-19:00", day_5="10h00-18h00"), follow=True
    )

    assert "Les horaires d'ouverture de Élan Lyon Part-Dieu sont enregistrés." in page(saved)
    assert list(
        store.opening_hours.order_by("weekday", "opens").values_list("weekday", "opens", "closes")
    ) == [
        (0, time(9), time(12)),
        (0, time(14), time(19)),
        (5, time(10), time(18)),
    ]
    assert 'value="09:00-12:00, 14:00-19:00"' in page(saved)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param("9 to 7", "Écrivez des plages comme", id="not_a_range_case"),
        pytest.param("25:00-26:00", "Une heure va de 00:00 à 23:59.", id="no_such_hour_case"),
    ],
)
def test_hours_that_cannot_be_read_are_refused_on_their_day_and_nothing_changes(typed, message):
    store = part_dieu()
    before = list(store.opening_hours.values_list("weekday", "opens", "closes"))

    answer = operations().post(URL + "hours/", hours(day_2=typed))

    assert 'id="id_day_2_errors"' in page(answer)
    assert message in page(answer)
    assert list(store.opening_hours.values_list("weekday", "opens", "closes")) == before


def test_overlapping_ranges_are_refused_by_the_service_and_nothing_changes():
    store = part_dieu()
    before = list(store.opening_hours.values_list("weekday", "opens", "closes"))
    events_before = OutboxEvent.objects.count()

    answer = operations().post(URL + "hours/", hours(day_0="09:00-13:00, 12:00-19:00"))

    assert "Deux plages se chevauchent" in page(answer)
    assert list(store.opening_hours.values_list("weekday", "opens", "closes")) == before
    assert OutboxEvent.objects.count() == events_before


def test_a_closure_over_three_days_closes_each_day_with_its_reason():
    store = part_dieu()

    saved = operations().post(
        URL + "closures/",
        {"first_day": "2099-08-10", "last_day": "2099-08-12", "reason": "Travaux"},
        follow=True,
    )

    assert list(Closure.objects.filter(location=store).values_list("date", "reason")) == [
        (date(2099, 8, 10), "Travaux"),
        (date(2099, 8, 11), "Travaux"),
        (date(2099, 8, 12), "Travaux"),
    ]
    assert OutboxEvent.objects.filter(type="location.closure_declared").count() == 3
    assert "Travaux" in page(saved)


def test_a_closure_ending_before_it_starts_is_refused_on_its_last_day():
    part_dieu()

    answer = operations().post(
        URL + "closures/", {"first_day": "2099-08-12", "last_day": "2099-08-10"}
    )

    assert 'id="id_last_day_errors"' in page(answer)
    assert not Closure.objects.exists()


def test_a_closure_longer_than_a_year_is_refused_by_the_service_and_closes_nothing():
    part_dieu()

    answer = operations().post(
        URL + "closures/", {"first_day": "2099-01-01", "last_day": "2101-01-01"}
    )

    assert 'id="id_last_day_errors"' in page(answer)
    assert not Closure.objects.exists()


def test_operations_choose_the_services_a_store_offers_with_their_lead_time():
    store = part_dieu("click_and_collect")

    operations().post(
        URL + "services/",
        {"returns": "on", "ship_from_store": "on", "ship_from_store_lead": "30"},
    )

    assert sorted(store.services.values_list("service", "pickup_lead_minutes")) == [
        ("returns", 0),
        ("ship_from_store", 30),
    ]


def test_a_negative_lead_time_is_refused_on_its_field_and_the_offer_stays():
    store = part_dieu("click_and_collect")

    answer = operations().post(
        URL + "services/", {"click_and_collect": "on", "click_and_collect_lead": "-5"}
    )

    assert 'id="id_click_and_collect_lead_errors"' in page(answer)
    assert list(store.services.values_list("service", "pickup_lead_minutes")) == [
        ("click_and_collect", 120)
    ]


@pytest.mark.parametrize(
    "path", ["", "hours/", "closures/", "services/"], ids=lambda p: f"{p or 'details'}_case"
)
def test_an_associate_of_the_store_may_not_change_it_as_on_the_api(path):
    # Operations see every store; the store-scoped role (associate) lacks locations.write even
    # on its own store, as PUT /api/v1/locations/{code}/hours answers it.
    store = part_dieu()
    associate = Client()
    associate.force_login(make_staff("associate", [store]))
    events_before = OutboxEvent.objects.count()
    form = {
        **details(phone="0472000000"),
        **hours(day_0="08:00-09:00"),
        **{"first_day": "2099-08-10", "last_day": "2099-08-10", "returns": "on"},
    }

    assert associate.get(URL + path).status_code == 403
    assert associate.post(URL + path, form).status_code == 403
    store.refresh_from_db()
    assert store.phone == ""
    assert OutboxEvent.objects.count() == events_before
    assert not Closure.objects.exists()


def test_the_edit_page_shows_the_stores_forms_in_french():
    part_dieu("click_and_collect")

    answer = operations().get(URL)

    assert answer.status_code == 200
    for words in (
        "Adresse et téléphone",
        "Horaires d'ouverture",
        "Fermetures",
        "Services proposés",
        "Lundi",
        "Click & collect",
    ):
        assert words in page(answer)

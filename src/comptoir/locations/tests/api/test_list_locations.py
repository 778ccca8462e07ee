"""GET /api/v1/locations — public, cursor-paginated in the order locations were opened."""

import base64

import pytest

from comptoir.locations.models import Location
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

CODES = [
    "lyon-part-dieu",
    "paris-rivoli",
    "marseille-terrasses",
    "lille-europe",
    "nantes-atlantis",
    "bordeaux-lac",
    "toulouse-blagnac",
]


def list_locations(client, **query):
    return client.get("/api/v1/locations", query)


def walk(client, *, limit):
    """Follow next_cursor to the end; returns the codes of each page."""
    pages, cursor = [], None
    while True:
        query = {"limit": limit} if cursor is None else {"limit": limit, "cursor": cursor}
        response = list_locations(client, **query)
        assert response.status_code == 200
        pages.append([item["code"] for item in response.json()["items"]])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


def test_anyone_may_list_the_stores(client):
    lyon = make_store("lyon-part-dieu")

    response = list_locations(client)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": lyon.pk,
                "code": "lyon-part-dieu",
                "name": "Élan Lyon Part-Dieu",
                "kind": "store",
                "street": "",
                "postcode": "",
                "city": "Lyon",
                "latitude": 45.7607,
                "longitude": 4.8595,
                "timezone": "Europe/Paris",
            }
        ],
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    ("limit", "pages"),
    [
        pytest.param(3, [CODES[0:3], CODES[3:6], CODES[6:7]], id="last_page_short_case"),
        pytest.param(7, [CODES], id="one_full_page_case"),
        pytest.param(1, [[code] for code in CODES], id="one_per_page_case"),
        pytest.param(200, [CODES], id="largest_page_case"),
    ],
)
def test_following_next_cursor_visits_every_location_once_in_order(client, limit, pages):
    for code in CODES:
        make_store(code)

    assert walk(client, limit=limit) == pages


def test_a_page_exactly_filled_by_the_last_locations_says_there_is_no_next_page(client):
    for code in CODES[:6]:
        make_store(code)

    assert walk(client, limit=3) == [CODES[0:3], CODES[3:6]]


def test_locations_opened_while_paging_come_at_the_end_without_shifting_pages(client):
    for code in CODES[:4]:
        make_store(code)
    first = list_locations(client, limit=2).json()
    make_store("nice-etoile")

    rest = list_locations(client, limit=10, cursor=first["next_cursor"]).json()

    assert [item["code"] for item in first["items"]] == CODES[0:2]
    assert [item["code"] for item in rest["items"]] == [*CODES[2:4], "nice-etoile"]


def test_closed_locations_are_not_listed(client):
    for code in CODES[:3]:
        make_store(code)
    Location.objects.filter(code="paris-rivoli").update(is_active=False)

    assert walk(client, limit=1) == [["lyon-part-dieu"], ["marseille-terrasses"]]


def test_kind_filters_warehouses(client):
    make_store("lyon-part-dieu")
    make_store("entrepot-venissieux", kind=Location.Kind.WAREHOUSE)

    response = list_locations(client, kind="warehouse")

    assert [item["code"] for item in response.json()["items"]] == ["entrepot-venissieux"]


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not a cursor!", id="punctuation_case"),
        pytest.param("M", id="truncated_case"),
        pytest.param(b64("lyon-part-dieu"), id="not_a_number_case"),
        pytest.param("é", id="not_ascii_case"),
    ],
)
def test_a_cursor_this_api_did_not_give_out_is_a_problem(client, cursor):
    make_store("lyon-part-dieu")

    response = list_locations(client, cursor=cursor)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "validation-failed"
    assert problem["errors"] == [{"field": "query.cursor", "message": "unknown cursor"}]


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        pytest.param(0, "Input should be greater than or equal to 1", id="zero_case"),
        pytest.param(201, "Input should be less than or equal to 200", id="above_200_case"),
    ],
)
def test_a_limit_outside_1_to_200_is_a_problem(client, limit, message):
    response = list_locations(client, limit=limit)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "query.limit", "message": message}]

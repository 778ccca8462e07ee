"""GET /api/v1/categories — public, with each category's parent."""

import pytest

from comptoir.catalog.tests.factories import make_category

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_categories_and_their_parents(client):
    make_category("running", "Running")
    make_category("trail", "Trail", parent="running")

    response = client.get("/api/v1/categories")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"slug": "running", "name": "Running", "parent": None},
            {"slug": "trail", "name": "Trail", "parent": "running"},
        ],
        "next_cursor": None,
    }

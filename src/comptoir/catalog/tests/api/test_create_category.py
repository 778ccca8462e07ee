"""POST /api/v1/categories — needs catalog.write."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.models import Category
from comptoir.catalog.tests.factories import make_category

pytestmark = pytest.mark.django_db
URL = "/api/v1/categories"


def create(client, body):
    return client.post(URL, body, content_type="application/json")


def test_operations_adds_trail_under_running(client):
    make_category("running")
    client.force_login(make_staff("operations"))

    response = create(client, {"slug": "trail", "name": "Trail", "parent": "running"})

    assert response.status_code == 201
    assert response.json() == {"slug": "trail", "name": "Trail", "parent": "running"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param(
            {"slug": "running", "name": "Running"}, 409, "category-slug-taken", id="taken_case"
        ),
        pytest.param(
            {"slug": "trail", "name": "Trail", "parent": "no-such"},
            422,
            "unknown-category",
            id="parent_case",
        ),
        pytest.param(
            {"slug": "Trail Running", "name": "T"}, 422, "validation-failed", id="slug_case"
        ),
    ],
)
def test_a_category_that_cannot_be_added_is_a_problem(client, body, status, code):
    make_category("running")
    client.force_login(make_staff("operations"))

    response = create(client, body)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Category.objects.count() == 1


def test_an_associate_cannot_add_a_category(client):
    client.force_login(make_staff("associate"))

    assert create(client, {"slug": "trail", "name": "Trail"}).status_code == 403
    assert not Category.objects.exists()

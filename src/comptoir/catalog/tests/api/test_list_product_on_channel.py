"""PUT /api/v1/products/{slug}/listings/{channel} — needs catalog.write; per-channel title."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.models import ChannelListing
from comptoir.catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def put(client, slug, channel, body):
    return client.put(
        f"/api/v1/products/{slug}/listings/{channel}", body, content_type="application/json"
    )


def test_the_app_shows_a_short_title_and_the_web_the_full_name(client):
    make_product("veste-running", name="Veste de running imperméable Élan Trail")
    client.force_login(make_staff("operations"))

    response = put(client, "veste-running", "app", {"title": "Veste Trail"})

    assert response.status_code == 200
    assert response.json() == {"channel": "app", "title": "Veste Trail", "is_published": True}
    on_app = client.get("/api/v1/products/veste-running", {"channel": "app"}).json()
    on_web = client.get("/api/v1/products/veste-running", {"channel": "web"}).json()
    assert (on_app["title"], on_web["title"]) == (
        "Veste Trail",
        "Veste de running imperméable Élan Trail",
    )


def test_a_product_withdrawn_from_a_channel_is_not_found_there(client):
    make_product("veste-running")
    client.force_login(make_staff("operations"))

    put(client, "veste-running", "call_centre", {"is_published": False})

    response = client.get("/api/v1/products/veste-running", {"channel": "call_centre"})
    assert response.status_code == 404
    assert client.get("/api/v1/products/veste-running", {"channel": "web"}).status_code == 200


@pytest.mark.parametrize(
    ("slug", "channel", "status"),
    [
        pytest.param("no-such-product", "app", 404, id="unknown_product_case"),
        pytest.param("veste-running", "fax", 422, id="unknown_channel_case"),
    ],
)
def test_an_unknown_product_or_channel_is_a_problem(client, slug, channel, status):
    make_product("veste-running")
    client.force_login(make_staff("operations"))

    assert put(client, slug, channel, {"title": "?"}).status_code == status


def test_anonymous_callers_cannot_change_a_listing(client):
    make_product("veste-running")

    assert put(client, "veste-running", "app", {"title": "Hack"}).status_code == 401
    assert not ChannelListing.objects.exclude(title="").exists()

"""Every refusal under /api/v1 is problem+json, with DEBUG on or off; pages keep their HTML."""

import json

import pytest
from django.conf import settings
from django.test import Client

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
DEBUG_CASES = [pytest.param(True, id="debug_case"), pytest.param(False, id="production_case")]


def problem_of(response) -> dict:
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["type"] == f"urn:comptoir:problem:{body['code']}"
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF as a browser's requests meet it."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("debug", DEBUG_CASES)
def test_an_unknown_api_path_is_a_404_problem(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/api/v1/no-such-thing/42")

    assert response.status_code == 404
    body = problem_of(response)
    assert body["code"] == "no-such-path"
    assert body["instance"] == "/api/v1/no-such-thing/42"


@pytest.mark.parametrize("debug", DEBUG_CASES)
def test_a_trailing_slash_is_a_404_problem_that_names_the_path_without_it(client, settings, debug):
    settings.DEBUG = debug

    response = client.post("/api/v1/locations/", data={}, content_type="application/json")

    assert response.status_code == 404
    body = problem_of(response)
    assert body["code"] == "no-such-path"
    assert "/api/v1/locations exists" in body["detail"]


@pytest.mark.parametrize("debug", DEBUG_CASES)
def test_a_method_the_path_lacks_is_a_405_problem_with_allow(client, settings, debug):
    settings.DEBUG = debug
    store = make_store()

    response = client.delete(f"/api/v1/locations/{store.code}/hours")

    assert response.status_code == 405
    assert response["Allow"] == "PUT"
    body = problem_of(response)
    assert body["code"] == "method-not-allowed"
    assert "DELETE" in body["detail"]


def test_a_bearer_post_to_a_read_only_path_is_a_405_problem_not_a_csrf_refusal(csrf_client):
    store = make_store()
    _, raw = make_api_token("team.read")

    response = csrf_client.post(f"/api/v1/locations/{store.code}/team", headers=bearer(raw))

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert problem_of(response)["code"] == "method-not-allowed"


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_openapi_document_and_page_answer_a_post_with_a_405_problem(csrf_client, path):
    _, raw = make_api_token("team.read")

    response = csrf_client.post(path, headers=bearer(raw))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert problem_of(response)["code"] == "method-not-allowed"


def test_a_body_over_the_upload_limit_is_a_413_problem(client):
    _, raw = make_api_token("locations.write")
    too_big = b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)  # 65 MB

    response = client.post(
        "/api/v1/locations", data=too_big, content_type="application/json", headers=bearer(raw)
    )

    assert response.status_code == 413
    assert problem_of(response)["code"] == "body-too-large"


@pytest.mark.parametrize("debug", DEBUG_CASES)
def test_1001_query_parameters_are_a_400_problem(client, settings, debug):
    settings.DEBUG = debug
    query = "&".join(f"p{number}=1" for number in range(1001))

    response = client.get(f"/api/v1/locations?{query}")

    assert response.status_code == 400
    body = problem_of(response)
    assert body["code"] == "too-many-parameters"
    assert f"up to {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters" in body["detail"]


def test_a_form_body_with_too_many_fields_is_a_413_problem(client):
    _, raw = make_api_token("locations.write")
    fields = "&".join(f"f{number}=1" for number in range(1001))

    response = client.post(
        "/api/v1/locations",
        data=fields,
        content_type="application/x-www-form-urlencoded",
        headers=bearer(raw),
    )

    assert response.status_code == 413
    assert problem_of(response)["code"] == "too-many-fields"


def test_a_session_post_without_its_csrf_token_is_a_403_problem(csrf_client):
    csrf_client.force_login(make_staff("administrator"))

    response = csrf_client.post(
        "/api/v1/api-tokens", data={"name": "till"}, content_type="application/json"
    )

    assert response.status_code == 403
    body = problem_of(response)
    assert body["code"] == "csrf-failed"
    assert "X-CSRFToken" in body["detail"]


def test_a_bearer_call_is_not_held_to_csrf_even_with_a_session(csrf_client):
    csrf_client.force_login(make_staff("administrator"))
    _, raw = make_api_token("locations.write")

    response = csrf_client.post(
        "/api/v1/locations", data={}, content_type="application/json", headers=bearer(raw)
    )

    # Past authentication (and CSRF, for a session), the empty body is what is refused.
    assert response.status_code == 422
    assert problem_of(response)["code"] == "validation-failed"


def test_a_page_keeps_its_html_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_page_post_without_its_csrf_token_keeps_its_html_403(csrf_client):
    response = csrf_client.post("/i18n/setlang/", data={"language": "en"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("body", ["[]", "5", '"web"', "null"])
def test_a_body_that_is_not_a_json_object_is_a_400_problem(client, body):
    response = client.post("/api/v1/carts", data=body, content_type="application/json")

    assert response.status_code == 400
    assert problem_of(response)["instance"] == "/api/v1/carts"


def test_the_api_root_is_a_404_problem_that_names_the_document(client):
    response = client.get("/api/v1/")

    assert response.status_code == 404
    body = problem_of(response)
    assert body["code"] == "no-such-path"
    assert "/api/v1/openapi.json" in body["detail"]


def test_djangos_own_csrf_refusal_under_the_api_is_a_403_problem(csrf_client):
    # The API root is no Ninja operation: Django's CSRF middleware guards it, and its failure
    # view answers by path.
    response = csrf_client.post("/api/v1/", data={})

    assert response.status_code == 403
    body = problem_of(response)
    assert body["code"] == "csrf-failed"
    assert body["detail"].startswith("CSRF cookie not set.")

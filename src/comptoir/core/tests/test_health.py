import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_queue(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["queue"]["ok"] is True
    assert body["outbox"]["events_waiting"] == 0


@pytest.mark.django_db
def test_every_response_carries_the_request_id_it_was_given(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="till-42-abc")

    assert response["X-Request-ID"] == "till-42-abc"


@pytest.mark.django_db
def test_an_invalid_body_is_a_problem_with_field_level_errors(admin_client):
    response = admin_client.post(
        "/api/v1/locations",
        {"code": "Bad Code!", "name": "X", "city": "Lyon", "latitude": 95, "longitude": 4},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-1",
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["request_id"] == "req-1"
    fields = {error["field"] for error in problem["errors"]}
    assert fields == {"body.code", "body.latitude"}

"""GET /api/v1/customers/{id}/timeline — the same access rule as the profile itself."""

import uuid
from datetime import UTC, datetime

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.services import add_to_timeline
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 999_999


def jean_and_marie():
    jean = make_shopper("jean.martin@example.fr", first_name="Jean", last_name="Martin")
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    for customer, summary, day in [
        (jean, "Reserved RETRO-CLOCK at Lyon Part-Dieu", 3),
        (jean, "Collected RETRO-CLOCK at Lyon Part-Dieu", 4),
        (marie, "Returned TRAIL-SHOE-42 at Paris Rivoli", 5),
    ]:
        add_to_timeline(
            customer_id=customer.pk,
            event_id=uuid.uuid4(),
            kind="order",
            channel="store",
            summary=summary,
            occurred_at=datetime(2026, 3, day, 10, 0, tzinfo=UTC),
        )
    return jean, marie


def test_a_shopper_sees_their_own_timeline_newest_first(client):
    jean, _ = jean_and_marie()
    client.force_login(jean.user)

    response = client.get(f"/api/v1/customers/{jean.pk}/timeline")

    assert response.status_code == 200
    assert response.json() == [
        {
            "kind": "order",
            "channel": "store",
            "summary": "Collected RETRO-CLOCK at Lyon Part-Dieu",
            "occurred_at": "2026-03-04T10:00:00Z",
        },
        {
            "kind": "order",
            "channel": "store",
            "summary": "Reserved RETRO-CLOCK at Lyon Part-Dieu",
            "occurred_at": "2026-03-03T10:00:00Z",
        },
    ]


def test_another_shoppers_timeline_is_not_found_exactly_like_an_unknown_id(client):
    jean, marie = jean_and_marie()
    client.force_login(jean.user)

    marie_response = client.get(f"/api/v1/customers/{marie.pk}/timeline", HTTP_X_REQUEST_ID="r")
    unknown_response = client.get(f"/api/v1/customers/{UNKNOWN_ID}/timeline", HTTP_X_REQUEST_ID="r")

    assert marie_response.status_code == unknown_response.status_code == 404
    assert marie_response.json()["code"] == "not-found"
    assert "Returned" not in marie_response.content.decode()
    assert {**unknown_response.json(), "instance": None} == {
        **marie_response.json(),
        "instance": None,
    }


def test_an_agent_sees_any_customers_timeline(client):
    _, marie = jean_and_marie()
    client.force_login(make_staff("agent"))

    response = client.get(f"/api/v1/customers/{marie.pk}/timeline")

    assert response.status_code == 200
    assert [entry["summary"] for entry in response.json()] == [
        "Returned TRAIL-SHOE-42 at Paris Rivoli"
    ]

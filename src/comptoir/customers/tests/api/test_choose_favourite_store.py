"""PUT /api/v1/customers/{id}/favourite-store — the shopper themself, or staff who serve them."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core.models import OutboxEvent
from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_shopper, on_the_wire
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

UNKNOWN_ID = 999_999
LYON = {"location": "lyon-part-dieu"}


def choose(client, customer_id, body, **headers):
    return client.put(
        f"/api/v1/customers/{customer_id}/favourite-store",
        body,
        content_type="application/json",
        **headers,
    )


def jean_and_marie():
    jean = make_shopper("jean.martin@example.fr", first_name="Jean", last_name="Martin")
    marie = make_shopper("marie.dupont@example.fr", first_name="Marie", last_name="Dupont")
    return jean, marie


def favourite_of(customer):
    return Customer.objects.get(pk=customer.pk).favourite_location_id


def test_a_shopper_changes_their_favourite_store_in_one_call(client):
    jean, _ = jean_and_marie()
    make_store("lyon-part-dieu")
    paris = make_store("paris-rivoli")
    client.force_login(jean.user)
    choose(client, jean.pk, LYON)

    response = choose(client, jean.pk, {"location": "paris-rivoli"})

    assert response.status_code == 200
    assert response.json() == {
        "id": jean.pk,
        "first_name": "Jean",
        "last_name": "Martin",
        "email": "jean.martin@example.fr",
        "phone": None,
        "language": "fr",
        "created_at": on_the_wire(jean.created_at),
        "favourite_store": {"code": "paris-rivoli", "name": "Élan Paris Rivoli", "city": "Paris"},
    }
    assert favourite_of(jean) == paris.pk
    assert OutboxEvent.objects.filter(type="customer.favourite_store_changed").count() == 2


def test_the_profile_shows_the_favourite_store_afterwards(client):
    jean, _ = jean_and_marie()
    make_store("lyon-part-dieu")
    client.force_login(jean.user)
    choose(client, jean.pk, LYON)

    response = client.get("/api/v1/customers/me")

    assert response.json()["favourite_store"] == {
        "code": "lyon-part-dieu",
        "name": "Élan Lyon Part-Dieu",
        "city": "Lyon",
    }


def test_null_forgets_the_favourite_store(client):
    jean, _ = jean_and_marie()
    make_store("lyon-part-dieu")
    client.force_login(jean.user)
    choose(client, jean.pk, LYON)

    response = choose(client, jean.pk, {"location": None})

    assert response.status_code == 200
    assert response.json()["favourite_store"] is None
    assert favourite_of(jean) is None


def test_a_shopper_cannot_change_another_shoppers_favourite_store(client):
    jean, marie = jean_and_marie()
    make_store("lyon-part-dieu")
    client.force_login(jean.user)

    response = choose(client, marie.pk, LYON)
    unknown = choose(client, UNKNOWN_ID, LYON)

    assert response.status_code == unknown.status_code == 404
    assert response.json()["detail"] == unknown.json()["detail"] == "No such customer."
    assert favourite_of(marie) is None
    assert not OutboxEvent.objects.filter(type="customer.favourite_store_changed").exists()


@pytest.mark.parametrize(
    "role",
    [pytest.param("associate", id="associate_case"), pytest.param("agent", id="agent_case")],
)
def test_staff_who_serve_customers_change_it_for_them(client, role):
    jean, _ = jean_and_marie()
    lyon = make_store("lyon-part-dieu")
    client.force_login(make_staff(role, [lyon]))

    response = choose(client, jean.pk, LYON)

    assert response.status_code == 200
    assert favourite_of(jean) == lyon.pk


def test_operations_may_read_but_not_change_a_customers_favourite_store(client):
    jean, _ = jean_and_marie()
    make_store("lyon-part-dieu")
    client.force_login(make_staff("operations"))

    response = choose(client, jean.pk, LYON)

    assert response.status_code == 403
    assert favourite_of(jean) is None


def test_a_token_with_customers_write_changes_it_and_one_with_read_only_cannot(client):
    jean, _ = jean_and_marie()
    make_store("lyon-part-dieu")
    _, writer = make_api_token("customers.write", name="crm")
    _, reader = make_api_token("customers.read", name="bi")

    refused = choose(client, jean.pk, LYON, headers=bearer(reader))
    allowed = choose(client, jean.pk, LYON, headers=bearer(writer))

    assert (refused.status_code, allowed.status_code) == (403, 200)


def test_anonymous_callers_must_authenticate(client):
    jean, _ = jean_and_marie()
    make_store("lyon-part-dieu")

    response = choose(client, jean.pk, LYON)

    assert response.status_code == 401
    assert favourite_of(jean) is None


def test_a_staff_member_asking_for_an_unknown_customer_gets_not_found(client):
    make_store("lyon-part-dieu")
    client.force_login(make_staff("agent"))

    response = choose(client, UNKNOWN_ID, LYON)

    assert response.status_code == 404
    assert response.json()["code"] == "customer-not-found"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param(
            {"location": "nowhere"},
            [{"field": "body.location", "message": "the code of an open store"}],
            id="unknown_store_case",
        ),
        pytest.param(
            {"location": "entrepot-venissieux"},
            [{"field": "body.location", "message": "the code of an open store"}],
            id="warehouse_case",
        ),
        pytest.param(
            {},
            [{"field": "body.location", "message": "Field required"}],
            id="missing_case",
        ),
    ],
)
def test_only_an_open_store_can_be_chosen(client, body, errors):
    jean, _ = jean_and_marie()
    make_store("entrepot-venissieux", kind="warehouse")
    client.force_login(jean.user)

    response = choose(client, jean.pk, body)

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert favourite_of(jean) is None

"""What the OpenAPI document promises a client, read from the document a client downloads."""

import pytest

from comptoir.core.pagination import MAX_LIMIT

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def operation(document, label):
    return dict(operations(document))[label]


def idempotency_header(operation):
    return [p for p in operation.get("parameters", []) if p["name"] == "Idempotency-Key"]


@pytest.mark.parametrize(
    "label",
    [
        "POST /api/v1/holds",
        "POST /api/v1/orders",
        "POST /api/v1/checkouts",
        "POST /api/v1/api-tokens",
        "POST /api/v1/stock-snapshots",
        "POST /api/v1/stores/{code}/till-sales",
    ],
)
def test_an_operation_that_honours_an_idempotency_key_declares_the_header(document, label):
    [header] = idempotency_header(operation(document, label))

    assert header["in"] == "header"
    assert header["required"] is False
    assert header["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}


@pytest.mark.parametrize(
    "label",
    [
        "DELETE /api/v1/holds/{hold_id}",
        "GET /api/v1/locations",
        "PUT /api/v1/locations/{code}/hours",
    ],
)
def test_an_operation_that_ignores_the_key_does_not_declare_it(document, label):
    assert idempotency_header(operation(document, label)) == []


def test_every_limit_is_bounded(document):
    limits = {
        label: (p["schema"].get("minimum"), p["schema"].get("maximum"))
        for label, op in operations(document)
        for p in op.get("parameters", [])
        if p["name"] == "limit"
    }

    assert limits  # the lists are there
    assert {bounds for bounds in limits.values()} <= {(1, MAX_LIMIT), (1, 50)}


def test_every_error_answer_is_a_problem(document):
    not_problems = [
        (label, status)
        for label, op in operations(document)
        for status, answer in op["responses"].items()
        if int(status) >= 400
        and answer.get("content") != {"application/problem+json": {"schema": PROBLEM}}
    ]

    assert not_problems == []


def test_an_authenticated_operation_declares_401_and_403_and_a_body_413(document):
    responses = operation(document, "POST /api/v1/holds")["responses"]

    assert {"400", "401", "403", "404", "409", "413", "422", "503"} <= responses.keys()


def test_a_public_read_declares_no_401_nor_413(document):
    responses = operation(document, "GET /api/v1/locations")["responses"]

    assert "401" not in responses
    assert "413" not in responses


def test_the_carrier_webhook_declares_its_signed_body_and_its_401(document):
    webhook = operation(document, "POST /api/v1/carriers/{carrier}/tracking-events")

    assert "401" in webhook["responses"]
    assert webhook["requestBody"]["required"] is True
    headers = {p["name"] for p in webhook["parameters"] if p["in"] == "header"}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}


def test_every_operation_has_its_own_id(document):
    """OpenAPI asks operationId to be unique: client generators name their methods by it."""
    ids = [operation["operationId"] for _, operation in operations(document)]

    assert sorted(ids) == sorted(set(ids))

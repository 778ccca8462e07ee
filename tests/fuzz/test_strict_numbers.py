"""A number a client sends in a JSON body is a number: `true` is not a quantity, nor `1.5`
an id. Pydantic's lax mode takes both, so every integer and float of a request body is strict
(query and path values arrive as text, and are parsed from it on purpose)."""

import typing

import pytest
from pydantic import BaseModel
from pydantic.types import Strict

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.api import api


def body_models() -> list[type[BaseModel]]:
    return [
        model
        for bound_router in api._get_bound_routers()
        for path_view in bound_router.path_operations.values()
        for operation in path_view.operations
        for model in operation.models
        if model.__ninja_param_source__ == "body"
    ]


def is_strict(metadata: typing.Iterable[object]) -> bool:
    return any(isinstance(item, Strict) and item.strict for item in metadata)


def lax_numbers(annotation: typing.Any, metadata: list[object], where: str) -> list[str]:
    """The places under `annotation` where a number is taken in lax mode."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *more = typing.get_args(annotation)
        return lax_numbers(annotation, [*metadata, *more], where)
    if annotation in (int, float):
        return [] if is_strict(metadata) else [where]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [
            place
            for name, field in annotation.model_fields.items()
            for place in lax_numbers(field.annotation, field.metadata, f"{where}.{name}")
        ]
    return [
        place
        for argument in typing.get_args(annotation)
        for place in lax_numbers(argument, metadata, where)
    ]


def test_every_number_in_a_request_body_is_strict():
    lax = {place for model in body_models() for place in lax_numbers(model, [], model.__name__)}

    assert sorted(lax) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "quantity", [pytest.param(False, id="false_case"), pytest.param(True, id="true_case")]
)
def test_a_boolean_is_not_a_quantity(client, quantity):
    _, raw = make_api_token("stock.hold")
    line = {"sku": "RETRO-CLOCK", "location": "lyon-part-dieu", "quantity": quantity}

    response = client.post(
        "/api/v1/holds",
        data={"channel": "web", "reference": "cart-1", "lines": [line]},
        content_type="application/json",
        headers=bearer(raw),
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "body.lines.0.quantity", "message": "Input should be a valid integer"}
    ]


@pytest.mark.django_db
def test_an_id_beyond_a_bigint_is_refused_on_its_field_in_a_query_and_in_a_body(client):
    _, raw = make_api_token("shipping.read", "shipping.manage")
    too_big = 2**63

    in_query = client.get(f"/api/v1/shipping/alerts?assignee_id={too_big}", headers=bearer(raw))
    in_body = client.post(
        "/api/v1/shipping/alerts/1/assignee",
        data={"assignee_id": too_big},
        content_type="application/json",
        headers=bearer(raw),
    )

    assert in_query.status_code == 422
    assert [e["field"] for e in in_query.json()["errors"]] == ["query.assignee_id"]
    assert in_body.status_code == 422
    assert [e["field"] for e in in_body.json()["errors"]] == ["body.assignee_id"]

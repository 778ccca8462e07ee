"""RFC 9457 problem details: the one shape every error takes on the wire."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

from .request_id import current_request_id

PROBLEM_CONTENT_TYPE = "application/problem+json"

# The OpenAPI schema of every problem this API answers (components/schemas/Problem).
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable, for programs"},
        "request_id": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


def problem_answer(description: str) -> dict[str, Any]:
    """An OpenAPI response that is a problem, for `responses` or an operation's openapi_extra."""
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def problem_response(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    instance: str = "",
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:comptoir:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": current_request_id.get(),
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )

"""Answers of the hot write endpoints, rendered without pydantic validating them again.

Ninja validates what an operation returns against its response schema, then renders it. The
hot endpoints (POST /holds, POST /orders) build their answer field by field from rows they
have just written, so that second pass only costs CPU: `json_answer` renders the same dict
with the API's own encoder. Their tests check the answer still equals its schema's rendering.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

CONTENT_TYPE = "application/json; charset=utf-8"


def json_answer(status: int, data: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder), status=status, content_type=CONTENT_TYPE
    )

"""Cursor pagination: stable under inserts, no OFFSET scans. The cursor is opaque to callers."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Query, Schema

from .errors import ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 200

# The `limit` query parameter of every paginated list: bounded where the document shows it.
PageLimit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"1 to {MAX_LIMIT} items")]


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _decode(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailed(
            "The cursor is not one this API gave out.",
            errors=[{"field": "query.cursor", "message": "unknown cursor"}],
        ) from error


def _encode(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def paginate(queryset: QuerySet[Any], *, cursor: str | None, limit: int) -> dict[str, Any]:
    """Items in ascending primary key order after `cursor`, at most `limit` of them."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit must be between 1 and {MAX_LIMIT}.",
            errors=[{"field": "query.limit", "message": f"between 1 and {MAX_LIMIT}"}],
        )
    rows = queryset.order_by("pk")
    if cursor:
        rows = rows.filter(pk__gt=_decode(cursor))
    items = list(rows[: limit + 1])
    next_cursor = _encode(items[limit - 1].pk) if len(items) > limit else None
    return {"items": items[:limit], "next_cursor": next_cursor}

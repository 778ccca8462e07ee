"""Idempotency-Key for POSTs that create something: safe retries for integrators and tills.

Same caller, same key and same request → the stored response is replayed; same key with
another request → 422; same key while the first request is still running → 409. Records are
kept 24 h. The record is inserted (and committed) before the operation runs, so a concurrent
retry on another process sees it at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta
from functools import partial, wraps
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse

from . import clock
from .models import IdempotencyRecord, mark_written
from .problem import problem_response

RETENTION = timedelta(hours=24)
# Responses that say nothing final about the request are not stored: the caller may retry.
_NOT_STORED = {401, 403, 409, 429}
LIVE_CONNECTION_TRIES = 4


# The header as the OpenAPI document declares it, on every operation that honours it.
IDEMPOTENCY_KEY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key to retry safely: the first answer is replayed for 24 h "
    "(a different request with the key is a 422; one still running, a 409).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def honours_idempotency_key(run: Callable[..., HttpResponse]) -> bool:
    """Whether an operation's `run` went through `idempotent` (for its OpenAPI document)."""
    return getattr(run, "honours_idempotency_key", False)


def _caller(request: HttpRequest) -> str:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()[:32]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    # An anonymous cart's holder is a caller of their own: two shoppers who picked the same key
    # must never see each other's stored answer.
    cart_token = request.headers.get("X-Cart-Token", "")
    if cart_token:
        return "cart:" + hashlib.sha256(cart_token.encode()).hexdigest()[:32]
    return "anonymous"


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


# The happy path's two statements, written out: the ORM would compile each on every POST.
_CLAIM = (
    "INSERT INTO core_idempotencyrecord (caller, key, request_fingerprint, created_at,"
    " response_content_type) VALUES (%s, %s, %s, %s, '') RETURNING id"
)
_COMPLETE = (
    "UPDATE core_idempotencyrecord SET completed_at = %s, response_status = %s,"
    " response_body = %s, response_content_type = %s WHERE id = %s"
)


def _begin(caller: str, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """Claim the key: one INSERT on the happy path. A record past RETENTION is deleted only
    when the key is met again (a caller reusing an old key), then claimed afresh."""
    now = clock.now()
    created_at = connection.ops.adapt_datetimefield_value(now)
    for _ in range(2):
        try:
            # Alone, the INSERT is its own transaction (no BEGIN/COMMIT round trips); inside
            # a caller's transaction, a savepoint lets the conflict be caught.
            with (
                transaction.atomic() if connection.in_atomic_block else nullcontext(),
                connection.cursor() as cursor,
            ):
                cursor.execute(_CLAIM, [caller, key, fingerprint, created_at])
                (record_id,) = cursor.fetchone()
            record = IdempotencyRecord(
                pk=record_id,
                caller=caller,
                key=key,
                request_fingerprint=fingerprint,
                created_at=now,
            )
            mark_written(record)
            return record, True
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
            if existing is not None and existing.created_at >= now - RETENTION:
                return existing, False
            if existing is not None:
                IdempotencyRecord.objects.filter(
                    pk=existing.pk, created_at__lt=now - RETENTION
                ).delete()
    return IdempotencyRecord.objects.get(caller=caller, key=key), False


def _complete(record: IdempotencyRecord, response: HttpResponse, body: bytes) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _COMPLETE,
            [
                connection.ops.adapt_datetimefield_value(clock.now()),
                response.status_code,
                body,
                response.get("Content-Type", "application/json"),
                record.pk,
            ],
        )


def on_a_live_connection(write: Callable[[], Any]) -> None:
    """Write the key's outcome, on a new connection if the database ended this one.

    A session ended under a request (a restart, a failover, `pg_terminate_backend`) fails
    every later statement of it; unwritten, the key would answer "in progress" for RETENTION
    and its caller could never learn what became of the request. A new session may be ended
    too (a failover ends them all): a few are tried.
    """
    for attempt in range(1, LIVE_CONNECTION_TRIES + 1):
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if attempt == LIVE_CONNECTION_TRIES or connection.in_atomic_block:
                raise
            if connection.is_usable():
                raise  # the database said no (a timeout, say), not a lost session
            connection.close()  # the next statement opens a new session


def _session_lost(request: HttpRequest) -> HttpResponse:
    """Nothing was done: the key was not even claimed. The next request gets a new session."""
    connection.close()
    response = problem_response(
        status=503,
        code="database-unavailable",
        title="The database connection was lost: try again",
        detail="Nothing was done; send the request again with the same Idempotency-Key.",
        instance=request.path,
    )
    response["Retry-After"] = "1"
    return response


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body or b""),
        status=record.response_status or 200,
        content_type=record.response_content_type or "application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _without(content: bytes, fields: tuple[str, ...]) -> bytes:
    """The JSON answer with `fields` set to null, so that they are never written down."""
    if not fields:
        return content
    try:
        body = json.loads(content)
    except ValueError:
        return content
    if not isinstance(body, dict):
        return content
    secret = body.keys() & set(fields)
    if not secret:
        return content
    return json.dumps({**body, **dict.fromkeys(secret)}).encode()


def idempotent(
    run: Callable[..., HttpResponse], *, never_stored: tuple[str, ...] = ()
) -> Callable[..., HttpResponse]:
    """Wrap a Ninja operation (through `ninja.decorators.decorate_view`)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return run(request, *args, **kwargs)
        if not 1 <= len(key) <= 255:
            return problem_response(
                status=422,
                code="validation-failed",
                title="Some fields are not valid",
                detail="The Idempotency-Key header must be 1 to 255 characters.",
                errors=[{"field": "header.Idempotency-Key", "message": "1 to 255 characters"}],
            )
        fingerprint = _fingerprint(request)
        try:
            record, created = _begin(_caller(request), key, fingerprint)
        except (OperationalError, InterfaceError):
            if connection.is_usable():
                raise
            return _session_lost(request)
        if not created:
            if record.request_fingerprint != fingerprint:
                return problem_response(
                    status=422,
                    code="idempotency-key-reused",
                    title="Idempotency-Key already used for another request",
                    detail="This Idempotency-Key was used with a different request; use a new key.",
                )
            if record.completed_at is None:
                return problem_response(
                    status=409,
                    code="request-in-progress",
                    title="The first request with this Idempotency-Key is still running",
                    detail="Wait for it to finish, then retry to get its response.",
                )
            return _replay(record)
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            on_a_live_connection(record.delete)
            raise
        if response.status_code >= 500 or response.status_code in _NOT_STORED:
            on_a_live_connection(record.delete)
            return response
        stored = _without(response.content, never_stored)
        on_a_live_connection(lambda: _complete(record, response, stored))
        return response

    wrapper.honours_idempotency_key = True  # type: ignore[attr-defined]
    return wrapper


def idempotent_keeping_out(
    *fields: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """`idempotent`, except that these fields of the answer are never stored: a replay has null.

    For a secret shown once, such as a raw API token: keeping the answer 24 h would store the
    secret after all, and a replay would show it a second time.
    """
    return partial(idempotent, never_stored=fields)


def purge_expired_records() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=clock.now() - RETENTION).delete()
    return deleted

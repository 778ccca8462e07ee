"""The REST API: one NinjaAPI at /api/v1, one router per app, errors mapped once."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from comptoir.accounts.api import router as people_router
from comptoir.actors import actor_for_session, actor_for_token
from comptoir.carts.api import router as carts_router
from comptoir.catalog.api import router as catalog_router
from comptoir.core.access import ANONYMOUS, Actor
from comptoir.core.api_edge import no_such_path, unreadable_request
from comptoir.core.errors import CsrfFailed, DomainError
from comptoir.core.idempotency import IDEMPOTENCY_KEY_HEADER, honours_idempotency_key
from comptoir.core.problem import PROBLEM_SCHEMA, problem_answer, problem_response
from comptoir.core.retrying import busy_for
from comptoir.customers.api import router as customers_router
from comptoir.fulfilment.api import router as fulfilment_router
from comptoir.fulfilment.api_checkout import router as checkout_router
from comptoir.integrations.api import router as webhooks_router
from comptoir.integrations.api_feeds import router as feeds_router
from comptoir.inventory.api import router as stock_router
from comptoir.inventory.api_snapshots import router as snapshots_router
from comptoir.locations.api import router as locations_router
from comptoir.notifications.api import router as notifications_router
from comptoir.orders.api import router as orders_router
from comptoir.orders.api_till import router as till_router
from comptoir.returns.api import router as returns_router
from comptoir.shipping.api import router as shipping_router

logger = logging.getLogger(__name__)


class ApiToken(HttpBearer):
    """`Authorization: Bearer cpt_…` for integrations. An unknown token is refused, not ignored."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        return actor_for_token(token)


class Session(APIKeyCookie):
    """The signed-in shopper or staff member (pages and the associate app). CSRF is checked."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Actor | None:
        # CSRF guards a signed-in session. With no one signed in there is nothing to forge, and
        # checking anyway answered 403 "CSRF check Failed" to an integration that forgot its token.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Ninja's own refusal is a bare 403 "CSRF check Failed"; this one says what to send.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed(CsrfFailed.hint)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor = actor_for_session(request)
        return actor if actor.is_authenticated else None


class JsonObjectBodies(Parser):
    """Every request body of this API is a JSON object. Ninja's schemas also read attributes
    off any value (answers are built from model instances), so without this check `[]` or `5`
    passed as a body whose fields all have defaults. Ninja answers 400, as for broken JSON."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = super().parse_body(request)
        if not isinstance(body, dict):
            raise TypeError(f"a request body is a JSON object, not {type(body).__name__}")
        return body


def anonymous(request: HttpRequest) -> Actor:
    """Public operations still go through `authorize`, which refuses what needs a caller."""
    return ANONYMOUS


# What any operation may answer, whatever it does.
EVERY_OPERATION_PROBLEMS = {
    "400": "The request cannot be read (a NUL character, too many query parameters)",
    "404": "No such object, or one the caller may not know of",
    "409": "Conflicts with the current state, or an Idempotency-Key still in progress",
    "422": "Invalid input; `errors` names each field",
    "503": "Too busy to answer now (a lock or statement timed out): retry in a moment",
}
AUTHENTICATED_PROBLEMS = {
    "401": "Not signed in, or the API token is unknown or revoked",
    "403": "The caller's role or store scope does not allow this, or a session's CSRF check failed",
}
BODY_PROBLEMS = {
    "413": "The body is over the size limit (DATA_UPLOAD_MAX_MEMORY_SIZE) or has too many fields",
}


class ComptoirApi(NinjaAPI):
    """Documents, once for every operation, the problem+json answers it can give and the
    Idempotency-Key header where the operation honours it."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        idempotent = self._idempotent_operation_ids()
        for operations in schema["paths"].values():
            for operation in operations.values():
                self._document_problems(operation)
                if operation["operationId"] in idempotent:
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_HEADER)
        return schema

    @staticmethod
    def _document_problems(operation: dict[str, Any]) -> None:
        # Ninja writes its statuses as ints, openapi_extra as strings: one key per status.
        responses = {str(status): answer for status, answer in operation["responses"].items()}
        problems = dict(EVERY_OPERATION_PROBLEMS)
        if operation.get("security"):
            problems.update(AUTHENTICATED_PROBLEMS)
        if "requestBody" in operation:
            problems.update(BODY_PROBLEMS)
        for status, description in problems.items():
            responses.setdefault(status, problem_answer(description))
        operation["responses"] = dict(sorted(responses.items()))

    def _idempotent_operation_ids(self) -> set[str]:
        return {
            operation.operation_id or self.get_openapi_operation_id(operation)
            for bound_router in self._get_bound_routers()  # what the document is built from
            for path_view in bound_router.path_operations.values()
            for operation in path_view.operations
            if honours_idempotency_key(operation.run)
        }


api = ComptoirApi(
    title="comptoir",
    version="1",
    description="Omnichannel commerce hub. Errors are RFC 9457 application/problem+json.",
    auth=[ApiToken(), Session(), anonymous],
    urls_namespace="api-v1",
    parser=JsonObjectBodies(),
    # The document and its page are read, never written: any other method is a 405, and no
    # CSRF check (meant for writes) stands in front of that answer.
    docs_decorator=lambda view: csrf_exempt(require_safe(view)),
)
api.add_router("/locations", locations_router)
api.add_router("/customers", customers_router)
api.add_router("/carts", carts_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/", people_router)
api.add_router("/", stock_router)
api.add_router("/", snapshots_router)
api.add_router("/", catalog_router)
api.add_router("/", feeds_router)
api.add_router("/", orders_router)
api.add_router("/", till_router)
api.add_router("/", fulfilment_router)
api.add_router("/", checkout_router)
api.add_router("/", returns_router)
api.add_router("/", shipping_router)
api.add_router("/", notifications_router)


_FIELD_SOURCES = ("body.", "query.", "path.", "header.")


def _located(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    # Services name an input field as they know it ("timezone"); on the wire every field says
    # where it came from, and a bare name is a field of the request body ("body.timezone").
    located = []
    for error in errors:
        field = error.get("field", "")
        if field and not field.startswith(_FIELD_SOURCES):
            error = {**error, "field": f"body.{field}"}
        located.append(error)
    return located


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return problem_response(
        status=error.status,
        code=error.code,
        title=error.title,
        detail=error.detail,
        errors=_located(error.errors),
        instance=request.path,
    )


def _field_name(location: tuple) -> str:
    # Ninja reports ("body", "payload", "latitude"); callers know the field as body.latitude.
    parts = [str(part) for part in location if part != "payload"]
    return ".".join(parts)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(tuple(item.get("loc", ()))), "message": item.get("msg", "invalid")}
        for item in error.errors
    ]
    return problem_response(
        status=422,
        code="validation-failed",
        title="Some fields are not valid",
        detail="; ".join(f"{e['field']}: {e['message']}" for e in errors) or "Invalid request.",
        errors=errors,
        instance=request.path,
    )


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problem_response(
        status=401,
        code="not-authenticated",
        title="Authentication required",
        detail="Sign in or send an API token.",
        instance=request.path,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem_response(
        status=error.status_code,
        code="http-error",
        title=str(error.message),
        detail=str(error.message),
        instance=request.path,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return no_such_path(request)  # Ninja's root view raises it: /api/v1/ is no operation


@api.exception_handler(SuspiciousOperation)
def unreadable(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    return unreadable_request(request, error)


@api.exception_handler(DatabaseError)
def database_error(request: HttpRequest, error: DatabaseError) -> HttpResponse:
    """A read that lost its connection (or a timeout outside a retried write) is a 503 to
    try again, like the writes' (core/retrying.py); any other database error is a bug."""
    busy = busy_for(error)
    if busy is None:
        return unexpected_error(request, error)
    logger.warning("%s %s: %s", request.method, request.path, error)
    return domain_error(request, busy)


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return problem_response(
        status=500,
        code="internal-error",
        title="Something went wrong on our side",
        detail="The error was logged with this request id; nothing you sent was lost.",
        instance=request.path,
    )

"""The API's edge: every error under /api/ leaves as problem+json, whoever refused the request.

Operations map their errors once (comptoir.api). What happens around an operation is Django's:
no route for the path, a method the route lacks, a body or query string too big to read, a
CSRF refusal. Django answers those with HTML pages (its debug pages when DEBUG is on), which
no API client can parse. This middleware reads what Django would fail on before anything else
does, and turns the HTML refusals it cannot prevent into problem+json (ADR 0026).
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as csrf_failure_page

from .errors import CsrfFailed
from .problem import PROBLEM_CONTENT_TYPE, problem_response

API_PREFIX = "/api/"
_JSON_TYPES = ("application/json", PROBLEM_CONTENT_TYPE)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def unreadable_request(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    """The problem for a request Django refused to read: too big, too many fields, or odd."""
    if isinstance(error, RequestDataTooBig):
        return problem_response(
            status=413,
            code="body-too-large",
            title="The request body is too large",
            detail=f"A request body is read up to {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            instance=request.path,
        )
    if isinstance(error, TooManyFieldsSent | TooManyFilesSent):
        return problem_response(
            status=413,
            code="too-many-fields",
            title="The request body has too many fields",
            detail=f"A form body is read up to {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields"
            f" and {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files.",
            instance=request.path,
        )
    return problem_response(
        status=400,
        code="bad-request",
        title="The request cannot be read",
        detail=str(error),
        instance=request.path,
    )


def _too_many_parameters(request: HttpRequest) -> HttpResponse:
    # The query string is part of the URL, not of the content: 400, not 413.
    return problem_response(
        status=400,
        code="too-many-parameters",
        title="The query string has too many parameters",
        detail=f"A query string is read up to {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters.",
        instance=request.path,
    )


def _unreadable_problem(request: HttpRequest) -> HttpResponse | None:
    """Read the query string and the body now, where a refusal can still be answered as a
    problem: read later (in another middleware), Django would answer its HTML 400 page."""
    try:
        request.GET  # noqa: B018 - parsing it is the point
    except TooManyFieldsSent:
        return _too_many_parameters(request)
    try:
        request.body  # noqa: B018
        request.POST  # noqa: B018 - a form body's fields, counted (a JSON body has none)
    except SuspiciousOperation as error:
        return unreadable_request(request, error)
    return None


def _carries_bearer_token(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def _not_found_detail(request: HttpRequest) -> str:
    bare = request.path.rstrip("/")
    if bare != request.path:
        try:
            resolve(bare)
        except Resolver404:
            pass
        else:
            return f"API paths do not end with a slash: {bare} exists."
    return f"No operation at {request.path}; the operations are listed at /api/v1/openapi.json."


def no_such_path(request: HttpRequest) -> HttpResponse:
    return problem_response(
        status=404,
        code="no-such-path",
        title="No such path",
        detail=_not_found_detail(request),
        instance=request.path,
    )


def _as_problem(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    status = response.status_code
    if status == 404:
        return no_such_path(request)
    if status == 405:
        problem = problem_response(
            status=405,
            code="method-not-allowed",
            title="Method not allowed",
            detail=f"{request.method} is not allowed here; allowed: {response['Allow']}.",
            instance=request.path,
        )
        problem["Allow"] = response["Allow"]
        return problem
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return problem_response(
        status=status,
        code="internal-error" if status >= 500 else "http-error",
        title=phrase,
        detail=phrase if status < 500 else "The error was logged with this request id.",
        instance=request.path,
    )


class ApiEdgeMiddleware:
    """First after the request id: nothing below it may answer an API request with HTML."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            return self.get_response(request)
        refusal = _unreadable_problem(request)
        if refusal is not None:
            return refusal
        if _carries_bearer_token(request):
            # CSRF guards the cookies a browser adds by itself. A browser never adds an
            # Authorization header to a cross-site request (it is not CORS-safelisted), and a
            # bearer token is checked before any session: a bearer call is never forged.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code < 400 or content_type.startswith(_JSON_TYPES):
            return response
        return _as_problem(request, response)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a problem for the API, Django's page for pages."""
    if not is_api_request(request):
        return csrf_failure_page(request, reason=reason)
    return problem_response(
        status=CsrfFailed.status,
        code=CsrfFailed.code,
        title=CsrfFailed.title,
        detail=f"{reason} {CsrfFailed.hint}",
        instance=request.path,
    )

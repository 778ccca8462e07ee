"""One error hierarchy for the whole project, mapped once to problem+json (api.py)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `code` is stable for integrators; `status` is the HTTP status to answer."""

    code = "domain-error"
    status = 400
    title = "The request breaks a business rule"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class ValidationFailed(DomainError):
    code = "validation-failed"
    status = 422
    title = "Some fields are not valid"


class NotFound(DomainError):
    code = "not-found"
    status = 404
    title = "Not found"


class NotAuthenticated(DomainError):
    code = "not-authenticated"
    status = 401
    title = "Authentication required"


class PermissionDenied(DomainError):
    code = "permission-denied"
    status = 403
    title = "Not allowed"


class CsrfFailed(PermissionDenied):
    """A signed-in session's unsafe request came without its CSRF token."""

    code = "csrf-failed"
    title = "CSRF check failed"
    hint = (
        "A signed-in session's unsafe request needs the X-CSRFToken header; an integration "
        "sends its API token (Authorization: Bearer) instead."
    )


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict with the current state"

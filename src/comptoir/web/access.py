"""How a page learns who is asking: the same Actor the API builds, checked by core.access."""

from __future__ import annotations

from django.http import HttpRequest

from comptoir.actors import actor_for_session
from comptoir.core.access import Actor, authorize


def actor_of(request: HttpRequest) -> Actor:
    """The caller, built once per request (the frame and the view both ask)."""
    actor = getattr(request, "comptoir_actor", None)
    if actor is None:
        actor = actor_for_session(request)
        request.comptoir_actor = actor  # type: ignore[attr-defined]
    return actor


def staff_actor(request: HttpRequest, permission: str, *, store_id: int | None = None) -> Actor:
    """The signed-in staff member, if `permission` allows them here; else the login page
    (NotAuthenticated) or a plain refusal (PermissionDenied), both through PlainErrorsMiddleware."""
    actor = actor_of(request)
    authorize(actor, permission, store_id=store_id)
    return actor


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request wants the fragment it swaps in, not the whole page."""
    return request.headers.get("HX-Request") == "true"

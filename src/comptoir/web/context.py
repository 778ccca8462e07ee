"""What every page's frame needs: who is signed in and what they may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import actor_of


def frame(request: HttpRequest) -> dict[str, Any]:
    if request.path.startswith("/api/"):
        return {}
    actor = actor_of(request)
    return {
        "actor": actor,
        "may_use_associate_app": actor.has("stock.sell"),
        "may_use_backoffice": actor.has("backoffice.read"),
        "may_use_inbox": actor.has("service.read"),
    }

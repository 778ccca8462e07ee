from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, include, path, re_path
from django.views.static import serve

from comptoir.api import api
from comptoir.web import views as web_views


def by_first_segment(patterns: list[URLPattern]) -> list:
    """The API's routes grouped under their first path segment, in their order.

    Django tries routes one by one; the API has a hundred and more, so a request to one near
    the end (`holds`) paid for fifty regular expressions. Grouped, it pays for its segment's
    place among a few dozen groups and for the few routes inside.

    A group's prefix keeps the slash (`orders/`), so its routes start after it (`<id>`), as
    Django expects (its check urls.W002 warns of a route that starts with "/"). A route that is
    the bare segment (`orders`) goes in a group of its own under that name; no request can match
    both it and a route under `orders/`, so none matches another route than before.
    """
    groups: dict[str, list[URLPattern]] = {}
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        groups.setdefault(head + slash, []).append(
            path(rest, pattern.callback, pattern.default_args, name=pattern.name)
        )
    return [path(prefix, include(group)) for prefix, group in groups.items()]


api_patterns, api_app_name, api_namespace = api.urls

urlpatterns = [
    path("api/v1/", include((by_first_segment(api_patterns), api_app_name), api_namespace)),
    path("healthz", web_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("comptoir.web.urls")),
]


def media(request: HttpRequest, path: str) -> HttpResponse:
    """A product picture, read from MEDIA_ROOT as it is now (a test may move it)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# Product pictures, served by Django in development, the demo and the tests; in production
# by the web server in front (ADR 0034).
if settings.SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", media, name="media")]

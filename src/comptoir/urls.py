from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, include, path

from comptoir.api import api
from comptoir.web import views as web_views


def by_first_segment(patterns: list[URLPattern]) -> list:
    """The API's routes grouped under their first path segment, in their order.

    Django tries routes one by one; the API has a hundred and more, so a request to one near
    the end (`holds`) paid for fifty regular expressions. Grouped, it pays for its segment's
    place among a few dozen groups and for the few routes inside. No two groups share a first
    segment, so no request can match another route than before.
    """
    groups: dict[str, list[URLPattern]] = {}
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        groups.setdefault(head, []).append(
            path(slash + rest, pattern.callback, pattern.default_args, name=pattern.name)
        )
    return [path(head, include(group)) for head, group in groups.items()]


api_patterns, api_app_name, api_namespace = api.urls

urlpatterns = [
    path("api/v1/", include((by_first_segment(api_patterns), api_app_name), api_namespace)),
    path("healthz", web_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("comptoir.web.urls")),
]
# Product pictures while DEBUG is on (`static()` adds nothing otherwise): ADR 0034.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

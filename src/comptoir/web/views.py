"""Pages. Thin: one selector call, one template."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from comptoir.core.health import health_report
from comptoir.locations.selectors import location_list


def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"stores": location_list().order_by("city")})

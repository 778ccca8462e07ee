"""The health check; the pages live in shop/, associate/ and backoffice/."""

from django.http import HttpRequest, JsonResponse

from comptoir.core.health import health_report


def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)

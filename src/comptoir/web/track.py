"""The public tracking page, reached by the unguessable link in the customer's messages.
Thin: one selector call, one template (the API serves the same data at /api/v1/tracking/).

Its language: `?lang=` when the link or the page's switch says (as the API reads it), else
the one the reader chose on the other pages, else the customer's; statuses are the selector's
words in that language."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from comptoir.shipping.errors import ShipmentNotFound
from comptoir.shipping.selectors import tracking_page

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _language_asked(request: HttpRequest) -> str | None:
    asked = request.GET.get("lang")
    if asked in LANGUAGES:
        return asked
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in LANGUAGES:
        return translation.get_language()
    return None  # the customer's, as the selector knows it


def track_parcel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        page = tracking_page(token=token, language=_language_asked(request))
    except ShipmentNotFound:
        raise Http404("No such parcel.") from None
    with translation.override(page["language"]):
        response = render(request, "web/track.html", page)
    response["Content-Language"] = page["language"]
    response["X-Robots-Tag"] = "noindex"  # a private link must not end up in a search engine
    response["Referrer-Policy"] = "no-referrer"
    return response

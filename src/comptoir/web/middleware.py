"""Two pieces every page shares: the visitor's language, and a plain answer to a refused request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from comptoir.core.errors import DomainError, NotAuthenticated

from .plain_words import plain_words


class ChosenLanguageMiddleware:
    """French unless the visitor chose English with the language switch (its cookie).

    Not the browser's Accept-Language: the retailer is French and its shop speaks French first,
    whatever the machine it is read on; one click switches, and the choice is remembered.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):  # the API answers in English, whatever the cookie
            return self.get_response(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


class PlainErrorsMiddleware:
    """A rule that says no on a page becomes a page that says why, in plain words, never a 500.

    The API maps the same errors to problem+json (comptoir.api); this is its twin for pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request.get_full_path(), reverse("shop:login"))
        message, translated = plain_words(exception)
        return render(
            request,
            "web/error.html",
            {"status": exception.status, "message": message, "translated": translated},
            status=exception.status,
        )

"""Refuse NUL characters at the edge: PostgreSQL cannot store them in text, SQLite can.

Without this, a NUL in a path, a query string or a JSON body reaches the database and the
two engines disagree (PostgreSQL raises, which would surface as a 500).
"""

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse

from .problem import problem_response


class RejectNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote(request.META.get("QUERY_STRING", ""))
        if "\x00" in request.path or "\x00" in query or self._body_has_nul(request):
            return problem_response(
                status=400,
                code="nul-character",
                title="The request contains a NUL character",
                detail="Text fields cannot contain the NUL character (U+0000).",
            )
        return self.get_response(request)

    @staticmethod
    def _body_has_nul(request: HttpRequest) -> bool:
        if request.method not in {"POST", "PUT", "PATCH"}:
            return False
        if request.content_type == "multipart/form-data":
            # An uploaded file (a picture) is bytes, NULs included: only its name and the
            # form's text fields reach a text column. The body is read first so that a later
            # reader of the raw body (an Idempotency-Key's fingerprint) still finds it.
            request.body  # noqa: B018
            texts = [value for _, values in request.POST.lists() for value in values]
            texts += [upload.name or "" for upload in request.FILES.values()]
            return any("\x00" in text for text in texts)
        return b"\x00" in request.body or b"\\u0000" in request.body

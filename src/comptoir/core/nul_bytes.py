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
        body = request.body if request.method in {"POST", "PUT", "PATCH"} else b""
        if "\x00" in request.path or "\x00" in query or b"\x00" in body or b"\\u0000" in body:
            return problem_response(
                status=400,
                code="nul-character",
                title="The request contains a NUL character",
                detail="Text fields cannot contain the NUL character (U+0000).",
            )
        return self.get_response(request)

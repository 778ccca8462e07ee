"""Pages speak French unless the visitor chose English; the choice is a cookie, not a guess."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_first_visit_is_in_french_whatever_the_browser_prefers():
    answer = Client().get("/stores/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="fr">' in answer.content.decode()
    assert "Nos magasins" in answer.content.decode()
    assert answer["Content-Language"] == "fr"


def test_choosing_english_switches_the_pages_and_is_remembered():
    client = Client()

    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/stores/"})
    answer = client.get("/stores/")

    assert chosen.status_code == 302
    assert '<html lang="en">' in answer.content.decode()
    assert "Our stores" in answer.content.decode()


def test_an_unknown_language_in_the_cookie_falls_back_to_french():
    client = Client()
    client.cookies["django_language"] = "xx"

    answer = client.get("/stores/")

    assert '<html lang="fr">' in answer.content.decode()


def test_the_api_is_not_touched_by_the_language_of_pages():
    answer = Client().get("/api/v1/locations/no-such-store")

    assert "Content-Language" not in answer

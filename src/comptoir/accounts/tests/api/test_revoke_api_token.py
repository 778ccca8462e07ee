"""DELETE /api/v1/api-tokens/{id} — a revoked token stops working at once, although every
process remembers the tokens it has seen for a few seconds (docs/operations.md)."""

import time

import pytest

from comptoir.accounts import selectors
from comptoir.accounts.models import ApiToken
from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.core import clock
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

TEAM = "/api/v1/locations/{code}/team"


def test_a_token_revoked_through_the_api_is_refused_on_its_next_request(client):
    store = make_store()
    token, raw = make_api_token("team.read")
    url = TEAM.format(code=store.code)
    assert client.get(url, headers=bearer(raw)).status_code == 200  # now remembered

    client.force_login(make_staff("administrator"))
    assert client.delete(f"/api/v1/api-tokens/{token.pk}").status_code == 200
    client.logout()

    assert client.get(url, headers=bearer(raw)).status_code == 401


def test_a_token_revoked_elsewhere_is_refused_once_its_memory_expires(client, monkeypatch):
    store = make_store()
    token, raw = make_api_token("team.read")
    url = TEAM.format(code=store.code)
    assert client.get(url, headers=bearer(raw)).status_code == 200
    # Another process revokes it: this one is not told.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=clock.now())
    assert client.get(url, headers=bearer(raw)).status_code == 200  # still remembered

    later = time.monotonic() + selectors.TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr("comptoir.core.lookups._clock", lambda: later)

    assert client.get(url, headers=bearer(raw)).status_code == 401

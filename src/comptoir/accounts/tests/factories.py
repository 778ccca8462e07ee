"""Builders for staff members and API tokens, through the accounts services."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import enrol_staff_member, issue_api_token
from comptoir.locations.models import Location

STAFF_PASSWORD = "comptoir-test"
# One persona per role, as in the demo retailer.
PERSONAS = {
    "administrator": ("alice", "Alice", "Bernard"),
    "operations": ("olivier", "Olivier", "Petit"),
    "associate": ("sofia", "Sofia", "Moreau"),
    "agent": ("karim", "Karim", "Haddad"),
}


def make_staff(
    role: str,
    stores: Iterable[Location] = (),
    *,
    username: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> AbstractBaseUser:
    """A staff member with one role, assigned to `stores`; returns the user to sign in as."""
    persona_username, persona_first, persona_last = PERSONAS[role]
    member = enrol_staff_member(
        username=username or persona_username,
        password=STAFF_PASSWORD,
        role=role,
        first_name=first_name or persona_first,
        last_name=last_name or persona_last,
        store_ids=[store.pk for store in stores],
    )
    return member.user


def make_api_token(*scopes: str, name: str = "till-sync") -> tuple[ApiToken, str]:
    """An integration token with exactly `scopes`; returns the row and the raw value."""
    return issue_api_token(name=name, scopes=list(scopes), created_by_id=None)


def bearer(raw_token: str) -> dict[str, str]:
    """The headers an integration sends: `client.get(url, headers=bearer(raw))`."""
    return {"Authorization": f"Bearer {raw_token}"}

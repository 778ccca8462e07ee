"""Who is calling: staff roles and API tokens turned into the parts of an Actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from comptoir.core.access import Role
from comptoir.core.lookups import LookupCache

from .domain import hash_token
from .errors import UnknownApiToken
from .models import ApiToken, StaffMember

STORE_SCOPED_ROLES = {StaffMember.Role.ASSOCIATE}
# A revoked token is refused at once by the process that revoked it, and by every other
# process within this time (docs/operations.md, "API tokens").
TOKEN_CACHE_SECONDS = 10.0
_token_holders = LookupCache("api tokens", ttl_seconds=TOKEN_CACHE_SECONDS, max_entries=10_000)


@dataclass(frozen=True)
class StaffGrant:
    roles: frozenset[Role]
    store_ids: frozenset[int] | None


def staff_grant_for_user(user: AbstractBaseUser | AnonymousUser) -> StaffGrant | None:
    member = (
        StaffMember.objects.filter(user_id=user.pk).prefetch_related("stores").first()
        if user.is_authenticated
        else None
    )
    if member is None:
        return None
    store_ids = (
        frozenset(store.pk for store in member.stores.all())
        if member.role in STORE_SCOPED_ROLES
        else None
    )
    return StaffGrant(roles=frozenset({Role(member.role)}), store_ids=store_ids)


def active_token(raw: str) -> ApiToken:
    token = ApiToken.objects.filter(secret_hash=hash_token(raw), revoked_at__isnull=True).first()
    if token is None:
        raise UnknownApiToken("This API token is unknown or has been revoked.")
    return token


@dataclass(frozen=True)
class TokenHolder:
    token_id: int
    scopes: frozenset[str]


def token_holder(raw: str) -> TokenHolder:
    """The active token's id and scopes, remembered by its hash for TOKEN_CACHE_SECONDS."""
    secret_hash = hash_token(raw)
    holder = _token_holders.get(secret_hash)
    if holder is None:
        token = active_token(raw)
        holder = TokenHolder(token.pk, frozenset(token.scopes))
        _token_holders.put_many({secret_hash: holder})
    return holder


def forget_token(token_id: int) -> None:
    _token_holders.forget_where(lambda holder: holder.token_id == token_id)


def team_of_location(*, location_id: int) -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(stores=location_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def api_token_list() -> QuerySet[ApiToken]:
    return ApiToken.objects.order_by("-created_at")


def staff_list() -> QuerySet[StaffMember]:
    """Every staff member with their role and stores, by name (the back office's team list)."""
    return (
        StaffMember.objects.select_related("user")
        .prefetch_related("stores")
        .order_by("role", "user__last_name", "user__first_name")
    )

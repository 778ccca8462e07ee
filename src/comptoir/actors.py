"""Turn a request into an Actor: an API token, or a signed-in staff member or shopper."""

from __future__ import annotations

from django.http import HttpRequest

from comptoir.accounts.selectors import staff_grant_for_user, token_holder
from comptoir.core.access import ANONYMOUS, Actor, Role
from comptoir.customers.selectors import customer_id_for_user


def actor_for_token(raw_token: str) -> Actor:
    holder = token_holder(raw_token)
    return Actor(token_id=holder.token_id, scopes=holder.scopes)


def actor_for_session(request: HttpRequest) -> Actor:
    user = request.user
    if not user.is_authenticated:
        return ANONYMOUS
    grant = staff_grant_for_user(user)
    roles = set(grant.roles) if grant else set()
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    customer_id = customer_id_for_user(user_id=user.pk)
    if customer_id is not None:
        roles.add(Role.SHOPPER)
    # A superuser made with `createsuperuser` has no staff record: every store, not none.
    store_ids = None if user.is_superuser else (grant.store_ids if grant else frozenset())
    return Actor(
        user_id=user.pk,
        roles=frozenset(roles),
        store_ids=store_ids,
        customer_id=customer_id,
    )

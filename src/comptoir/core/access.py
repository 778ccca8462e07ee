"""Who is asking, and the one object-level permission check every endpoint and page uses.

An `Actor` is built once per request (accounts.selectors) from a session or an API token.
`authorize` is the chokepoint: every API operation and page calls it with the permission it
needs and the store or customer the object belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .errors import NotAuthenticated, NotFound, PermissionDenied


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    OPERATIONS = "operations"
    ASSOCIATE = "associate"
    AGENT = "agent"
    SHOPPER = "shopper"


# Permissions are "<area>.<verb>". Token scopes use the same names.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset({"*"}),
    Role.OPERATIONS: frozenset(
        {
            "locations.read",
            "locations.write",
            "team.read",
            "customers.read",
            "customers.merge",
            "customers.export",
            "customers.erase",
            "webhooks.manage",
            "events.read",
            "stock.read",
            "stock.hold",
            "stock.sell",
            "stock.adjust",
            "stock.configure",
            "catalog.write",
            "feeds.read",
            "orders.read",
            "orders.write",
            "orders.cancel",
            "fulfilment.work",
            "returns.read",
            "returns.write",
            "shipping.read",
            "shipping.manage",
            "backoffice.read",
            "service.read",
        }
    ),
    Role.ASSOCIATE: frozenset(
        {
            "locations.read",
            "team.read",
            "customers.read",
            "customers.write",
            "customers.check_in",
            "carts.read",
            "carts.write",
            "stock.read",
            "stock.hold",
            "stock.sell",
            "stock.adjust",
            "orders.read",
            "orders.write",
            "orders.cancel",
            "fulfilment.work",
            "returns.read",
            "returns.write",
            "shipping.read",
        }
    ),
    Role.AGENT: frozenset(
        {"locations.read", "customers.read", "customers.write", "stock.read", "stock.hold"}
        | {"customers.merge", "customers.export", "carts.read", "carts.write"}
        | {"orders.read", "orders.write", "orders.cancel", "returns.read"}
        | {"shipping.read"}
        # The service inbox: reading conversations, answering them (ADR 0045).
        | {"service.read", "service.write"}
        # The call centre's console (web/service): finding anyone, ordering on their behalf.
        | {"service.console"}
    ),
    # "_own": on their own profile only (see `authorize`).
    Role.SHOPPER: frozenset({"customers.read_own", "customers.write_own", "stock.hold"})
    # Erasure cannot be undone: a shopper asks for it, operations carry it out (export is own).
    | {"customers.export_own", "carts.read_own", "carts.write_own"}
    | {"orders.read_own", "orders.write_own", "orders.cancel_own", "returns.read_own"}
    # Announcing a return of their own units (the store or the warehouse receives them and
    # refunds: "returns.write" stays staff's).
    | {"returns.announce_own"},
}
ALL_PERMISSIONS = frozenset().union(*ROLE_PERMISSIONS.values()) - {"*"}


@dataclass(frozen=True)
class Actor:
    """The caller. `store_ids` None means every store; a set limits store-scoped data."""

    user_id: int | None = None
    roles: frozenset[Role] = frozenset()
    store_ids: frozenset[int] | None = None
    customer_id: int | None = None
    token_id: int | None = None
    scopes: frozenset[str] | None = None
    permissions: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        granted: set[str] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        if self.scopes is not None:  # an API token: its scopes, nothing more
            granted = set(self.scopes)
        object.__setattr__(self, "permissions", frozenset(granted))

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.token_id is not None

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles - {Role.SHOPPER}) or self.token_id is not None

    def has(self, permission: str) -> bool:
        return "*" in self.permissions or permission in self.permissions

    @property
    def caller_key(self) -> str:
        """Stable per caller: scopes idempotency keys and rate limits."""
        if self.token_id is not None:
            return f"token:{self.token_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return "anonymous"


ANONYMOUS = Actor()


def authorize(
    actor: Actor,
    permission: str,
    *,
    store_id: int | None = None,
    customer_id: int | None = None,
) -> None:
    """Raise unless `actor` may use `permission` on an object of this store / customer.

    A shopper asking for another shopper's object gets NotFound, not PermissionDenied:
    they must not learn that it exists. Staff scoped to some stores get PermissionDenied
    for other stores' data, since stores are public knowledge.
    """
    # "customers.read" on one's own profile needs "customers.read_own": the same verb, never
    # another one (reading your profile must not let you erase it).
    own_permission = f"{permission}_own"
    if customer_id is not None and actor.customer_id == customer_id and actor.has(own_permission):
        return
    if not actor.is_authenticated:
        raise NotAuthenticated("Sign in or send an API token to use this.")
    if not actor.has(permission):
        if customer_id is not None and not actor.is_staff_member:
            raise NotFound("No such customer.")
        raise PermissionDenied(f"Your role does not allow {permission!r}.")
    if store_id is not None and actor.store_ids is not None and store_id not in actor.store_ids:
        raise PermissionDenied("This belongs to a store you are not assigned to.")

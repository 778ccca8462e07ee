"""`authorize`, the one permission check: every role, store scoping, own data, tokens. No DB."""

from __future__ import annotations

import pytest

from comptoir.core.access import ALL_PERMISSIONS, ANONYMOUS, Actor, Role, authorize
from comptoir.core.errors import NotAuthenticated, NotFound, PermissionDenied

LYON = 1
PARIS = 2
JEAN = 101
MARIE = 102

# The matrix written out by hand, so that a change to ROLE_PERMISSIONS has to change it too.
PERMISSIONS = [
    "locations.read",
    "locations.write",
    "team.read",
    "customers.read",
    "customers.write",
    "customers.merge",
    "customers.export",
    "customers.erase",
    "customers.check_in",
    "carts.read",
    "carts.write",
    "webhooks.manage",
    "events.read",
    "stock.read",
    "stock.hold",
    "stock.sell",
    "stock.adjust",
    "stock.configure",
    "catalog.write",
    "feeds.read",
    "backoffice.read",
    "tokens.manage",
    "orders.read",
    "orders.write",
    "orders.cancel",
    "fulfilment.work",
    "returns.read",
    "returns.write",
    "shipping.read",
    "shipping.manage",
    "service.read",
    "service.write",
    "service.console",
]
# A shopper's permissions hold on their own data only (see `authorize`).
OWN = {
    "customers.read_own",
    "customers.write_own",
    "customers.export_own",
    "carts.read_own",
    "carts.write_own",
    "orders.read_own",
    "orders.write_own",
    "orders.cancel_own",
    "returns.read_own",
    "returns.announce_own",
}
ALLOWED = {
    Role.ADMINISTRATOR: set(PERMISSIONS),
    Role.OPERATIONS: set(PERMISSIONS)
    - {"tokens.manage", "customers.write", "customers.check_in", "carts.read", "carts.write"}
    - {"service.write", "service.console"},
    Role.ASSOCIATE: {
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
    },
    Role.AGENT: {"locations.read", "customers.read", "customers.write", "stock.read", "stock.hold"}
    | {"customers.merge", "customers.export", "carts.read", "carts.write"}
    | {"orders.read", "orders.write", "orders.cancel", "returns.read", "shipping.read"}
    | {"service.read", "service.write", "service.console"},
    Role.SHOPPER: {"stock.hold"},
}


def staff(role: Role, *, store_ids: set[int] | None = None) -> Actor:
    return Actor(
        user_id=1,
        roles=frozenset({role}),
        store_ids=None if store_ids is None else frozenset(store_ids),
    )


def shopper(customer_id: int = JEAN) -> Actor:
    return Actor(
        user_id=customer_id,
        roles=frozenset({Role.SHOPPER}),
        store_ids=frozenset(),
        customer_id=customer_id,
    )


def token(*scopes: str) -> Actor:
    return Actor(token_id=7, scopes=frozenset(scopes))


def _matrix() -> list:
    return [
        pytest.param(
            role,
            permission,
            permission in ALLOWED[role],
            id=f"{role}_{'may' if permission in ALLOWED[role] else 'may_not'}_{permission}_case",
        )
        for role in Role
        for permission in PERMISSIONS
    ]


def test_the_matrix_names_every_permission_a_role_grants():
    assert set(PERMISSIONS) | OWN == ALL_PERMISSIONS | {"tokens.manage"}


@pytest.mark.parametrize(("role", "permission", "allowed"), _matrix())
def test_each_role_has_exactly_its_permissions(role, permission, allowed):
    actor = shopper() if role is Role.SHOPPER else staff(role)

    if allowed:
        authorize(actor, permission)
    else:
        with pytest.raises(PermissionDenied, match=f"Your role does not allow '{permission}'"):
            authorize(actor, permission)


def test_an_associate_sees_their_own_store():
    authorize(staff(Role.ASSOCIATE, store_ids={LYON}), "team.read", store_id=LYON)


def test_an_associate_is_refused_another_store_with_a_permission_denied():
    with pytest.raises(PermissionDenied) as refused:
        authorize(staff(Role.ASSOCIATE, store_ids={LYON}), "team.read", store_id=PARIS)

    assert refused.value.detail == "This belongs to a store you are not assigned to."
    assert refused.value.status == 403


def test_an_associate_assigned_to_two_stores_sees_both():
    sofia = staff(Role.ASSOCIATE, store_ids={LYON, PARIS})

    authorize(sofia, "team.read", store_id=LYON)
    authorize(sofia, "team.read", store_id=PARIS)


def test_an_associate_assigned_to_no_store_sees_no_store():
    with pytest.raises(PermissionDenied):
        authorize(staff(Role.ASSOCIATE, store_ids=set()), "team.read", store_id=LYON)


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(Role.ADMINISTRATOR, id="administrator_case"),
        pytest.param(Role.OPERATIONS, id="operations_case"),
    ],
)
def test_unscoped_staff_see_every_store(role):
    for store_id in (LYON, PARIS):
        authorize(staff(role), "team.read", store_id=store_id)


def test_being_assigned_to_a_store_does_not_add_permissions_there():
    with pytest.raises(PermissionDenied, match="'locations.write'"):
        authorize(staff(Role.ASSOCIATE, store_ids={LYON}), "locations.write", store_id=LYON)


def test_a_shopper_reads_their_own_profile():
    authorize(shopper(JEAN), "customers.read", customer_id=JEAN)


def test_a_shopper_asking_for_another_shopper_gets_not_found_not_forbidden():
    with pytest.raises(NotFound) as refused:
        authorize(shopper(JEAN), "customers.read", customer_id=MARIE)

    assert refused.value.detail == "No such customer."
    assert refused.value.status == 404


def test_a_shopper_without_a_customer_in_question_is_forbidden():
    with pytest.raises(PermissionDenied):
        authorize(shopper(JEAN), "customers.read")


def test_reading_their_own_profile_does_not_let_a_shopper_do_anything_else_with_it():
    # Regression: the own-data rule granted every "customers.*" permission on oneself.
    with pytest.raises(NotFound):
        authorize(shopper(JEAN), "customers.merge", customer_id=JEAN)


def test_a_shopper_changes_their_own_profile_and_not_another_shoppers():
    authorize(shopper(JEAN), "customers.write", customer_id=JEAN)

    with pytest.raises(NotFound):
        authorize(shopper(JEAN), "customers.write", customer_id=MARIE)


def test_a_signed_in_person_with_neither_role_nor_profile_gets_not_found_for_a_customer():
    with pytest.raises(NotFound):
        authorize(Actor(user_id=5), "customers.read", customer_id=JEAN)


@pytest.mark.parametrize(
    "role",
    [
        pytest.param(Role.AGENT, id="agent_case"),
        pytest.param(Role.ASSOCIATE, id="associate_case"),
        pytest.param(Role.OPERATIONS, id="operations_case"),
    ],
)
def test_customer_facing_staff_read_any_customer(role):
    for customer_id in (JEAN, MARIE):
        authorize(staff(role), "customers.read", customer_id=customer_id)


@pytest.mark.parametrize(
    ("store_id", "customer_id"),
    [
        pytest.param(None, None, id="no_object_case"),
        pytest.param(LYON, None, id="store_object_case"),
        pytest.param(None, JEAN, id="customer_object_case"),
    ],
)
@pytest.mark.parametrize("permission", PERMISSIONS)
def test_anonymous_callers_are_asked_to_authenticate(permission, store_id, customer_id):
    with pytest.raises(NotAuthenticated) as refused:
        authorize(ANONYMOUS, permission, store_id=store_id, customer_id=customer_id)

    assert refused.value.status == 401


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        pytest.param(
            permission, permission in {"locations.read", "team.read"}, id=f"{permission}_case"
        )
        for permission in PERMISSIONS
    ],
)
def test_a_token_may_use_exactly_its_scopes(permission, allowed):
    till_sync = token("locations.read", "team.read")

    if allowed:
        authorize(till_sync, permission, store_id=LYON)
    else:
        with pytest.raises(PermissionDenied):
            authorize(till_sync, permission, store_id=LYON)


def test_a_token_has_its_scopes_and_nothing_from_roles():
    actor = Actor(
        token_id=7, roles=frozenset({Role.ADMINISTRATOR}), scopes=frozenset({"events.read"})
    )

    assert actor.permissions == frozenset({"events.read"})
    with pytest.raises(PermissionDenied):
        authorize(actor, "tokens.manage")


def test_a_token_without_scopes_may_do_nothing():
    with pytest.raises(PermissionDenied):
        authorize(token(), "locations.read")


def test_a_token_without_customers_read_is_forbidden_not_told_not_found():
    with pytest.raises(PermissionDenied):
        authorize(token("locations.read"), "customers.read", customer_id=JEAN)

"""Who may read, assign and resolve which parcel alert (issue 13, #9): the authorisation matrix.

An alert belongs to the stores its parcel leaves from or goes to (the same rule as the queue's
list, `alert_list(store_ids=...)`). Every path that acts on one goes through
`access_alert_by_id`; a refusal changes nothing.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.core.access import Actor, Role
from comptoir.core.errors import NotAuthenticated, PermissionDenied
from comptoir.locations.tests.factories import make_store
from comptoir.shipping.errors import AlertNotFound
from comptoir.shipping.models import ShipmentAlert
from comptoir.shipping.selectors import access_alert_by_id
from comptoir.shipping.services.alerts import check_shipments
from comptoir.shipping.services.shipments import Destination
from comptoir.shipping.tests.factories import make_carriers, make_shipment

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
READ, MANAGE = "shipping.read", "shipping.manage"


def _alert_on_a_lyon_parcel():
    make_carriers()
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    make_shipment(lyon, promised_by=date(2026, 3, 20), now=MONDAY)
    check_shipments(now=MONDAY + timedelta(days=3))
    return ShipmentAlert.objects.get(kind="no_movement"), lyon, paris


def _actor(role, store, stores):
    lyon, paris = stores
    scope = {"own": frozenset({lyon.pk}), "other": frozenset({paris.pk}), "all": None}[store]
    return Actor(user_id=7, roles=frozenset({role}), store_ids=scope)


MATRIX = [
    pytest.param(role, store, permission, allowed, id=f"{role}-{store}-{permission}")
    for role, store, permission, allowed in [
        (Role.OPERATIONS, "own", READ, True),
        (Role.OPERATIONS, "own", MANAGE, True),
        (Role.OPERATIONS, "other", READ, False),
        (Role.OPERATIONS, "other", MANAGE, False),
        (Role.OPERATIONS, "all", READ, True),
        (Role.OPERATIONS, "all", MANAGE, True),
        (Role.ASSOCIATE, "own", READ, True),
        (Role.ASSOCIATE, "own", MANAGE, False),  # associates do not run the queue
        (Role.ASSOCIATE, "other", READ, False),
        (Role.ASSOCIATE, "other", MANAGE, False),
        (Role.AGENT, "all", READ, True),
        (Role.AGENT, "all", MANAGE, False),
        (Role.ADMINISTRATOR, "all", MANAGE, True),
        (Role.SHOPPER, "all", READ, False),
    ]
]


@pytest.mark.parametrize(("role", "store", "permission", "allowed"), MATRIX)
def test_access_to_an_alert(role, store, permission, allowed):
    alert, *stores = _alert_on_a_lyon_parcel()
    actor = _actor(role, store, stores)

    if allowed:
        assert access_alert_by_id(actor, alert.pk, permission=permission).pk == alert.pk
    else:
        with pytest.raises(PermissionDenied):
            access_alert_by_id(actor, alert.pk, permission=permission)


def test_an_alert_reaches_the_store_the_parcel_goes_to():
    make_carriers()
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    to_paris = Destination(
        kind="store", location_id=paris.pk, city="Paris", latitude=48.86, longitude=2.35
    )
    make_shipment(lyon, promised_by=date(2026, 3, 20), now=MONDAY, destination=to_paris)
    check_shipments(now=MONDAY + timedelta(days=3))
    alert = ShipmentAlert.objects.get(kind="no_movement")
    in_paris = Actor(user_id=7, roles=frozenset({Role.OPERATIONS}), store_ids=frozenset({paris.pk}))

    assert access_alert_by_id(in_paris, alert.pk, permission=MANAGE).pk == alert.pk


def test_nobody_signed_in_and_an_unknown_alert():
    alert, *_ = _alert_on_a_lyon_parcel()
    with pytest.raises(NotAuthenticated):
        access_alert_by_id(Actor(), alert.pk, permission=READ)
    with pytest.raises(AlertNotFound):
        access_alert_by_id(Actor(user_id=1, roles=frozenset({Role.OPERATIONS})), 0, permission=READ)


def _act(client, alert, action):
    if action == "assign":
        return client.post(
            f"/api/v1/shipping/alerts/{alert.pk}/assignee",
            {"assignee_id": None},
            content_type="application/json",
        )
    return client.post(
        f"/api/v1/shipping/alerts/{alert.pk}/resolution",
        {"resolution": "found"},
        content_type="application/json",
    )


@pytest.mark.parametrize("action", ["assign", "resolve"])
def test_the_api_asks_the_chokepoint_before_it_acts(client, monkeypatch, action):
    """A store-scoped operations member cannot be signed in today (only associates are
    scoped by the accounts app), so the scope is given to the actor the request carries."""
    alert, lyon, paris = _alert_on_a_lyon_parcel()
    olivier = make_staff("operations", username="olivier")
    ShipmentAlert.objects.filter(pk=alert.pk).update(assignee_id=olivier.pk)
    client.force_login(olivier)
    import comptoir.api

    real = comptoir.api.actor_for_session

    def in_paris_only(request):
        actor = real(request)
        return Actor(user_id=actor.user_id, roles=actor.roles, store_ids=frozenset({paris.pk}))

    monkeypatch.setattr(comptoir.api, "actor_for_session", in_paris_only)

    response = _act(client, alert, action)

    assert response.status_code == 403, response.json()
    alert.refresh_from_db()
    assert (alert.status, alert.assignee_id, alert.resolution) == ("open", olivier.pk, "")


@pytest.mark.parametrize("action", ["take", "resolve"])
def test_the_back_office_page_asks_the_chokepoint_before_it_acts(client, monkeypatch, action):
    alert, lyon, paris = _alert_on_a_lyon_parcel()
    client.force_login(make_staff("operations", username="olivier"))
    import comptoir.web.access

    real = comptoir.web.access.actor_for_session

    def in_paris_only(request):
        actor = real(request)
        return Actor(user_id=actor.user_id, roles=actor.roles, store_ids=frozenset({paris.pk}))

    monkeypatch.setattr(comptoir.web.access, "actor_for_session", in_paris_only)

    response = client.post(
        f"/backoffice/exceptions/{alert.pk}/{action}/", {"resolution": "found it"}, follow=False
    )

    assert response.status_code == 403
    alert.refresh_from_db()
    assert (alert.status, alert.assignee_id, alert.resolution) == ("open", None, "")

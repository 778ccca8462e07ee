import time as time_module
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from comptoir.shipping.domain.alerts import AlertKind as Kind
from comptoir.shipping.domain.alerts import (
    Point,
    closes_incident,
    is_off_route,
    late_after,
    raise_into,
    strongest,
)
from comptoir.shipping.domain.carriers import PriceBand, ServiceTerms, choose_service
from comptoir.shipping.domain.kpis import delivery_figures
from comptoir.shipping.domain.signatures import is_authentic, new_secret, sign
from comptoir.shipping.domain.tracking import TrackingStatus, TrackingUpdate, summarise

CHEAP_SLOW = ServiceTerms(
    1,
    "colisexpress",
    3,
    time(16),
    frozenset({"FR"}),
    (PriceBand(Decimal("5"), Decimal("4.90")),),
    "EUR",
    frozenset(range(6)),
)
DEAR_FAST = ServiceTerms(
    2,
    "rapidpost",
    1,
    time(17),
    frozenset({"FR"}),
    (PriceBand(Decimal("30"), Decimal("9.90")),),
    "EUR",
    frozenset(range(6)),
)
PARIS = ZoneInfo("Europe/Paris")
MONDAY_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def test_the_cheapest_service_that_keeps_the_promise_is_chosen():
    thursday = date(2026, 3, 5)
    chosen = choose_service(
        [DEAR_FAST, CHEAP_SLOW],
        country="FR",
        ready_at=MONDAY_MORNING,
        weight_kg=Decimal("1"),
        promised_by=thursday,
    )
    assert (chosen.carrier_code, chosen.delivered_by) == ("colisexpress", thursday)


def test_a_tighter_promise_takes_the_faster_dearer_service():
    chosen = choose_service(
        [CHEAP_SLOW, DEAR_FAST],
        country="FR",
        ready_at=MONDAY_MORNING,
        weight_kg=Decimal("1"),
        promised_by=date(2026, 3, 3),
    )
    assert chosen.carrier_code == "rapidpost"
    assert chosen.meets_promise


def test_the_preferred_carrier_wins_when_it_keeps_the_promise():
    chosen = choose_service(
        [CHEAP_SLOW, DEAR_FAST],
        country="FR",
        ready_at=MONDAY_MORNING,
        weight_kg=Decimal("1"),
        promised_by=date(2026, 3, 6),
        preferred_carrier="rapidpost",
    )
    assert chosen.carrier_code == "rapidpost"


def test_after_the_cut_off_a_parcel_leaves_the_next_day_and_sunday_does_not_count():
    saturday_evening = datetime(2026, 3, 7, 18, 0, tzinfo=PARIS)
    chosen = choose_service(
        [DEAR_FAST],
        country="FR",
        ready_at=saturday_evening,
        weight_kg=Decimal("1"),
        promised_by=date(2026, 3, 31),
    )
    # Collected Monday (Sunday is not a working day), delivered Tuesday.
    assert (chosen.collected_on, chosen.delivered_by) == (date(2026, 3, 9), date(2026, 3, 10))


def test_too_heavy_or_out_of_zone_parcels_have_no_service():
    assert (
        choose_service(
            [CHEAP_SLOW],
            country="FR",
            ready_at=MONDAY_MORNING,
            weight_kg=Decimal("6"),
            promised_by=date(2026, 3, 9),
        )
        is None
    )
    assert (
        choose_service(
            [CHEAP_SLOW],
            country="DE",
            ready_at=MONDAY_MORNING,
            weight_kg=Decimal("1"),
            promised_by=date(2026, 3, 9),
        )
        is None
    )


def _update(event_id, status, hour):
    return TrackingUpdate(event_id, "T1", status, datetime(2026, 3, 2, hour, tzinfo=UTC))


def test_the_status_is_the_latest_event_by_time_whatever_the_arrival_order():
    events = [
        _update("c", TrackingStatus.DELIVERED, 15),
        _update("a", TrackingStatus.IN_TRANSIT, 9),
        _update("b", TrackingStatus.OUT_FOR_DELIVERY, 11),
    ]
    assert summarise(events).status == TrackingStatus.DELIVERED
    assert summarise(reversed(events)).status == TrackingStatus.DELIVERED


def test_two_scans_in_the_same_second_are_ordered_by_the_journey():
    events = [
        _update("z", TrackingStatus.DELIVERED, 9),
        _update("a", TrackingStatus.OUT_FOR_DELIVERY, 9),
    ]
    assert summarise(events).status == TrackingStatus.DELIVERED


def test_a_hub_near_the_road_is_on_route_and_one_far_away_is_not():
    lyon, paris = Point(45.76, 4.86), Point(48.86, 2.35)
    assert not is_off_route(lyon, paris, Point(47.32, 5.04), detour_km=150)  # Dijon
    assert is_off_route(lyon, paris, Point(48.39, -4.49), detour_km=150)  # Brest


def test_the_promise_holds_until_midnight_where_the_customer_is():
    assert late_after(date(2026, 7, 1), timezone="Europe/Paris") == datetime(
        2026, 7, 1, 22, 0, tzinfo=UTC
    )


def signed_headers(secret: str, *, sent_at: int, body: bytes = b"{}") -> dict[str, str]:
    signature = sign(secret, message_id="msg_1", timestamp=sent_at, body=body)
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(sent_at),
        "webhook-signature": signature,
    }


def test_a_signature_matches_only_its_body_and_secret():
    secret = new_secret()
    now = int(time_module.time())
    headers = signed_headers(secret, sent_at=now)
    assert is_authentic(secret, headers=headers, body=b"{}")
    assert not is_authentic(secret, headers=headers, body=b"{ }")
    assert not is_authentic(new_secret(), headers=headers, body=b"{}")
    assert not is_authentic(secret, headers={**headers, "webhook-timestamp": "nope"}, body=b"{}")


def test_a_signature_among_several_is_enough_and_an_old_one_is_refused():
    secret, old_secret = new_secret(), new_secret()
    now = int(time_module.time())
    headers = signed_headers(secret, sent_at=now)
    rotated = sign(old_secret, message_id="msg_1", timestamp=now, body=b"{}")
    both = {**headers, "webhook-signature": f"{rotated} {headers['webhook-signature']}"}
    assert is_authentic(secret, headers=both, body=b"{}")
    assert is_authentic(old_secret, headers=both, body=b"{}")
    assert not is_authentic(secret, headers=signed_headers(secret, sent_at=now - 600), body=b"{}")


def test_on_time_rate_and_mean_delay_count_late_deliveries_only_in_the_delay():
    deadline = datetime(2026, 3, 4, 23, tzinfo=UTC)
    figures = delivery_figures(
        [
            (datetime(2026, 3, 4, 10, tzinfo=UTC), deadline),
            (datetime(2026, 3, 5, 23, tzinfo=UTC), deadline),
            (datetime(2026, 3, 6, 23, tzinfo=UTC), deadline),
            (datetime(2026, 3, 3, 10, tzinfo=UTC), deadline),
        ]
    )
    assert (figures.delivered, figures.on_time_rate, figures.mean_delay_days) == (4, 0.5, 1.5)


def test_the_strongest_kind_is_the_one_most_likely_to_lose_the_customer_their_parcel():

    assert strongest([Kind.LATE, Kind.NO_MOVEMENT, Kind.LOST]) == Kind.LOST
    assert strongest([Kind.LATE, Kind.NO_MOVEMENT]) == Kind.NO_MOVEMENT
    assert strongest([Kind.RETURNED_TO_SENDER, Kind.NO_MOVEMENT]) == Kind.RETURNED_TO_SENDER
    assert strongest([Kind.LATE, Kind.FAILED_ATTEMPT, Kind.MISROUTED]) == Kind.MISROUTED


def test_raising_into_an_incident_opens_upgrades_or_only_records():

    opened = raise_into((), [Kind.LOST, Kind.NO_MOVEMENT])
    assert opened is not None
    assert (opened.kind, opened.opened, opened.added) == (
        Kind.LOST,
        True,
        (Kind.NO_MOVEMENT, Kind.LOST),
    )
    upgraded = raise_into([Kind.LATE], [Kind.NO_MOVEMENT])
    assert upgraded is not None
    assert (upgraded.kind, upgraded.previous, upgraded.upgraded) == (
        Kind.NO_MOVEMENT,
        Kind.LATE,
        True,
    )
    recorded = raise_into([Kind.LOST], [Kind.LATE])
    assert recorded is not None
    assert (recorded.kind, recorded.upgraded, recorded.added) == (Kind.LOST, False, (Kind.LATE,))
    assert raise_into([Kind.LOST, Kind.LATE], [Kind.LATE]) is None


@pytest.mark.parametrize(
    ("status", "raised", "closes"),
    [
        pytest.param("in_transit", set(), "moved", id="a_plain_scan_case"),
        pytest.param("delivered", set(), "delivered", id="delivered_case"),
        pytest.param("delivered", {"late"}, "delivered", id="delivered_late_case"),
        pytest.param("failed_attempt", {"failed_attempt"}, None, id="a_scan_with_a_problem_case"),
        pytest.param("exception", set(), None, id="an_exception_is_not_movement_case"),
    ],
)
def test_which_newest_scan_closes_the_incident(status, raised, closes):

    scan = TrackingUpdate("e1", "T1", TrackingStatus(status), datetime(2026, 3, 2, tzinfo=UTC))
    assert closes_incident(scan, raised={Kind(k) for k in raised}) == closes

"""Holds: units set aside at one store for one customer, visible to every channel at once."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from comptoir.core import clock
from comptoir.core.combining import Combiner
from comptoir.core.models import mark_written
from comptoir.core.request_id import current_request_id
from comptoir.core.retrying import transaction_retried

from ..domain import HoldLine, lock_order
from ..errors import HoldNotActive, OutOfStock
from ..models import Hold, StockMovement
from .levels import (
    Along,
    Guard,
    HeldLevel,
    HoldOutcome,
    HoldTerms,
    LevelChange,
    apply_level_change,
    hold_levels_at_once,
    hold_one_line_each,
    write_movement,
)
from .stock import check_channel

DEFAULT_HOLD_TTL = timedelta(minutes=30)


def _expires_at(now: datetime, ttl: timedelta | None) -> datetime | None:
    """When a hold placed now for `ttl` expires; None (never) for a hold its owner ends."""
    return None if ttl is None else now + ttl


class HoldAlreadyActive(HoldNotActive):
    code = "hold-already-active"
    title = "This reference already holds this SKU"


@dataclass(frozen=True)
class HoldRequestLine:
    location_id: int
    variant_id: int
    sku: str
    quantity: int


def place_hold(
    *,
    lines: list[HoldRequestLine],
    channel: str,
    reference: str,
    customer_id: int | None = None,
    ttl: timedelta | None = DEFAULT_HOLD_TTL,
    now: datetime | None = None,
    savepoint: bool = True,
) -> list[Hold]:
    """Hold every line or none: all-or-nothing, in one transaction.

    Each level is changed by a conditional UPDATE that takes only units its channel may
    promise (on hand − held − safety stock), so concurrent holds and till sales can never
    oversell. Lines lock their levels in (location, variant) order, so two carts never deadlock.

    A hold expires after `ttl` (inventory's sweep gives its units back). `ttl=None` is for an
    owner that ends its holds by its own rules (an order, for its open lines): such a hold
    never expires.
    """
    return place_holds(
        batches=[(reference, lines)],
        channel=channel,
        customer_id=customer_id,
        ttl=ttl,
        now=now,
        savepoint=savepoint,
    )


@transaction_retried
def place_holds(
    *,
    batches: list[tuple[str, list[HoldRequestLine]]],
    channel: str,
    customer_id: int | None = None,
    ttl: timedelta | None = DEFAULT_HOLD_TTL,
    now: datetime | None = None,
    savepoint: bool = True,
) -> list[Hold]:
    """Hold several references' lines, all or nothing (an order whose SKU is held at two
    locations needs two references: a reference holds a SKU once). On PostgreSQL every line
    is held by one statement (ADR 0007); elsewhere line by line, in lock order.

    `savepoint=False` is for a caller whose transaction fails as a whole with the hold (an
    order): inside a transaction it saves the SAVEPOINT/RELEASE round trips; a failed hold
    then spoils the caller's transaction, which must not go on.
    """
    check_channel(channel)
    now = now or clock.now()
    try:
        return _place_holds(batches, channel, customer_id, _expires_at(now, ttl), now, savepoint)
    except HoldAlreadyActive:
        if connection.in_atomic_block and connection.needs_rollback:
            raise  # the caller's transaction is spoilt: nothing more may be read in it
        replayed = _same_holds_already_active(batches, channel, customer_id)
        if replayed is None:
            raise
        return replayed


def _place_holds(
    batches: list[tuple[str, list[HoldRequestLine]]],
    channel: str,
    customer_id: int | None,
    expires_at: datetime | None,
    now: datetime,
    savepoint: bool,
) -> list[Hold]:
    if connection.vendor == "postgresql":
        held, _ = _hold_in_one_statement(batches, channel, customer_id, expires_at, now, savepoint)
        return [
            _as_hold(line, channel=channel, customer_id=customer_id, expires_at=expires_at, now=now)
            for line in held
        ]
    holds = []
    with transaction.atomic(savepoint=savepoint):
        for reference, lines in batches:
            holds += _hold_line_by_line(lines, channel, reference, customer_id, expires_at, now)
    return holds


def _same_holds_already_active(
    batches: list[tuple[str, list[HoldRequestLine]]], channel: str, customer_id: int | None
) -> list[Hold] | None:
    """The active holds that are exactly these lines (a request sent again: a replay), in
    lock order, or None when the references hold something else (a conflict). Read only
    after a hold was refused, so a hold that goes through pays nothing for it."""
    wanted = {
        (reference, line.location_id, line.variant_id, line.quantity)
        for reference, lines in batches
        for line in lock_order([HoldLine(x.location_id, x.variant_id, x.quantity) for x in lines])
    }
    active = list(
        Hold.objects.filter(
            status=Hold.Status.ACTIVE,
            reference__in={reference for reference, _ in batches},
            variant_id__in={variant for _, _, variant, _ in wanted},
        ).order_by("location_id", "variant_id")
    )
    found = {(h.reference, h.location_id, h.variant_id, h.quantity) for h in active}
    same_terms = all(h.channel == channel and h.customer_id == customer_id for h in active)
    return active if found == wanted and len(active) == len(wanted) and same_terms else None


def place_holds_along(
    *,
    batches: list[tuple[str, list[HoldRequestLine]]],
    channel: str,
    along: Along,
    customer_id: int | None = None,
    ttl: timedelta | None = DEFAULT_HOLD_TTL,
    now: datetime | None = None,
    savepoint: bool = True,
) -> tuple[dict[tuple[int, int], int], Any]:
    """`place_holds` on PostgreSQL, with the caller's own rows (an order's) written by the same
    statement, all or nothing: a short line raises OutOfStock and nothing at all is written.
    Alone, that statement is its own transaction; inside the caller's, it gets a savepoint
    unless `savepoint=False` (the caller rolls back its own on any failure).

    Returns the hold id of each (location id, variant id), and what `along.returning` read.
    """
    check_channel(channel)
    if connection.vendor != "postgresql":
        raise RuntimeError("holding along other rows needs PostgreSQL's data-modifying CTEs")
    now = now or clock.now()
    held, along_result = _hold_in_one_statement(
        batches, channel, customer_id, _expires_at(now, ttl), now, savepoint=savepoint, along=along
    )
    return {(line.location_id, line.variant_id): line.hold_id for line in held}, along_result


def _hold_in_one_statement(
    batches: list[tuple[str, list[HoldRequestLine]]],
    channel: str,
    customer_id: int | None,
    expires_at: datetime | None,
    now: datetime,
    savepoint: bool,
    along: Along | None = None,
) -> tuple[list[HeldLevel], Any]:
    wanted = []
    for reference, lines in batches:
        skus = {(line.location_id, line.variant_id): line.sku for line in lines}
        ordered = lock_order([HoldLine(x.location_id, x.variant_id, x.quantity) for x in lines])
        wanted += [
            HeldLevel(
                x.location_id,
                x.variant_id,
                skus[(x.location_id, x.variant_id)],
                x.quantity,
                reference,
            )
            for x in ordered
        ]
    if along is None and len(wanted) == 1 and not connection.in_atomic_block:
        # A one-line hold on its own: it may go with the same process's other holds of this
        # moment, in one statement (a hot SKU's holds then share its lock and its commit).
        terms = HoldTerms(wanted, channel, customer_id, expires_at, now, current_request_id.get())
        outcome = _holds_of_this_moment.submit(terms)
    else:
        outcome = _hold_alone(
            wanted, channel, customer_id, expires_at, now, savepoint=savepoint, along=along
        )
    if outcome.short:
        line = outcome.short[0]
        raise OutOfStock(
            f"Not enough {line.sku} left to hold {line.quantity}.",
            sku=line.sku,
            location=str(line.location_id),
        )
    return outcome.held, outcome.along


def _hold_alone(
    wanted: list[HeldLevel],
    channel: str,
    customer_id: int | None,
    expires_at: datetime | None,
    now: datetime,
    *,
    savepoint: bool = True,
    along: Along | None = None,
) -> HoldOutcome:
    # Alone, the statement is its own transaction: no BEGIN/COMMIT, the hot rows are unlocked
    # as it ends. Inside the caller's transaction, it joins it.
    joined = (
        transaction.atomic(savepoint=savepoint) if connection.in_atomic_block else nullcontext()
    )
    try:
        with joined:
            return hold_levels_at_once(
                wanted,
                channel=channel,
                customer_id=customer_id,
                expires_at=expires_at,
                now=now,
                along=along,
            )
    except IntegrityError as error:
        if _constraint_of(error) != ONE_ACTIVE_HOLD:
            raise
        raise HoldAlreadyActive(
            f"{wanted[0].reference!r} already holds {_skus(wanted)}; release that hold first."
        ) from None


def hold_together(holds: list[HoldTerms]) -> list[HoldOutcome | Exception]:
    """The one-line holds that threads of this process ask for at the same moment, in one
    statement. A hold that statement could not judge on its own (it might fit without a short
    one before it on its level), or a statement that failed (a reference already holding its
    SKU: nothing was written), is tried again alone, so that each answer is the hold's own.

    A reference holds a SKU once: of the holds of one (reference, variant) in a batch only the
    first goes in the statement; once it is held, the others answer HoldAlreadyActive (for the
    same line, `place_holds` then answers the replay with the first hold), never its answer.

    A hold alone takes the usual statement: PostgreSQL keeps one plan for it, where it plans
    the combined statement anew for each batch (its plan depends on the batch's size)."""
    if len(holds) == 1:
        return [_hold_alone_or_error(holds[0])]
    first_of: dict[tuple[str, int], int] = {}
    for number, terms in enumerate(holds):
        first_of.setdefault(_reference_line(terms), number)
    firsts = sorted(first_of.values())
    answers: dict[int, HoldOutcome | Exception] = dict(
        zip(firsts, _hold_firsts([holds[n] for n in firsts]), strict=True)
    )
    for number, terms in enumerate(holds):
        if number in answers:
            continue
        first = answers[first_of[_reference_line(terms)]]
        if isinstance(first, HoldOutcome) and first.held:
            answers[number] = HoldAlreadyActive(
                f"{terms.lines[0].reference!r} already holds {terms.lines[0].sku}."
            )
        else:
            answers[number] = _hold_alone_or_error(terms)
    return [answers[number] for number in range(len(holds))]


def _reference_line(terms: HoldTerms) -> tuple[str, int]:
    return terms.lines[0].reference, terms.lines[0].variant_id  # ONE_ACTIVE_HOLD's columns


def _hold_firsts(holds: list[HoldTerms]) -> list[HoldOutcome | Exception]:
    if len(holds) == 1:
        return [_hold_alone_or_error(holds[0])]
    try:
        outcomes = hold_one_line_each(holds)
    except IntegrityError:
        return [_hold_alone_or_error(terms) for terms in holds]
    answers: list[HoldOutcome | Exception] = []
    for terms, outcome in zip(holds, outcomes, strict=True):
        line = terms.lines[0]
        if outcome.hold_id is not None:
            answers.append(HoldOutcome([replace(line, hold_id=outcome.hold_id)], []))
        elif outcome.judged_alone:
            answers.append(HoldOutcome([], [line]))
        else:
            answers.append(_hold_alone_or_error(terms))
    return answers


def _hold_alone_or_error(terms: HoldTerms) -> HoldOutcome | Exception:
    token = current_request_id.set(terms.request_id)  # its events carry its own request
    try:
        return _hold_alone(
            terms.lines, terms.channel, terms.customer_id, terms.expires_at, terms.now
        )
    except Exception as error:  # noqa: BLE001 - raised in the thread that asked for this hold
        return error
    finally:
        current_request_id.reset(token)


_holds_of_this_moment: Combiner[HoldTerms, HoldOutcome] = Combiner(
    hold_together, max_wait=settings.HOLD_BATCH_MAX_WAIT_SECONDS
)


ONE_ACTIVE_HOLD = "one_active_hold_per_reference_line"


def _constraint_of(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _skus(lines: list[HeldLevel]) -> str:
    skus = sorted({line.sku for line in lines})
    return skus[0] if len(skus) == 1 else f"one of {', '.join(skus)}"


def _as_hold(
    line: HeldLevel,
    *,
    channel: str,
    customer_id: int | None,
    expires_at: datetime | None,
    now: datetime,
) -> Hold:
    """The row the statement inserted, as the ORM would have returned it."""
    hold = Hold(
        pk=line.hold_id,
        variant_id=line.variant_id,
        location_id=line.location_id,
        quantity=line.quantity,
        status=Hold.Status.ACTIVE,
        channel=channel,
        reference=line.reference,
        customer_id=customer_id,
        expires_at=expires_at,
        created_at=now,
    )
    mark_written(hold)
    return hold


def _hold_line_by_line(
    lines: list[HoldRequestLine],
    channel: str,
    reference: str,
    customer_id: int | None,
    expires_at: datetime | None,
    now: datetime,
) -> list[Hold]:
    skus = {(line.location_id, line.variant_id): line.sku for line in lines}
    ordered = lock_order([HoldLine(x.location_id, x.variant_id, x.quantity) for x in lines])
    holds = []
    for line in ordered:
        sku = skus[(line.location_id, line.variant_id)]
        try:
            # No savepoint: a duplicate aborts the whole hold, which is what we want.
            hold = Hold.objects.create(
                variant_id=line.variant_id,
                location_id=line.location_id,
                quantity=line.quantity,
                channel=channel,
                reference=reference,
                customer_id=customer_id,
                expires_at=expires_at,
                created_at=now,
            )
        except IntegrityError:
            raise HoldAlreadyActive(
                f"{reference!r} already holds {sku}; release that hold first."
            ) from None
        change = LevelChange(
            line.variant_id,
            line.location_id,
            sku,
            held_delta=line.quantity,
            guard=Guard.PROMISABLE,
            need=line.quantity,
            channel=channel,
        )
        write_movement(
            change, kind=StockMovement.Kind.HOLD, now=now, hold_id=hold.pk, reference=reference
        )
        if apply_level_change(change, reason=StockMovement.Kind.HOLD, now=now) is None:
            raise OutOfStock(
                f"Not enough {sku} left to hold {line.quantity}.",
                sku=sku,
                location=str(line.location_id),
            )
        holds.append(hold)
    return holds

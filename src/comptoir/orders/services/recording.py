"""Writing a new order's rows: the order, its holds, its lines, its payment and its event.

All or nothing. On PostgreSQL they are ONE statement: the hold's own statement (ADR 0007)
carries the order's rows along, and writes none of them unless every line is held. Alone, it
is its own transaction: one round trip, no BEGIN/COMMIT, and the stock rows stay locked only
while it runs. On SQLite the ORM writes them in one transaction, holding line by line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from comptoir.core.models import mark_written
from comptoir.core.outbox import record_event
from comptoir.core.request_id import current_request_id
from comptoir.inventory.services.holds import HoldRequestLine, place_holds, place_holds_along
from comptoir.inventory.services.levels import Along

from ..models import Order, OrderLine, Payment, PaymentOperation


@dataclass(frozen=True)
class OrderRows:
    """A new order's rows, built and not yet written: each gets its id as it is written.

    The lines and the payment are not yet tied to the order, nor the lines to their holds;
    the event's payload lacks the order's id."""

    order: Order
    lines: list[OrderLine]  # in line-number order
    payment: Payment
    operations: list[PaymentOperation]  # the payment's ledger: its authorisation, if any
    event_type: str
    event_payload: dict[str, Any]


def write_order(
    rows: OrderRows,
    *,
    holds: list[tuple[str, list[HoldRequestLine]]],
    now: datetime,
    savepoint: bool = True,
) -> None:
    """Write the order, hold `holds` (reference, lines) for it, then its lines (each with the
    hold of its location and variant), its payment and its event: all, or nothing and
    OutOfStock. Inside a caller's transaction, a failure here leaves that transaction usable
    (`savepoint=False`: the caller's own atomic block rolls back on it instead).

    The holds have no expiry (`ttl=None`): they are the order's, kept as long as their
    lines are open, and ended only by its own rules (dispatch, collection, cancellation, the
    payment and collection windows); inventory's expiry sweep leaves them alone."""
    if connection.vendor == "postgresql":
        _write_in_one_statement(rows, holds, now, savepoint=savepoint)
    else:
        _write_with_the_orm(rows, holds, now, savepoint=savepoint)


def _write_with_the_orm(
    rows: OrderRows,
    batches: list[tuple[str, list[HoldRequestLine]]],
    now: datetime,
    *,
    savepoint: bool,
) -> None:
    order = rows.order
    with transaction.atomic(savepoint=savepoint):
        order.save(force_insert=True)
        # In the order's transaction: a short line fails the whole order, so no savepoint is
        # needed around the holds.
        held = place_holds(
            batches=batches,
            channel=order.channel,
            customer_id=order.customer_id,
            ttl=None,  # the order's: no expiry, the order ends it
            now=now,
            savepoint=False,
        )
        _tie(rows, {(hold.location_id, hold.variant_id): hold.pk for hold in held})
        OrderLine.objects.bulk_create(rows.lines)
        rows.payment.save(force_insert=True)
        PaymentOperation.objects.bulk_create(rows.operations)
        record_event(
            rows.event_type,
            aggregate=f"order:{order.pk}",
            payload={**rows.event_payload, "order_id": order.pk},
            now=now,
        )


def _tie(rows: OrderRows, hold_ids: dict[tuple[int, int], int]) -> None:
    for line in rows.lines:
        line.order = rows.order
        line.hold_id = hold_ids[(line.location_id, line.variant_id)]
    rows.payment.order = rows.order
    for operation in rows.operations:
        operation.payment = rows.payment


# Every column of each table is named (a test checks it against the models); each row comes
# as one JSON record, read with the table's own row type. The order is written only if every
# line is held (`verdict`); the other rows hang off it, and each line takes the hold of its
# (location, variant): an order's pieces are distinct pairs.
_ORDER_ROWS = """
, placed_order AS (
    INSERT INTO orders_order (reference, channel, fulfilment_mode, status, customer_id,
                              pickup_location_id, ordered_at_location_id, total, delivery_fee,
                              delivery_option, delivery_slot_starts_at, delivery_slot_ends_at,
                              currency, delivery_address, pickup_code, pickup_code_tries,
                              pickup_code_tried_at, collect_by, created_by,
                              sourcing_explanation, created_at, updated_at)
    SELECT reference, channel, fulfilment_mode, status, customer_id, pickup_location_id,
           ordered_at_location_id, total, delivery_fee, delivery_option,
           delivery_slot_starts_at, delivery_slot_ends_at, currency, delivery_address,
           pickup_code, pickup_code_tries, pickup_code_tried_at, collect_by, created_by,
           sourcing_explanation, created_at, updated_at
      FROM jsonb_populate_record(NULL::orders_order, %(order_row)s::jsonb)
     WHERE (SELECT ok FROM verdict)
    RETURNING id
), placed_line AS (
    INSERT INTO orders_orderline (order_id, line_number, variant_id, sku, quantity, unit_price,
                                  currency, location_id, hold_id, status, returned_quantity,
                                  delivered_at)
    SELECT o.id, l.line_number, l.variant_id, l.sku, l.quantity, l.unit_price, l.currency,
           l.location_id, h.id, l.status, l.returned_quantity, l.delivered_at
      FROM placed_order o
     CROSS JOIN jsonb_populate_recordset(NULL::orders_orderline, %(order_lines)s::jsonb) l
      JOIN hold h ON h.location_id = l.location_id AND h.variant_id = l.variant_id
    RETURNING id, line_number
), placed_payment AS (
    INSERT INTO orders_payment (order_id, method, provider, provider_reference, status, amount,
                                currency, authorised_amount, captured_amount, refunded_amount,
                                payment_link, decline_reason, created_at, updated_at)
    SELECT o.id, p.method, p.provider, p.provider_reference, p.status, p.amount, p.currency,
           p.authorised_amount, p.captured_amount, p.refunded_amount, p.payment_link,
           p.decline_reason, p.created_at, p.updated_at
      FROM placed_order o
     CROSS JOIN jsonb_populate_record(NULL::orders_payment, %(order_payment)s::jsonb) p
    RETURNING id
), placed_operation AS (
    INSERT INTO orders_paymentoperation (payment_id, kind, tender, amount, currency, status,
                                         idempotency_key, provider_reference, failure_reason,
                                         actor, requested_at, finished_at)
    SELECT p.id, op.kind, op.tender, op.amount, op.currency, op.status, op.idempotency_key,
           op.provider_reference, op.failure_reason, op.actor, op.requested_at, op.finished_at
      FROM placed_payment p
     CROSS JOIN jsonb_populate_recordset(NULL::orders_paymentoperation,
                                         %(order_operations)s::jsonb) op
    RETURNING id
), placed_event AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), %(order_event_type)s::text, 'order:' || o.id,
           %(order_event_payload)s::jsonb || jsonb_build_object('order_id', o.id),
           %(order_event_at)s::timestamptz, %(order_request_id)s::text
      FROM placed_order o
)"""
# Read back: the order's id, the payment's, the lines' in line-number order, the operations'.
_ORDER_IDS = (
    "ARRAY[(SELECT id FROM placed_order), (SELECT id FROM placed_payment)]"
    " || ARRAY(SELECT id FROM placed_line ORDER BY line_number)"
    " || ARRAY(SELECT id FROM placed_operation ORDER BY id)"
)


def _write_in_one_statement(
    rows: OrderRows,
    batches: list[tuple[str, list[HoldRequestLine]]],
    now: datetime,
    *,
    savepoint: bool,
) -> None:
    order = rows.order
    hold_ids, ids = place_holds_along(
        batches=batches,
        channel=order.channel,
        customer_id=order.customer_id,
        ttl=None,  # the order's: no expiry, the order ends it
        now=now,
        along=Along(ctes=_ORDER_ROWS, params=_params(rows, now), returning=_ORDER_IDS),
        savepoint=savepoint,
    )
    order.pk = ids[0]
    rows.payment.pk = ids[1]
    line_ids = ids[2 : 2 + len(rows.lines)]
    for line, line_id in zip(rows.lines, line_ids, strict=True):
        line.pk = line_id
    for operation, operation_id in zip(rows.operations, ids[2 + len(rows.lines) :], strict=True):
        operation.pk = operation_id
    _tie(rows, hold_ids)
    mark_written(order, rows.payment, *rows.lines, *rows.operations)
    # No wake-up of the worker of its own: the hold's statement asked for the one per commit.


def _params(rows: OrderRows, now: datetime) -> dict[str, Any]:
    return {
        "order_row": json.dumps(_record(rows.order)),
        "order_lines": json.dumps([_record(line) for line in rows.lines]),
        "order_payment": json.dumps(_record(rows.payment)),
        "order_operations": json.dumps([_record(operation) for operation in rows.operations]),
        "order_event_type": rows.event_type,
        "order_event_payload": json.dumps(rows.event_payload),
        "order_event_at": now,
        "order_request_id": current_request_id.get().strip("-"),
    }


def _record(row: Model) -> dict[str, Any]:
    """The row's columns as a JSON object: amounts as text and times in ISO 8601, which the
    columns read back exactly. JSON columns go as they are, as the ORM would send them."""
    return {
        field.column: _exact(getattr(row, field.attname))
        for field in row._meta.concrete_fields
        if not field.primary_key
    }


def _exact(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value

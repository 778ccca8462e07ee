"""Writing a new order's rows: the order, its holds, its lines, its payment and its event.

All or nothing. On PostgreSQL they are ONE statement: the hold's own statement (ADR 0007)
carries the order's rows along, and writes none of them unless every line is held. Alone, it
is its own transaction: one round trip, no BEGIN/COMMIT, and the stock rows stay locked only
while it runs. On SQLite the ORM writes them in one transaction, holding line by line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from comptoir.core.outbox import record_event
from comptoir.core.request_id import current_request_id
from comptoir.inventory.services.holds import HoldRequestLine, place_holds, place_holds_along
from comptoir.inventory.services.levels import Along

from ..models import Order, OrderLine, Payment


@dataclass(frozen=True)
class OrderRows:
    """A new order's rows, built and not yet written: each gets its id as it is written.

    The lines and the payment are not yet tied to the order, nor the lines to their holds;
    the event's payload lacks the order's id."""

    order: Order
    lines: list[OrderLine]  # in line-number order
    payment: Payment
    event_type: str
    event_payload: dict[str, Any]


def write_order(
    rows: OrderRows,
    *,
    holds: list[tuple[str, list[HoldRequestLine]]],
    hold_ttl: timedelta,
    now: datetime,
) -> None:
    """Write the order, hold `holds` (reference, lines) for it, then its lines (each with the
    hold of its location and variant), its payment and its event: all, or nothing and
    OutOfStock. Inside a caller's transaction, a failure here leaves that transaction usable."""
    if connection.vendor == "postgresql":
        _write_in_one_statement(rows, holds, hold_ttl, now)
    else:
        _write_with_the_orm(rows, holds, hold_ttl, now)


def _write_with_the_orm(
    rows: OrderRows,
    batches: list[tuple[str, list[HoldRequestLine]]],
    hold_ttl: timedelta,
    now: datetime,
) -> None:
    order = rows.order
    with transaction.atomic():
        order.save(force_insert=True)
        # In the order's transaction: a short line fails the whole order, so no savepoint is
        # needed around the holds.
        held = place_holds(
            batches=batches,
            channel=order.channel,
            customer_id=order.customer_id,
            ttl=hold_ttl,
            now=now,
            savepoint=False,
        )
        _tie(rows, {(hold.location_id, hold.variant_id): hold.pk for hold in held})
        OrderLine.objects.bulk_create(rows.lines)
        rows.payment.save(force_insert=True)
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


# Every column of each table is named (a test checks it against the models). The order is
# written only if every line is held (`verdict`); the other rows hang off it, and each line
# takes the hold of its (location, variant): an order's pieces are distinct pairs.
_ORDER_ROWS = """
, placed_order AS (
    INSERT INTO orders_order (reference, channel, fulfilment_mode, status, customer_id,
                              pickup_location_id, ordered_at_location_id, total, delivery_fee,
                              delivery_option, currency, delivery_address, pickup_code,
                              collect_by, created_by, sourcing_explanation, created_at,
                              updated_at)
    SELECT %(order_reference)s::text, %(order_channel)s::text, %(order_mode)s::text,
           %(order_status)s::text, %(order_customer_id)s::bigint,
           %(order_pickup_location_id)s::bigint, %(order_ordered_at_location_id)s::bigint,
           %(order_total)s::numeric, %(order_delivery_fee)s::numeric,
           %(order_delivery_option)s::text, %(order_currency)s::text,
           %(order_delivery_address)s::jsonb, %(order_pickup_code)s::text,
           %(order_collect_by)s::timestamptz, %(order_created_by)s::text,
           %(order_sourcing_explanation)s::jsonb, %(order_created_at)s::timestamptz,
           %(order_updated_at)s::timestamptz
     WHERE (SELECT ok FROM verdict)
    RETURNING id
), placed_line AS (
    INSERT INTO orders_orderline (order_id, line_number, variant_id, sku, quantity, unit_price,
                                  currency, location_id, hold_id, status)
    SELECT o.id, l.line_number, l.variant_id, l.sku, l.quantity, l.unit_price, l.currency,
           l.location_id, h.id, l.status
      FROM placed_order o
     CROSS JOIN unnest(%(line_numbers)s::int[], %(line_variant_ids)s::bigint[],
                       %(line_skus)s::text[], %(line_quantities)s::int[],
                       %(line_unit_prices)s::numeric[], %(line_currencies)s::text[],
                       %(line_location_ids)s::bigint[], %(line_statuses)s::text[])
        AS l(line_number, variant_id, sku, quantity, unit_price, currency, location_id, status)
      JOIN hold h ON h.location_id = l.location_id AND h.variant_id = l.variant_id
    RETURNING id, line_number
), placed_payment AS (
    INSERT INTO orders_payment (order_id, method, provider, provider_reference, status, amount,
                                currency, captured_amount, refunded_amount, payment_link,
                                decline_reason, created_at, updated_at)
    SELECT o.id, %(payment_method)s::text, %(payment_provider)s::text,
           %(payment_provider_reference)s::text, %(payment_status)s::text,
           %(payment_amount)s::numeric, %(payment_currency)s::text,
           %(payment_captured_amount)s::numeric, %(payment_refunded_amount)s::numeric,
           %(payment_link)s::text, %(payment_decline_reason)s::text,
           %(payment_created_at)s::timestamptz, %(payment_updated_at)s::timestamptz
      FROM placed_order o
    RETURNING id
), placed_event AS (
    INSERT INTO core_outboxevent (event_id, type, aggregate, payload, occurred_at, request_id)
    SELECT gen_random_uuid(), %(order_event_type)s::text, 'order:' || o.id,
           %(order_event_payload)s::jsonb || jsonb_build_object('order_id', o.id),
           %(order_event_at)s::timestamptz, %(order_request_id)s::text
      FROM placed_order o
)"""
# Read back: the order's id, the payment's, then the lines' in line-number order.
_ORDER_IDS = (
    "ARRAY[(SELECT id FROM placed_order), (SELECT id FROM placed_payment)]"
    " || ARRAY(SELECT id FROM placed_line ORDER BY line_number)"
)


def _write_in_one_statement(
    rows: OrderRows,
    batches: list[tuple[str, list[HoldRequestLine]]],
    hold_ttl: timedelta,
    now: datetime,
) -> None:
    order = rows.order
    hold_ids, ids = place_holds_along(
        batches=batches,
        channel=order.channel,
        customer_id=order.customer_id,
        ttl=hold_ttl,
        now=now,
        along=Along(ctes=_ORDER_ROWS, params=_params(rows, now), returning=_ORDER_IDS),
    )
    order.pk = ids[0]
    rows.payment.pk = ids[1]
    for line, line_id in zip(rows.lines, ids[2:], strict=True):
        line.pk = line_id
    _tie(rows, hold_ids)
    for row in (order, rows.payment, *rows.lines):
        row._state.adding = False
        row._state.db = connection.alias
    # No wake-up of the worker of its own: the hold's statement asked for the one per commit.


def _params(rows: OrderRows, now: datetime) -> dict[str, Any]:
    order, lines, payment = rows.order, rows.lines, rows.payment
    return {
        "order_reference": order.reference,
        "order_channel": order.channel,
        "order_mode": order.fulfilment_mode,
        "order_status": order.status,
        "order_customer_id": order.customer_id,
        "order_pickup_location_id": order.pickup_location_id,
        "order_ordered_at_location_id": order.ordered_at_location_id,
        "order_total": order.total,
        "order_delivery_fee": order.delivery_fee,
        "order_delivery_option": order.delivery_option,
        "order_currency": order.currency,
        "order_delivery_address": json.dumps(order.delivery_address),
        "order_pickup_code": order.pickup_code,
        "order_collect_by": order.collect_by,
        "order_created_by": order.created_by,
        "order_sourcing_explanation": json.dumps(order.sourcing_explanation),
        "order_created_at": order.created_at,
        "order_updated_at": order.updated_at,
        "line_numbers": [line.line_number for line in lines],
        "line_variant_ids": [line.variant_id for line in lines],
        "line_skus": [line.sku for line in lines],
        "line_quantities": [line.quantity for line in lines],
        "line_unit_prices": [line.unit_price for line in lines],
        "line_currencies": [line.currency for line in lines],
        "line_location_ids": [line.location_id for line in lines],
        "line_statuses": [line.status for line in lines],
        "payment_method": payment.method,
        "payment_provider": payment.provider,
        "payment_provider_reference": payment.provider_reference,
        "payment_status": payment.status,
        "payment_amount": payment.amount,
        "payment_currency": payment.currency,
        "payment_captured_amount": payment.captured_amount,
        "payment_refunded_amount": payment.refunded_amount,
        "payment_link": payment.payment_link,
        "payment_decline_reason": payment.decline_reason,
        "payment_created_at": payment.created_at,
        "payment_updated_at": payment.updated_at,
        "order_event_type": rows.event_type,
        "order_event_payload": json.dumps(rows.event_payload),
        "order_event_at": now,
        "order_request_id": current_request_id.get().strip("-"),
    }

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router
from ninja.decorators import decorate_view

from comptoir.core.access import Actor, authorize
from comptoir.core.answers import json_answer
from comptoir.core.errors import NotFound, ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.core.problem import problem_answer
from comptoir.core.schemas import ROW_ID_MAX
from comptoir.customers.selectors import customer_by_id
from comptoir.locations.selectors import active_location_codes, active_location_ids

from . import selectors
from .models import Order, OrderLine, Payment
from .payments import provider
from .payments.adapter import BadSignature
from .payments.fake import FakePsp
from .schemas import CancellationIn, NotificationOut, OrderIn, OrderOut, PayLinkIn
from .services.lifecycle import cancel_lines, cancel_order
from .services.notifications import receive_payment_notification
from .services.placing import LineRequest, OrderRequest, PaymentRequest, place_order

router = Router(tags=["orders"])
SHOPPER_CHANNELS = {"web", "app"}


def _location_ids(codes: set[str]) -> dict[str, int]:
    found = active_location_ids(codes) if codes else {}
    unknown = sorted(codes - found.keys())
    if unknown:
        raise ValidationFailed(
            f"Unknown location: {', '.join(unknown)}.",
            errors=[{"field": "location", "message": f"unknown: {code}"} for code in unknown],
        )
    return found


def _codes(ids: set[int]) -> dict[int, str]:
    return active_location_codes(ids)


def _order_out(
    order: Order,
    lines: list[OrderLine],
    payment: Payment | None,
    codes: dict[int, str],
    actor: Actor,
) -> dict:
    owner_asks = actor.customer_id is not None and actor.customer_id == order.customer_id
    return {
        "reference": order.reference,
        "channel": order.channel,
        "fulfilment_mode": order.fulfilment_mode,
        "status": order.status,
        "customer_id": order.customer_id,
        "pickup_location": codes.get(order.pickup_location_id or 0),
        "ordered_at_location": codes.get(order.ordered_at_location_id or 0),
        "total": str(order.total),
        "delivery_fee": str(order.delivery_fee),
        "currency": order.currency,
        "collect_by": order.collect_by,
        "pickup_code": (order.pickup_code or None) if owner_asks else None,
        "created_at": order.created_at,
        "sourcing_explanation": order.sourcing_explanation,
        "lines": [
            {
                "line_number": line.line_number,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "currency": line.currency,
                "location": codes.get(line.location_id, ""),
                "status": line.status,
            }
            for line in sorted(lines, key=lambda line: line.line_number)
        ],
        "payment": None
        if payment is None
        else {
            "method": payment.method,
            "status": payment.status,
            "amount": str(payment.amount),
            "authorised_amount": str(payment.authorised_amount),
            "captured_amount": str(payment.captured_amount),
            "refunded_amount": str(payment.refunded_amount),
            "currency": payment.currency,
            "payment_link": payment.payment_link or None,
        },
    }


def _location_ids_of(orders: list[Order]) -> set[int]:
    ids = {line.location_id for order in orders for line in order.lines.all()}
    for order in orders:
        ids |= {i for i in (order.pickup_location_id, order.ordered_at_location_id) if i}
    return ids


def _payment_of(order: Order) -> Payment | None:
    try:
        return order.payment
    except Payment.DoesNotExist:
        return None


def orders_out(orders: list[Order], actor: Actor) -> list[dict]:
    """Several orders in three queries: with their lines and payments prefetched, and one
    lookup of every location code they mention."""
    codes = _codes(_location_ids_of(orders))
    return [
        _order_out(order, list(order.lines.all()), _payment_of(order), codes, actor)
        for order in orders
    ]


def order_out(order: Order, actor: Actor) -> dict:
    return orders_out([order], actor)[0]


@router.post(
    "/orders",
    response={201: OrderOut},
    operation_id="place_order",
    openapi_extra={"responses": {"402": problem_answer("The payment was declined")}},
)
@decorate_view(idempotent)
def place_order_endpoint(request: HttpRequest, payload: OrderIn) -> HttpResponse:
    """Place an order from any channel. Send an `Idempotency-Key`: a retry returns the same
    order. The stock is held at once; a declined card is a 402 and holds nothing."""
    actor: Actor = request.auth
    codes = {line.location for line in payload.lines if line.location}
    codes |= {c for c in (payload.pickup_location, payload.ordered_at_location) if c}
    ids = _location_ids(codes)
    ordered_at = ids.get(payload.ordered_at_location or "")
    if actor.customer_id is not None and not actor.is_staff_member:
        authorize(actor, "orders.write", customer_id=actor.customer_id)
        if payload.channel not in SHOPPER_CHANNELS:
            raise ValidationFailed(
                "A shopper orders on the web or in the app.",
                errors=[{"field": "channel", "message": "web or app"}],
            )
        customer_id = actor.customer_id
    else:
        authorize(actor, "orders.write", store_id=ordered_at)
        selectors.authorize_order_placement(actor, location_ids=ids.values())
        customer_id = payload.customer
    placed = place_order(
        OrderRequest(
            channel=payload.channel,
            fulfilment_mode=payload.fulfilment_mode,
            lines=[
                LineRequest(line.sku, line.quantity, ids.get(line.location or ""))
                for line in payload.lines
            ],
            payment=PaymentRequest(payload.payment.method, payload.payment.card_token or ""),
            customer_id=customer_id,
            pickup_location_id=ids.get(payload.pickup_location or ""),
            ordered_at_location_id=ordered_at,
            delivery_address=payload.delivery_address.dict() if payload.delivery_address else {},
            created_by=actor.caller_key,
            delivery_option=payload.delivery_option or "",
        )
    )
    codes_by_id = {pk: code for code, pk in ids.items()}
    sourced = {line.location_id for line in placed.lines} - codes_by_id.keys()
    if sourced:  # chosen by the sourcing engine
        codes_by_id |= _codes(sourced)
    # Shaped as OrderOut by _order_out; not validated again (core/answers.py).
    return json_answer(
        201, _order_out(placed.order, placed.lines, placed.payment, codes_by_id, actor)
    )


@router.get("/orders", response=list[OrderOut], operation_id="list_my_orders")
def list_my_orders(request: HttpRequest) -> list[dict]:
    """The signed-in shopper's orders, newest first, from every channel."""
    actor: Actor = request.auth
    authorize(actor, "orders.read", customer_id=actor.customer_id or -1)
    orders = list(selectors.orders_of_customer(actor.customer_id or -1)[:50])
    return orders_out(orders, actor)


@router.get(
    "/customers/{customer_id}/orders", response=list[OrderOut], operation_id="list_customer_orders"
)
def list_customer_orders(
    request: HttpRequest,
    customer_id: int = Path(..., ge=1, le=ROW_ID_MAX),  # noqa: B008 - Ninja's idiom
    status: str = Query("open", pattern="^(open|all)$"),  # noqa: B008
) -> list[dict]:
    """A customer's orders from every channel, newest first, beside their profile: the open
    ones by default (awaiting payment, placed, ready, on their way to a store), or `all`.
    Staff who may read orders; a shopper their own (another's is a 404)."""
    actor: Actor = request.auth
    authorize(actor, "orders.read", customer_id=customer_id)
    customer_by_id(customer_id=customer_id)
    if status == "open":
        orders = selectors.open_orders_of_customer(customer_id)
    else:
        orders = selectors.orders_of_customer(customer_id)
    return orders_out(list(orders[:50]), actor)


@router.get("/orders/{reference}", response=OrderOut, operation_id="get_order")
def get_order(request: HttpRequest, reference: str) -> dict:
    actor: Actor = request.auth
    return order_out(selectors.access_order_by_reference(actor, reference), actor)


@router.post("/orders/{reference}/cancellation", response=OrderOut, operation_id="cancel_order")
def cancel_order_endpoint(request: HttpRequest, reference: str, payload: CancellationIn) -> dict:
    """Cancel the whole order, or some lines: their units go back on sale at once."""
    actor: Actor = request.auth
    order = selectors.access_order_by_reference(actor, reference, permission="orders.cancel")
    if payload.lines:
        cancel_lines(order_id=order.pk, line_numbers=payload.lines, reason=payload.reason)
    else:
        cancel_order(order_id=order.pk, reason=payload.reason)
    return order_out(selectors.order_by_reference(reference), actor)


@router.post(
    "/payments/webhooks/{provider_name}",
    response=NotificationOut,
    operation_id="receive_payment_webhook",
    auth=None,
)
def receive_payment_webhook(request: HttpRequest, provider_name: str) -> dict:
    """The PSP tells us how a pending payment ended. Signed; a duplicate changes nothing."""
    try:
        header = provider(provider_name).signature_header
    except LookupError:
        header = ""
    outcome = receive_payment_notification(
        provider_name=provider_name,
        body=request.body,
        signature=request.headers.get(header, "") if header else "",
    )
    return {"outcome": outcome}


@router.post(
    "/fake-psp/links/{token}", response=NotificationOut, operation_id="pay_fake_psp_link", auth=None
)
def pay_fake_psp_link(request: HttpRequest, token: str, payload: PayLinkIn) -> dict:
    """The local fake PSP's payment page: the customer pays the link a call centre sent.
    The fake then sends its signed webhook, delivered here in-process."""
    try:
        body, signature = FakePsp().pay_link(token=token, card_token=payload.card_token)
    except BadSignature:
        raise NotFound("No such payment link.") from None
    outcome = receive_payment_notification(provider_name="fake", body=body, signature=signature)
    return {"outcome": outcome}

from django.http import HttpRequest
from ninja import Router, Status
from ninja.decorators import decorate_view

from comptoir.core.access import Actor, authorize
from comptoir.core.errors import ValidationFailed
from comptoir.core.idempotency import idempotent
from comptoir.locations.selectors import location_list
from comptoir.orders.selectors import access_order_by_reference

from . import selectors, services
from .models import Return
from .schemas import ReturnIn, ReturnOut

router = Router(tags=["returns"])


def _return_out(record: Return) -> dict:
    return {
        "reference": record.reference,
        "order_reference": record.order.reference,
        "method": record.method,
        "location": record.location.code,
        "status": record.status,
        "refund_amount": str(record.refund_amount),
        "currency": record.currency,
        "created_at": record.created_at,
        "lines": [
            {
                "line_number": line.order_line.line_number,
                "sku": line.order_line.sku,
                "quantity": line.quantity,
                "reason": line.reason,
                "sellable": line.sellable,
                "exchange_sku": line.exchange_sku or None,
            }
            for line in record.lines.all()
        ],
    }


@router.post("/returns", response={201: ReturnOut}, operation_id="receive_return")
@decorate_view(idempotent)
def receive_return(request: HttpRequest, payload: ReturnIn) -> Status:
    """Take back units of any order, from any channel, in any store or by post. Sellable
    units are on sale there at once; the refund goes to the original payment."""
    actor: Actor = request.auth
    location_id = location_list().filter(code=payload.location).values_list("pk", flat=True).first()
    if location_id is None:
        raise ValidationFailed(
            f"Unknown location: {payload.location}.",
            errors=[{"field": "location", "message": f"unknown: {payload.location}"}],
        )
    authorize(actor, "returns.write", store_id=location_id)
    order = access_order_by_reference(actor, payload.order, permission="returns.write")
    record = services.receive_return(
        order_id=order.pk,
        location_id=location_id,
        method=payload.method,
        lines=[
            services.ReturnLineRequest(
                line.line_number, line.quantity, line.reason, line.sellable, line.exchange_sku or ""
            )
            for line in payload.lines
        ],
        actor=actor.caller_key,
    )
    return Status(201, _return_out(selectors.return_by_reference(record.reference)))


@router.get("/returns/{reference}", response=ReturnOut, operation_id="get_return")
def get_return(request: HttpRequest, reference: str) -> dict:
    actor: Actor = request.auth
    record = selectors.return_by_reference(reference)
    access_order_by_reference(actor, record.order.reference, permission="returns.read")
    return _return_out(record)

"""A customer's message preferences and the messages sent to them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from comptoir.core.access import authorize
from comptoir.core.pagination import Page, PageLimit, paginate
from comptoir.customers.selectors import customer_by_id

from . import selectors, services
from .schemas import ChannelPreferenceIn, ChannelPreferenceOut, MessageOut

router = Router(tags=["notifications"])


@router.put(
    "/customers/{customer_id}/message-preferences",
    response=ChannelPreferenceOut,
    operation_id="set_message_preferences",
)
def set_message_preferences(
    request: HttpRequest, customer_id: int, payload: ChannelPreferenceIn
) -> dict:
    """The channels the customer wants order updates on. Consent to each is still needed
    (recorded through the customers API); a preference can only narrow it."""
    authorize(request.auth, "customers.write", customer_id=customer_id)
    customer_by_id(customer_id=customer_id)
    preference = services.set_channel_preferences(
        customer_id=customer_id, email=payload.email, sms=payload.sms
    )
    return {"email": preference.email, "sms": preference.sms}


@router.get(
    "/customers/{customer_id}/messages",
    response=Page[MessageOut],
    operation_id="list_customer_messages",
)
def list_customer_messages(
    request: HttpRequest, customer_id: int, cursor: str | None = None, limit: PageLimit = 50
) -> dict:
    """Every message sent or skipped (and why) for this customer, oldest first."""
    authorize(request.auth, "customers.read", customer_id=customer_id)
    customer_by_id(customer_id=customer_id)  # an unknown customer is a 404, not an empty page
    return paginate(selectors.messages_of(customer_id=customer_id), cursor=cursor, limit=limit)

"""Builders for inbox tests: Jean with an order and its parcel, and his emails."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage

from comptoir.customers.models import Customer
from comptoir.customers.tests.factories import make_shopper
from comptoir.locations.tests.factories import make_store
from comptoir.orders.models import Order
from comptoir.shipping.models import Shipment
from comptoir.shipping.services.shipments import create_shipment
from comptoir.shipping.tests.factories import PARIS_HOME, make_carriers

REFERENCE = "CO-JEAN2345"
MONDAY_MORNING = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)  # 10:30 in Paris
_ids = itertools.count(1)


def jean_with_a_parcel(
    *, reference: str = REFERENCE, email: str = "jean.martin@example.fr"
) -> tuple[Customer, Order, Shipment]:
    """Jean, his home-delivery order `reference`, and its parcel with Colis Express."""
    jean = make_shopper(email)
    order = an_order(jean, reference=reference)
    if not Shipment.objects.exists():
        make_carriers()
    parcel = create_shipment(
        origin_location_id=make_store("lyon-part-dieu").pk,
        destination=PARIS_HOME,
        promised_by=date(2026, 3, 12),
        order_id=order.pk,
        order_reference=order.reference,
        customer_id=jean.pk,
        lines=[{"sku": "RETRO-CLOCK", "quantity": 1}],
        preferred_carrier="colisexpress",
        now=MONDAY_MORNING,
    )
    return jean, order, parcel


def an_order(customer: Customer | None, *, reference: str) -> Order:
    return Order.objects.create(
        reference=reference,
        channel="web",
        fulfilment_mode="home_delivery",
        status="dispatched",
        customer_id=customer.pk if customer else None,
        total=Decimal("129.00"),
        currency="EUR",
        created_at=MONDAY_MORNING,
        updated_at=MONDAY_MORNING,
    )


def an_email(
    text: str,
    *,
    sender: str = "Jean Martin <jean.martin@example.fr>",
    subject: str = "Ma commande",
    message_id: str | None = None,
    in_reply_to: str | None = None,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "service@elan.example"
    mail["Subject"] = subject
    mail["Message-ID"] = message_id or f"<mail-{next(_ids)}@example.fr>"
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(text)
    return mail

"""Orders from every channel, their lines and their payments. Persistence only.

No card data is ever stored: a payment keeps the PSP's reference and status, nothing more.
"""

from django.db import models
from django.db.models import F, Q

from comptoir.core.channels import CHANNELS

from .domain import (
    RETURNABLE_LINES,
    FulfilmentMode,
    LineStatus,
    OperationStatus,
    OrderStatus,
    PaymentKind,
    Tender,
    TerminalStatus,
)

MODES = [(mode.value, mode.value.replace("_", " ")) for mode in FulfilmentMode]
STATUSES = [(status.value, status.value.replace("_", " ")) for status in OrderStatus]
LINE_STATUSES = [(status.value, status.value.replace("_", " ")) for status in LineStatus]


class Order(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=20, choices=CHANNELS)
    fulfilment_mode = models.CharField(max_length=24, choices=MODES)
    status = models.CharField(max_length=20, choices=STATUSES)
    customer_id = models.BigIntegerField(null=True, blank=True)
    # Where it is collected (pickup modes); where it was ordered (store channel).
    pickup_location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ordered_at_location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="the lines plus the delivery fee"
    )
    delivery_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    delivery_option = models.CharField(
        max_length=30, blank=True, help_text="the option chosen at checkout, e.g. home_express"
    )
    # The delivery window chosen at checkout (home_time_slot); its tasks and parcels carry it.
    delivery_slot_starts_at = models.DateTimeField(null=True, blank=True)
    delivery_slot_ends_at = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    delivery_address = models.JSONField(default=dict, blank=True)  # personal data
    pickup_code = models.CharField(max_length=6, blank=True)  # personal data: shown once to staff
    # Wrong pickup codes tried lately (domain.PICKUP_CODE_TRIES, then a lockout).
    pickup_code_tries = models.PositiveSmallIntegerField(default=0)
    pickup_code_tried_at = models.DateTimeField(null=True, blank=True)
    collect_by = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=80, blank=True, help_text="who placed it")
    sourcing_explanation = models.JSONField(
        default=list, blank=True, help_text="why its lines come from where they come from"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(delivery_fee__gte=0), name="order_delivery_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(fulfilment_mode__in=["click_and_collect", "reserve_and_collect"])
                | Q(pickup_location__isnull=False),
                name="pickup_order_has_a_store",
            ),
            models.CheckConstraint(
                condition=Q(delivery_slot_starts_at__isnull=True)
                | Q(delivery_slot_ends_at__gt=models.F("delivery_slot_starts_at")),
                name="order_slot_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["customer_id", "-created_at"], name="orders_of_customer"),
            models.Index(fields=["status", "collect_by"], name="orders_by_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    Status = LineStatus  # the line's state machine: domain.LINE_TRANSITIONS

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT)
    sku = models.CharField(max_length=40)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    location = models.ForeignKey(
        "locations.Location", on_delete=models.PROTECT, help_text="where its units are held"
    )
    hold_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LINE_STATUSES, default=LineStatus.OPEN.value)
    returned_quantity = models.PositiveIntegerField(
        default=0, help_text="units of this line received back in a return"
    )
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="collected, delivered, or arrived at the pickup store"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="one_line_number"),
            # A line re-sourced elsewhere is cancelled and a new one opened for the same SKU;
            # a line the sourcing engine splits is one open line per location.
            models.UniqueConstraint(
                fields=["order", "variant", "location"],
                condition=Q(status="open"),
                name="one_open_line_per_sku_and_location",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_not_negative"),
            # No unit comes back twice, and none that never reached the customer.
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="line_returned_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity=0)
                | Q(status__in=[status.value for status in sorted(RETURNABLE_LINES)]),
                name="line_returned_only_once_received",
            ),
        ]


class Payment(models.Model):
    """One payment of an order: at a PSP (its reference there) or at the till. It keeps the
    running sums of its ledger (`PaymentOperation`): authorised, captured, refunded. Each
    succeeded operation moves them with one conditional UPDATE; the CHECKs refuse the rest."""

    class Status(models.TextChoices):
        PENDING = "pending"  # waiting for the PSP's webhook (3-D Secure, a payment link)
        AUTHORISED = "authorised"
        DECLINED = "declined"
        CAPTURED = "captured"
        VOIDED = "voided"
        DUE_AT_PICKUP = "due_at_pickup"  # reserve & collect: paid at the till

    class Method(models.TextChoices):
        CARD = "card"  # a token from the PSP's hosted fields, never the card number
        PAYMENT_LINK = "payment_link"
        AT_PICKUP = "at_pickup"

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="payment")
    method = models.CharField(max_length=16, choices=Method.choices)
    provider = models.CharField(max_length=20)
    provider_reference = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="what the order asks for: its total"
    )
    currency = models.CharField(max_length=3)
    authorised_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="succeeded authorisations (a till capture is authorised as it is taken)",
    )
    captured_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_link = models.URLField(max_length=400, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("captured_amount")),
                name="refund_within_captured",
            ),
            models.CheckConstraint(
                condition=Q(captured_amount__lte=F("amount")), name="capture_within_authorised"
            ),
            models.CheckConstraint(
                condition=Q(captured_amount__lte=F("authorised_amount")),
                name="capture_within_authorisations",
            ),
            models.CheckConstraint(
                condition=Q(authorised_amount__lte=F("amount")),
                name="authorised_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(authorised_amount__gte=0)
                & Q(captured_amount__gte=0)
                & Q(refunded_amount__gte=0),
                name="payment_sums_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["provider", "provider_reference"], name="payment_at_psp")]


class PaymentOperation(models.Model):
    """One movement of money, as a ledger row: recorded `requested` BEFORE the PSP (or the
    till) is asked, with an idempotency key derived from what it is for, then `succeeded` or
    `failed`. A second request with the same key finds this row and does not ask again."""

    Kind = PaymentKind
    Status = OperationStatus

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="operations")
    kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in PaymentKind])
    tender = models.CharField(max_length=14, choices=[(t.value, t.value) for t in Tender])
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=[(s.value, s.value) for s in OperationStatus])
    idempotency_key = models.CharField(max_length=120, unique=True)
    provider_reference = models.CharField(max_length=80, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=80, blank=True, help_text="who asked: the till's associate")
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="operation_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status=OperationStatus.REQUESTED.value, finished_at__isnull=True)
                | (~Q(status=OperationStatus.REQUESTED.value) & Q(finished_at__isnull=False)),
                name="operation_finished_once_answered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="operations_by_status"),
        ]


class TerminalRequest(models.Model):
    """One request to a store's card terminal for a till ticket, recorded before the terminal
    is asked: a hold that no sale came to claim (a timeout, a void the PSP refused) is never
    lost, reconcile lists it, and the same ticket again reuses it (ADR 0041)."""

    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="+")
    ticket = models.CharField(max_length=20)
    attempt = models.PositiveIntegerField()
    reference = models.CharField(max_length=40, help_text="what the terminal was asked under")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=12, choices=[(s.value, s.value.replace("_", " ")) for s in TerminalStatus]
    )
    provider_reference = models.CharField(max_length=80, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    actor = models.CharField(max_length=80, blank=True)
    asked_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "ticket", "attempt"], name="one_terminal_request_per_attempt"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="terminal_request_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "asked_at"], name="terminal_requests_by_status")]


class PaymentNotification(models.Model):
    """A PSP webhook already handled: a duplicate delivery of the same id changes nothing."""

    provider = models.CharField(max_length=20)
    notification_id = models.CharField(max_length=80)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "notification_id"], name="one_notification_per_id"
            )
        ]

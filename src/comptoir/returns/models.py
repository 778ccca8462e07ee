"""Returns of any order, from any channel, received in any store or by post."""

from django.db import models
from django.db.models import Q

from .domain import ReturnStatus


class Return(models.Model):
    class Method(models.TextChoices):
        STORE = "store"
        POST = "post"

    class Status(models.TextChoices):  # the state machine: domain.RETURN_TRANSITIONS
        ANNOUNCED = ReturnStatus.ANNOUNCED.value  # started by the shopper; units not back yet
        RECEIVED = ReturnStatus.RECEIVED.value  # units back; a refund is due (or failed: retry)
        REFUNDING = ReturnStatus.REFUNDING.value  # the refund is claimed; the PSP is asked
        REFUNDED = ReturnStatus.REFUNDED.value  # refunded, or nothing to refund (an exchange)

    reference = models.CharField(max_length=20, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=6, choices=Method.choices)
    location = models.ForeignKey(
        "locations.Location",
        on_delete=models.PROTECT,
        help_text="where the units came back (announced: where they are to come back)",
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    created_by = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField()
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="when the refund was last asked of the PSP"
    )
    # By post: the prepaid label the carrier's adapter made for the shopper's parcel.
    label_carrier = models.CharField(max_length=40, blank=True)
    label_tracking_number = models.CharField(max_length=60, blank=True)
    label = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="refund_not_negative")
        ]


class ReturnLine(models.Model):
    class Reason(models.TextChoices):
        TOO_SMALL = "too_small"
        TOO_BIG = "too_big"
        NOT_AS_DESCRIBED = "not_as_described"
        DAMAGED = "damaged"
        CHANGED_MIND = "changed_mind"
        OTHER = "other"

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    sellable = models.BooleanField(help_text="back on sale at the receiving location")
    exchange_sku = models.CharField(max_length=40, blank=True, help_text="given in exchange")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_positive")
        ]

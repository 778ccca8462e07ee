"""Server-side carts, owned by a profile or by an anonymous token."""

from django.db import models
from django.db.models import Q

from .domain import CartStatus

STATUSES = [(status.value, status.value.capitalize()) for status in CartStatus]


class Cart(models.Model):
    Status = CartStatus

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A secret: whoever holds it reaches the anonymous cart; never logged, never in a URL.
    anonymous_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=CartStatus.OPEN.value)
    channel = models.CharField(max_length=20)  # where it was started
    handoff_code = models.CharField(max_length=8, null=True, blank=True, unique=True)
    handoff_expires_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status="open", customer__isnull=False),
                name="one_open_cart_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(anonymous_token__isnull=False),
                name="a_cart_has_an_owner",
            ),
        ]


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    channel = models.CharField(max_length=20)  # where it was added
    added_by_id = models.IntegerField(null=True, blank=True)  # the associate or agent, if any
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_line_per_sku"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
        ]

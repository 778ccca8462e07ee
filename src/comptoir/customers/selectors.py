"""Reads about customers."""

from django.db.models import QuerySet

from .errors import CustomerNotFound
from .models import Customer, TimelineEntry


def customer_by_id(*, customer_id: int) -> Customer:
    try:
        return Customer.objects.select_related("favourite_location").get(pk=customer_id)
    except Customer.DoesNotExist:
        raise CustomerNotFound("No such customer.") from None


def customer_for_update(*, customer_id: int) -> Customer:
    """The customer, its row locked until the end of the transaction."""
    try:
        return Customer.objects.select_for_update().get(pk=customer_id)
    except Customer.DoesNotExist:
        raise CustomerNotFound("No such customer.") from None


def customer_id_for_user(*, user_id: int) -> int | None:
    return Customer.objects.filter(user_id=user_id).values_list("pk", flat=True).first()


def timeline_of(*, customer_id: int) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(customer_id=customer_id).order_by("-occurred_at", "-id")

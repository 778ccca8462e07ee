"""Stores and warehouses, their opening hours, exceptional closures and services."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import pgettext_lazy


class Location(models.Model):
    class Kind(models.TextChoices):
        STORE = "store", pgettext_lazy("location kind", "Store")
        WAREHOUSE = "warehouse", pgettext_lazy("location kind", "Warehouse")

    code = models.SlugField(max_length=40, unique=True, help_text="e.g. lyon-part-dieu")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STORE)
    street = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=16, blank=True, help_text="E.164, e.g. +33472000000")
    postcode = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="FR")
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)
    timezone = models.CharField(max_length=50, default="Europe/Paris")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="location_geo_point_in_range",
            )
        ]
        # The store locator's bounding-box prefilter reads ranges of latitude, then longitude.
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_geo_point")]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One range of a weekday, in the store's time zone. A day may have several (a lunch break).

    `closes` at or before `opens` means the range runs past midnight (a late opening).
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday"),
            models.CheckConstraint(condition=~Q(opens=F("closes")), name="opening_hours_not_empty"),
            models.UniqueConstraint(
                fields=["location", "weekday", "opens"], name="one_range_opening_at_a_time"
            ),
        ]


class Closure(models.Model):
    """A day when the weekly hours do not apply: closed, or open only from `opens` to `closes`."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="one_closure_per_day"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True)
                | (Q(opens__isnull=False, closes__isnull=False) & ~Q(opens=F("closes"))),
                name="closure_special_hours_complete",
            ),
        ]


class Service(models.TextChoices):
    CLICK_AND_COLLECT = "click_and_collect", pgettext_lazy("store service", "Click and collect")
    RESERVE_AND_COLLECT = (
        "reserve_and_collect",
        pgettext_lazy("store service", "Reserve and collect"),
    )
    SHIP_FROM_STORE = "ship_from_store", pgettext_lazy("store service", "Ship from store")
    RETURNS = "returns", pgettext_lazy("store service", "Returns")


class LocationService(models.Model):
    """A service a store offers; for collection, how long after the order it is ready."""

    Service = Service

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(max_length=30, choices=Service.choices)
    pickup_lead_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "service"], name="one_offer_per_service"),
            models.CheckConstraint(condition=Q(service__in=Service.values), name="known_service"),
            models.CheckConstraint(
                condition=Q(pickup_lead_minutes__lte=7 * 24 * 60), name="pickup_lead_at_most_a_week"
            ),
        ]
        indexes = [models.Index(fields=["service", "location"], name="locations_offering")]

"""Carriers, shipments, their tracking events, alerts and the carrier pickups at stores."""

from django.db import models
from django.db.models import Q

from .domain.alerts import AlertKind, NetworkCalendar
from .domain.tracking import TrackingStatus


def monday_to_saturday() -> list[int]:
    return sorted(NetworkCalendar().weekdays)


class Carrier(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    adapter = models.CharField(max_length=40, default="fake", help_text="see shipping.adapters")
    # The secret the carrier signs its tracking webhooks with (Standard Webhooks, whsec_…).
    webhook_secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    # A carrier without webhooks is asked for its scans by the worker instead.
    polls_tracking = models.BooleanField(default=False)
    # When its network works: the "no movement" and "lost" timers count these hours only.
    working_weekdays = models.JSONField(default=monday_to_saturday, help_text="0 = Monday")
    holiday_country = models.CharField(
        max_length=2, default="FR", blank=True, help_text="whose public holidays it rests on"
    )
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text='e.g. "57"')
    timezone = models.CharField(max_length=40, default="Europe/Paris")

    def __str__(self) -> str:
        return self.name

    def network_calendar(self) -> NetworkCalendar:
        return NetworkCalendar(
            weekdays=frozenset(self.working_weekdays),
            country=self.holiday_country,
            subdivision=self.holiday_subdivision,
            timezone=self.timezone,
        )


class CarrierService(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="services")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    transit_days = models.PositiveSmallIntegerField()
    cutoff = models.TimeField(help_text="local time at the shipping location")
    countries = models.JSONField(default=list, help_text='zones served, e.g. ["FR", "BE"]')
    # [[up_to_kg, price], …] as strings, ascending.
    price_grid = models.JSONField(default=list)
    currency = models.CharField(max_length=3, default="EUR")
    pickup_weekdays = models.JSONField(default=list, help_text="0 = Monday; store collections")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["carrier", "code"], name="one_service_code_per_carrier")
        ]


class CarrierPickup(models.Model):
    """One carrier visit to one store on one day, for every parcel shipped from it that day."""

    class Status(models.TextChoices):
        PLANNED = "planned"
        BOOKED = "booked"
        CANCELLED = "cancelled"

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="pickups")
    location = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    confirmation = models.CharField(max_length=80, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    # What the carrier was told when booking, and told again each time a parcel joins or leaves.
    booked_parcels = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "location", "day"], name="one_pickup_per_carrier_store_day"
            )
        ]


class Shipment(models.Model):
    class DestinationKind(models.TextChoices):
        HOME = "home"
        STORE = "store"

    reference = models.CharField(max_length=40, unique=True)
    # The order lives in another app; shipping keeps its ids only (decoupled, see the ADR).
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    order_reference = models.CharField(max_length=40, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.ForeignKey("locations.Location", on_delete=models.PROTECT, related_name="+")
    destination_kind = models.CharField(max_length=5, choices=DestinationKind.choices)
    destination_location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destination_name = models.CharField(max_length=200, blank=True)  # personal data
    destination_line1 = models.CharField(max_length=200, blank=True)  # personal data
    destination_postcode = models.CharField(max_length=20, blank=True)
    destination_city = models.CharField(max_length=100, blank=True)
    destination_country = models.CharField(max_length=2, default="FR")
    destination_latitude = models.FloatField(null=True, blank=True)
    destination_longitude = models.FloatField(null=True, blank=True)
    lines = models.JSONField(default=list)
    weight_kg = models.DecimalField(max_digits=7, decimal_places=3, default=1)

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="shipments")
    service = models.ForeignKey(CarrierService, on_delete=models.PROTECT, related_name="+")
    tracking_number = models.CharField(max_length=60)
    label = models.TextField(blank=True)
    pickup = models.ForeignKey(
        CarrierPickup, null=True, blank=True, on_delete=models.SET_NULL, related_name="shipments"
    )
    tracking_token = models.CharField(max_length=40, unique=True)

    promised_by = models.DateField()
    # The delivery slot chosen at checkout (from the order, through its store task).
    window_starts_at = models.DateTimeField(null=True, blank=True)
    window_ends_at = models.DateTimeField(null=True, blank=True)
    late_after = models.DateTimeField(help_text="end of the promised day, in UTC")
    estimated_delivery = models.DateField(null=True, blank=True)
    estimated_at = models.DateTimeField(null=True, blank=True, help_text="when the carrier said so")
    status = models.CharField(
        max_length=24, choices=[(s.value, s.value) for s in TrackingStatus], default="info_received"
    )
    status_at = models.DateTimeField()
    last_scan_at = models.DateTimeField(null=True, blank=True)
    # When the scheduled check must next look at this parcel: for "late" (the end of the
    # promised day), and for "no movement" or "lost" (from the last scan, re-armed lazily by
    # the check, so that a scan updates no indexed column). Null: nothing left to watch.
    late_watch_at = models.DateTimeField(null=True, blank=True)
    quiet_deadline = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True, help_text="carriers without webhooks")
    created_at = models.DateTimeField()
    # The fulfilment.dispatched event it was made from: a redelivered event makes nothing new.
    dispatch_event_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="one_tracking_number_per_carrier"
            ),
            models.CheckConstraint(
                condition=~Q(destination_kind="store") | Q(destination_location__isnull=False),
                name="store_destination_names_store",
            ),
        ]
        indexes = [
            models.Index(fields=["late_watch_at"], name="shipment_late_watch"),
            models.Index(fields=["quiet_deadline"], name="shipment_quiet_deadline"),
        ]


class TrackingEvent(models.Model):
    """A carrier scan, stored once: the carrier's own event id is unique per carrier."""

    # No index of their own: (shipment, occurred_at) and (carrier, carrier_event_id) cover
    # every read, and each index is paid on every one of the many inserts.
    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+", db_index=False)
    carrier_event_id = models.CharField(max_length=80)
    status = models.CharField(max_length=24, choices=[(s.value, s.value) for s in TrackingStatus])
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    description = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "carrier_event_id"], name="one_event_per_carrier_event_id"
            )
        ]
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="event_by_shipment")]


class ShipmentAlert(models.Model):
    """A parcel's incident, for operations to handle: every alert raised on the parcel while it
    is open joins it. `kind` is the strongest kind raised (domain.alerts.SEVERITY), `history`
    every kind in the order raised: [{"kind", "at", "detail"}]. At most one is open per parcel."""

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"  # by someone, with what was done
        CLOSED = "closed"  # by the parcel itself: it moved again, or was delivered

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=24, choices=[(k.value, k.value) for k in AlertKind])
    detail = models.CharField(max_length=200, blank=True)
    history = models.JSONField(default=list)
    raised_at = models.DateTimeField()
    upgraded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)
    # Closed by a scan: the scan's time. A resent or late-arriving older scan raises nothing.
    closed_by_scan_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shipment"],
                condition=Q(status="open"),
                name="one_open_incident_per_shipment",
            )
        ]
        indexes = [models.Index(fields=["status", "kind"], name="alert_queue")]

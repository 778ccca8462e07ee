"""One profile per person across channels, and the timeline of what they did."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Customer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    first_name = models.CharField(max_length=100)  # personal data
    last_name = models.CharField(max_length=100)  # personal data
    email = models.EmailField(null=True, blank=True)  # personal data
    phone = models.CharField(max_length=16, null=True, blank=True)  # personal data, E.164
    language = models.CharField(max_length=5, default="fr")
    created_at = models.DateTimeField()
    # The store the shopper sees first: stock, click & collect, the associate who greets them.
    favourite_location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A profile merged into another stays as a tombstone pointing at the survivor.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], name="one_profile_per_email", condition=Q(email__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class TimelineEntry(models.Model):
    """Something the customer did, in some channel. One entry per event: replays are harmless."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=60)
    channel = models.CharField(max_length=20)
    summary = models.CharField(max_length=200)  # the record, in English
    # The event's words that a page needs to say it in the reader's language (SKU, purpose,
    # order reference…): a whitelist of its payload, never a pickup code or a contact.
    details = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    event_id = models.UUIDField(unique=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "-occurred_at"], name="timeline_newest_first")]


class Identity(models.Model):
    """One way to recognise the person: an email, a phone, a loyalty card, an app, a store record.

    Only a verified identity is proof: two profiles can never hold the same verified one.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=254)  # personal data, normalised (domain.normalise_*)
    verified = models.BooleanField(default=False)
    channel = models.CharField(max_length=20)
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=Q(verified=True),
                name="one_profile_per_verified_identity",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "value"], name="an_identity_once_per_profile"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="identity_lookup")]


class ConsentRecord(models.Model):
    """A consent given or withdrawn: append-only, the latest per purpose is in force."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=40)
    granted = models.BooleanField()
    channel = models.CharField(max_length=20)
    method = models.CharField(max_length=40)  # how: "checkbox", "verbal", "unsubscribe_link"…
    recorded_by_id = models.IntegerField(null=True, blank=True)  # the staff user, if any
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["customer", "purpose", "-recorded_at"], name="consent_in_force")
        ]


class Preference(models.Model):
    """A size, sport, category or contact channel: declared by the person or inferred."""

    class Source(models.TextChoices):
        DECLARED = "declared"
        INFERRED = "inferred"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="preferences")
    kind = models.CharField(max_length=30)
    value = models.CharField(max_length=80)
    source = models.CharField(max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "value", "source"], name="a_preference_once"
            )
        ]


class WishlistItem(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="wishlist")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    added_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "variant"], name="wished_once")]


class ProfileMerge(models.Model):
    """The audit of a merge: who merged which profile into which, when and why."""

    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges")
    merged_id = models.IntegerField()
    merged_by_id = models.IntegerField(null=True, blank=True)  # None: matched automatically
    reason = models.CharField(max_length=200)
    moved = models.JSONField(default=dict)  # what followed, counted per kind
    merged_at = models.DateTimeField()


class StoreVisit(models.Model):
    """A check-in at a store, only ever recorded with the in-store-recognition consent."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="store_visits")
    location = models.ForeignKey("locations.Location", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)  # "entrance_qr" | "loyalty_card"
    checked_in_by_id = models.IntegerField(null=True, blank=True)
    checked_in_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["location", "-checked_in_at"], name="visits_in_store_now")]


class DataRequest(models.Model):
    """The log of GDPR exports and erasures; it outlives the profile's personal data."""

    class Kind(models.TextChoices):
        EXPORT = "export"
        ERASURE = "erasure"

    customer_id = models.IntegerField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requested_by_id = models.IntegerField(null=True, blank=True)
    requested_at = models.DateTimeField()

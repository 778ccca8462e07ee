"""Reads about customers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from comptoir.inventory.selectors import availability

from .domain import (
    INFERRED_UNDER,
    PURPOSES,
    IdentityKind,
    InvalidIdentity,
    allowed_by,
    normalise_identity,
)
from .errors import CustomerNotFound
from .models import (
    ConsentRecord,
    Customer,
    Identity,
    Preference,
    StoreVisit,
    TimelineEntry,
    WishlistItem,
)


@dataclass(frozen=True)
class ContactDetails:
    """How to reach a person, for the apps that write to them (check `may_use` first)."""

    customer_id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    language: str  # "fr" | "en"


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


def customer_may_order(*, customer_id: int) -> bool:
    """A profile that exists, was not erased and was not merged into another (order for the
    survivor instead): the only ones an order may name. One indexed probe."""
    return Customer.objects.filter(
        pk=customer_id, erased_at__isnull=True, merged_into__isnull=True
    ).exists()


def customer_may_get_timeline(*, customer_id: int) -> bool:
    """A profile that exists and was not erased (a merged one forwards to its survivor)."""
    return Customer.objects.filter(pk=customer_id, erased_at__isnull=True).exists()


def timeline_of(*, customer_id: int) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(customer_id=customer_id).order_by("-occurred_at", "-id")


def contact_details(*, customer_id: int) -> ContactDetails:
    """Raises CustomerNotFound. An erased profile has no email or phone any more."""
    row = (
        Customer.objects.filter(pk=customer_id)
        .values("first_name", "last_name", "email", "phone", "language")
        .first()
    )
    if row is None:
        raise CustomerNotFound("No such customer.")
    language = row["language"] if row["language"] in {"fr", "en"} else "fr"
    return ContactDetails(
        customer_id=customer_id,
        first_name=row["first_name"],
        last_name=row["last_name"],
        email=row["email"] or None,
        phone=row["phone"] or None,
        language=language,
    )


def consent_in_force(*, customer_id: int, purpose: str) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(customer_id=customer_id, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )


def may_use(*, customer_id: int, purpose: str) -> bool:
    """Whether `purpose` may be used for this person now (`domain.allowed_by`): the latest
    answer decides; never asked is "no", except for order updates, which go unless the person
    opted out. An erased or merged profile: never. Ask it at the moment of use. One query.

    An unknown purpose raises ValueError: a typo must not silently read as "no".
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}; one of {sorted(PURPOSES)}")
    latest = (
        ConsentRecord.objects.filter(customer_id=OuterRef("pk"), purpose=purpose)
        .order_by("-recorded_at", "-id")
        .values("granted")[:1]
    )
    rows = list(
        Customer.objects.filter(pk=customer_id, erased_at__isnull=True, merged_into__isnull=True)
        .annotate(latest=Subquery(latest))
        .values_list("latest", flat=True)
    )
    return bool(rows) and allowed_by(purpose, rows[0])


def consents_in_force(*, customer_id: int) -> dict[str, ConsentRecord | None]:
    """Every purpose with the record in force (None: never asked, so not given)."""
    in_force: dict[str, ConsentRecord | None] = dict.fromkeys(sorted(PURPOSES))
    for record in ConsentRecord.objects.filter(customer_id=customer_id).order_by(
        "recorded_at", "id"
    ):
        in_force[record.purpose] = record
    return in_force


def consent_choices(*, customer_id: int) -> dict[str, bool]:
    """Every purpose and whether it is allowed now, as a form shows it (`domain.allowed_by`:
    order updates until opted out, the rest once given)."""
    return {
        purpose: allowed_by(purpose, record.granted if record else None)
        for purpose, record in consents_in_force(customer_id=customer_id).items()
    }


def consent_history(*, customer_id: int) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(customer_id=customer_id).order_by("-recorded_at", "-id")


def identities_of(*, customer_id: int) -> QuerySet[Identity]:
    return Identity.objects.filter(customer_id=customer_id).order_by("kind", "id")


def customer_by_identity(*, kind: str, value: str) -> Customer | None:
    """The profile a verified identity names; else the only profile an unverified one names.

    Two profiles sharing an unverified value are not the same person: None, never a guess.
    One query: an indexed probe on (kind, value) joined to the profile and its store.
    """
    if kind not in set(IdentityKind):
        return None
    try:
        value = normalise_identity(kind, value)
    except InvalidIdentity:
        return None
    rows = list(
        Identity.objects.filter(kind=kind, value=value, customer__merged_into__isnull=True)
        .select_related("customer__favourite_location")
        .order_by("-verified", "id")[:2]
    )
    if rows and (rows[0].verified or len(rows) == 1):
        return rows[0].customer
    return None


def customer_id_by_identity(*, kind: str, value: str) -> int | None:
    customer = customer_by_identity(kind=kind, value=value)
    return customer.pk if customer else None


def preferences_of(*, customer_id: int) -> QuerySet[Preference]:
    """Declared preferences; inferred ones only while the consent they were inferred under is
    in force (withdrawing it deletes them too: this is the check at the moment of use)."""
    preferences = Preference.objects.filter(customer_id=customer_id)
    if not may_use(customer_id=customer_id, purpose=INFERRED_UNDER):
        preferences = preferences.exclude(source=Preference.Source.INFERRED)
    return preferences.order_by("source", "kind", "value")


def preferences_for_service(*, customer_id: int) -> list[Preference]:
    """What an associate may use to serve the person: their preferences, declared and inferred,
    only while they consent to personalisation (read now, at the moment of use); else none."""
    if not may_use(customer_id=customer_id, purpose=INFERRED_UNDER):
        return []
    return list(preferences_of(customer_id=customer_id))


@dataclass(frozen=True)
class WishedItem:
    sku: str
    product: str
    channel: str
    added_at: datetime
    # Units the store can promise now; None when no store is known to ask about.
    available_at_store: int | None


def wishlist_with_stock(*, customer_id: int, location_id: int | None) -> list[WishedItem]:
    """The wishlist, newest first, with the stock of one store (the associate's, or the
    customer's favourite). Two queries whatever its length."""
    items = list(
        WishlistItem.objects.filter(customer_id=customer_id)
        .select_related("variant__product")
        .order_by("-added_at", "-id")
    )
    stock: dict[str, int] = {}
    if location_id is not None and items:
        figures = availability(
            variant_ids={item.variant.sku: item.variant_id for item in items},
            location_ids=[location_id],
            channel="store",
        )
        stock = {row.sku: row.figures.available for row in figures}
    return [
        WishedItem(
            sku=item.variant.sku,
            product=item.variant.product.name,
            channel=item.channel,
            added_at=item.added_at,
            available_at_store=stock.get(item.variant.sku) if location_id is not None else None,
        )
        for item in items
    ]


@dataclass(frozen=True)
class ShopperInStore:
    customer_id: int
    first_name: str
    last_name: str
    checked_in_at: datetime
    favourite_categories: list[str]
    wishlist_in_stock: list[WishedItem]


IN_STORE_HOURS = 3  # a check-in older than this is a past visit, not someone in the store now


def in_store_now(*, location_id: int, since: datetime) -> list[ShopperInStore]:
    """Who checked in here since `since` and still consents to be recognised, newest first,
    with their favourite categories only while they consent to personalisation.

    Consent is read again now: withdrawing it takes a person off the list at once.
    """
    latest: dict[int, datetime] = {}
    for customer_id, at in StoreVisit.objects.filter(
        location_id=location_id, checked_in_at__gte=since
    ).values_list("customer_id", "checked_in_at"):
        latest[customer_id] = max(at, latest.get(customer_id, at))
    shoppers = []
    for customer in Customer.objects.filter(
        pk__in=latest, erased_at__isnull=True, merged_into__isnull=True
    ):
        if not may_use(customer_id=customer.pk, purpose="in_store_recognition"):
            continue
        # Tastes serve the person only with their personalisation consent, read now.
        categories = list(
            dict.fromkeys(
                preference.value
                for preference in preferences_for_service(customer_id=customer.pk)
                if preference.kind == "category"
            )
        )
        wished = wishlist_with_stock(customer_id=customer.pk, location_id=location_id)
        shoppers.append(
            ShopperInStore(
                customer_id=customer.pk,
                first_name=customer.first_name,
                last_name=customer.last_name,
                checked_in_at=latest[customer.pk],
                favourite_categories=categories,
                wishlist_in_stock=[w for w in wished if (w.available_at_store or 0) > 0],
            )
        )
    return sorted(shoppers, key=lambda s: s.checked_in_at, reverse=True)


@dataclass(frozen=True)
class Arrival:
    """A check-in, as the store's associates hear of it."""

    visit_id: int
    customer_id: int
    first_name: str
    last_name: str
    checked_in_at: datetime


def arrivals_after(
    *,
    location_id: int,
    after_visit_id: int,
    since: datetime,
    late_since: datetime | None = None,
    heard: Collection[int] = (),
) -> list[Arrival]:
    """Check-ins at this store after the visit `after_visit_id` (and since `since`), oldest
    first, of people who still consent to be recognised: the live "just arrived" feed.

    Ids are drawn at insert, not at commit: a check-in can become visible after one with a
    higher id was heard. With `late_since`, check-ins since then are asked again too, less the
    `heard` ones, so such a late commit is still told. One indexed query while nobody arrives;
    consent is read again for each arrival."""
    found = Q(pk__gt=after_visit_id)
    if late_since is not None:
        found |= Q(checked_in_at__gte=late_since)
    visits = list(
        StoreVisit.objects.filter(found, location_id=location_id, checked_in_at__gte=since)
        .exclude(pk__in=list(heard))
        .select_related("customer")
        .order_by("pk")[:50]
    )
    return [
        Arrival(
            visit_id=visit.pk,
            customer_id=visit.customer_id,
            first_name=visit.customer.first_name,
            last_name=visit.customer.last_name,
            checked_in_at=visit.checked_in_at,
        )
        for visit in visits
        if may_use(customer_id=visit.customer_id, purpose="in_store_recognition")
    ]


def visit_ids_since(*, location_id: int, since: datetime, up_to: int) -> set[int]:
    """The check-ins here since `since` up to the visit `up_to`: what a resumed feed has told."""
    return set(
        StoreVisit.objects.filter(
            location_id=location_id, checked_in_at__gte=since, pk__lte=up_to
        ).values_list("pk", flat=True)
    )


def latest_visit_id(*, location_id: int) -> int:
    """The newest check-in at this store (0: none): where a live feed starts listening."""
    return (
        StoreVisit.objects.filter(location_id=location_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def personal_data_of(*, customer_id: int) -> dict[str, Any]:
    """What this app holds on the person, JSON-ready (the GDPR export's customers part)."""
    customer = customer_by_id(customer_id=customer_id)

    def at(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "profile": {
            "id": customer.pk,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "email": customer.email,
            "phone": customer.phone,
            "language": customer.language,
            "created_at": at(customer.created_at),
            "favourite_store": customer.favourite_location.code
            if customer.favourite_location
            else None,
        },
        "identities": [
            {"kind": i.kind, "value": i.value, "verified": i.verified, "added_at": at(i.added_at)}
            for i in identities_of(customer_id=customer_id)
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "channel": c.channel,
                "method": c.method,
                "recorded_at": at(c.recorded_at),
            }
            for c in consent_history(customer_id=customer_id)
        ],
        "preferences": [
            {"kind": p.kind, "value": p.value, "source": p.source}
            for p in preferences_of(customer_id=customer_id)
        ],
        "wishlist": [
            {"sku": w.sku, "channel": w.channel, "added_at": at(w.added_at)}
            for w in wishlist_with_stock(customer_id=customer_id, location_id=None)
        ],
        "timeline": [
            {"kind": t.kind, "channel": t.channel, "summary": t.summary, "at": at(t.occurred_at)}
            for t in timeline_of(customer_id=customer_id)
        ],
        "store_visits": [
            {"store": v.location.code, "method": v.method, "at": at(v.checked_in_at)}
            for v in StoreVisit.objects.filter(customer_id=customer_id).select_related("location")
        ],
    }


def customers_named(*, text: str, limit: int = 20) -> list[Customer]:
    """Open profiles whose first or last name contains `text` (or whose "first last" does),
    by last name: the associate's search by name. Merged and erased profiles are left out."""
    words = text.split()
    if not words:
        return []
    found = Customer.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    for word in words:
        found = found.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(found.order_by("last_name", "first_name", "pk")[:limit])


def customers_by_ids(*, customer_ids: list[int]) -> list[Customer]:
    """These open profiles with their favourite store, in the order given: one query."""
    found = {
        customer.pk: customer
        for customer in Customer.objects.filter(
            pk__in=customer_ids, merged_into__isnull=True, erased_at__isnull=True
        ).select_related("favourite_location")
    }
    return [found[pk] for pk in customer_ids if pk in found]

"""The demo retailer, Élan Sport & Tech: a French sport-and-electronics chain.

Built through the services (never fixtures with primary keys), deterministic for a given seed,
and idempotent: loading it twice adds nothing. Each capability adds its own part here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from faker import Faker

from comptoir.accounts.services import enrol_staff_member
from comptoir.carts.selectors import cart_view
from comptoir.carts.services import add_line, cart_of_customer, issue_handoff_code
from comptoir.catalog.models import Variant
from comptoir.core import clock
from comptoir.core.models import OutboxEvent
from comptoir.core.outbox import Event
from comptoir.customers.models import Customer
from comptoir.customers.services import (
    add_identity,
    add_to_wishlist,
    choose_favourite_store,
    record_consent,
    record_customer_profile,
    register_shopper,
)
from comptoir.demo.catalogue import load_catalogue, load_stock
from comptoir.demo.orders import load_orders
from comptoir.demo.shipping import load_carriers
from comptoir.demo.stores import DEFAULT_STORE_COUNT, load_locations
from comptoir.fulfilment.services import cancel_unpaid_orders, expire_uncollected
from comptoir.inventory.services.releases import EXPIRY_BATCH, expire_holds
from comptoir.locations.models import Location
from comptoir.notifications.services import leave_untold

DEMO_PASSWORD = "comptoir-demo"  # noqa: S105 - printed by `make demo`, local only


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    note: str


STAFF = [
    ("admin", "administrator", "Alice", "Bernard", [], "everything, and /admin/"),
    ("ops", "operations", "Olivier", "Petit", [], "catalogue, stock, carriers, alerts"),
    ("associate.lyon", "associate", "Sofia", "Moreau", ["lyon-part-dieu"], "Lyon Part-Dieu only"),
    ("agent", "agent", "Karim", "Haddad", [], "customer service"),
]
JEAN = {"email": "jean.martin@example.fr", "first_name": "Jean", "last_name": "Martin"}
JEAN_CARD = "ELAN-0000-0042"
# What the call centre finds him by (ARCEP's fiction block, 06 39 98, is not a number the
# phone check accepts: this one is merely unlikely).
JEAN_PHONE = "+33699000042"
JEAN_CART_SKU = "JACKET-TRAIL-M"
# The hand-off code `make demo` prints must open Jean's cart for as long as the demo runs.
DEMO_LIFETIME = timedelta(days=365)
UNTOLD = "demo history: loaded, not lived"


def load(
    *,
    seed: int = 42,
    customers: int = 1000,
    stores: int = DEFAULT_STORE_COUNT,
    skus: int = 2000,
    range_percent: int | None = None,
) -> list[DemoLogin]:
    """Load (or complete) the demo retailer. Returns the demo logins to print.

    `range_percent` is the share of SKUs each store stocks; by default most of a small
    catalogue and a realistic few percent of a large one.
    """
    rng = random.Random(seed)
    history_from = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _load_locations(stores)
    load_catalogue(skus=skus, seed=seed)
    load_stock(seed=seed, range_percent=range_percent or (60 if skus <= 5000 else 6))
    load_carriers()
    logins = _load_staff()
    logins.append(_load_jean())
    _load_customers(customers, rng=rng, seed=seed)
    if customers:  # no shoppers (the benchmarks' load), no orders
        load_orders(seed=seed)
        _catch_up_with_the_clock()
    _leave_history_untold(after_event=history_from)
    return logins


def _leave_history_untold(*, after_event: int) -> None:
    """The demo's months of orders did not happen to anyone: the worker must not email their
    confirmations, parcels and refunds on its first start. Their messages are recorded as
    skipped (the message log says why), and the outbox delivers the events as usual."""
    rows = OutboxEvent.objects.filter(pk__gt=after_event).order_by("pk")
    leave_untold(events=(Event.from_row(row) for row in rows.iterator()), reason=UNTOLD)


def _catch_up_with_the_clock() -> None:
    """The demo's orders were placed in the past: do now what the worker's sweeps would have
    done since (payment links nobody paid cancelled, reservations nobody collected given back,
    holds past their time released), so that `comptoir reconcile` finds the demo clean before
    the worker has even started."""
    now = clock.now()
    expire_uncollected(now=now)
    cancel_unpaid_orders(now=now)
    while expire_holds(now=now) == EXPIRY_BATCH:
        pass


def _load_locations(store_count: int) -> None:
    """Stores in the biggest French towns, two warehouses: see comptoir.demo.stores."""
    load_locations(store_count)


def _load_staff() -> list[DemoLogin]:
    logins = []
    for username, role, first, last, store_codes, note in STAFF:
        store_ids = list(Location.objects.filter(code__in=store_codes).values_list("pk", flat=True))
        enrol_staff_member(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@elan-demo.fr",
            store_ids=store_ids,
        )
        logins.append(DemoLogin(username, role, note))
    return logins


def _load_jean() -> DemoLogin:
    jean = Customer.objects.filter(email=JEAN["email"]).first()
    if jean is None:
        jean = register_shopper(password=DEMO_PASSWORD, channel="app", **JEAN)
        add_identity(customer_id=jean.pk, kind="loyalty_card", value=JEAN_CARD, channel="store")
        for purpose in ("marketing_email", "personalisation", "in_store_recognition"):
            record_consent(
                customer_id=jean.pk, purpose=purpose, granted=True, channel="app", method="checkbox"
            )
    if not jean.phone:  # what the call centre finds him by
        add_identity(
            customer_id=jean.pk, kind="phone", value=JEAN_PHONE, channel="app", confirmed=True
        )
    store = Location.objects.filter(kind="store", is_active=True).order_by("pk")
    favourite = store.filter(code="lyon-part-dieu").first() or store.first()
    if favourite is not None:
        choose_favourite_store(customer_id=jean.pk, location_code=favourite.code)
    code = _jeans_cart_in_progress(jean.pk)
    return DemoLogin(
        JEAN["email"],
        "shopper",
        f"Jean Martin, the persona every journey follows; loyalty card {JEAN_CARD}"
        + (f"; cart hand-off code {code}" if code else ""),
    )


def _jeans_cart_in_progress(customer_id: int) -> str | None:
    """The trail jacket in his cart, and a live hand-off code for the associate to type."""
    if not Variant.objects.filter(sku=JEAN_CART_SKU).exists():
        return None
    cart = cart_of_customer(customer_id=customer_id, channel="app")
    if not cart.lines.exists():
        add_line(cart_id=cart.pk, sku=JEAN_CART_SKU, quantity=1, channel="app")
    live = cart_view(cart=cart, now=clock.now() + DEMO_LIFETIME / 2).handoff_code
    return live or issue_handoff_code(cart_id=cart.pk, valid_for=DEMO_LIFETIME).handoff_code


def _load_customers(count: int, *, rng: random.Random, seed: int) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    channels = ["web", "app", "store", "call_centre"]
    wishable = list(Variant.objects.order_by("sku").values_list("sku", flat=True)[:300])
    with transaction.atomic():
        for index in range(count):
            first, last = fake.first_name(), fake.last_name()
            email = f"client{index:06d}@example.fr"  # deterministic and unique: idempotent
            channel = rng.choice(channels)
            known = Customer.objects.filter(email=email).exists()
            customer = record_customer_profile(
                first_name=first,
                last_name=last,
                email=email,
                phone=f"+336{index:08d}",
                channel=channel,
            )
            if not known:
                _give_a_life(customer.pk, index=index, channel=channel, rng=rng, skus=wishable)


def _give_a_life(
    customer_id: int, *, index: int, channel: str, rng: random.Random, skus: list[str]
) -> None:
    """A loyalty card for a third of them, consents as people give them, a short wishlist."""
    if index % 3 == 0:
        add_identity(
            customer_id=customer_id,
            kind="loyalty_card",
            value=f"ELAN-{index:08d}",
            channel="store",
        )
    method = "verbal" if channel in {"store", "call_centre"} else "checkbox"
    for purpose, share in CONSENT_SHARES:
        if rng.random() < share:
            record_consent(
                customer_id=customer_id,
                purpose=purpose,
                granted=True,
                channel=channel,
                method=method,
            )
    for sku in rng.sample(skus, k=min(len(skus), rng.randint(0, 3))):
        add_to_wishlist(customer_id=customer_id, sku=sku, channel=channel)


# The share of the crowd that gives each consent, roughly as French retailers report.
CONSENT_SHARES = [
    ("order_updates_email", 0.9),
    ("marketing_email", 0.45),
    ("marketing_sms", 0.2),
    ("personalisation", 0.5),
    ("in_store_recognition", 0.15),
]

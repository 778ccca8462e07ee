"""The demo retailer, Élan Sport & Tech: a French sport-and-electronics chain.

Built through the services (never fixtures with primary keys), deterministic for a given seed,
and idempotent: loading it twice adds nothing. Each capability adds its own part here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from comptoir.accounts.services import enrol_staff_member
from comptoir.customers.models import Customer
from comptoir.customers.services import record_customer_profile, register_shopper
from comptoir.demo.catalogue import load_catalogue, load_stock
from comptoir.demo.orders import load_orders
from comptoir.demo.stores import DEFAULT_STORE_COUNT, load_locations
from comptoir.locations.models import Location

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


def load(
    *,
    seed: int = 42,
    customers: int = 200,
    stores: int = DEFAULT_STORE_COUNT,
    skus: int = 2000,
    range_percent: int | None = None,
) -> list[DemoLogin]:
    """Load (or complete) the demo retailer. Returns the demo logins to print.

    `range_percent` is the share of SKUs each store stocks; by default most of a small
    catalogue and a realistic few percent of a large one.
    """
    rng = random.Random(seed)
    _load_locations(stores)
    load_catalogue(skus=skus, seed=seed)
    load_stock(seed=seed, range_percent=range_percent or (60 if skus <= 5000 else 6))
    logins = _load_staff()
    logins.append(_load_jean())
    _load_customers(customers, rng=rng, seed=seed)
    if customers:  # no shoppers (the benchmarks' load), no orders
        load_orders(seed=seed)
    return logins


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
    if not Customer.objects.filter(email=JEAN["email"]).exists():
        register_shopper(password=DEMO_PASSWORD, channel="app", **JEAN)
    return DemoLogin(JEAN["email"], "shopper", "Jean Martin, the persona every journey follows")


def _load_customers(count: int, *, rng: random.Random, seed: int) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    channels = ["web", "app", "store", "call_centre"]
    with transaction.atomic():
        for index in range(count):
            first, last = fake.first_name(), fake.last_name()
            email = f"client{index:06d}@example.fr"  # deterministic and unique: idempotent
            record_customer_profile(
                first_name=first, last_name=last, email=email, channel=rng.choice(channels)
            )

"""The demo retailer, Élan Sport & Tech: a French sport-and-electronics chain.

Built through the services (never fixtures with primary keys), deterministic for a given seed,
and idempotent: loading it twice adds nothing. Each capability adds its own part here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from faker import Faker

from comptoir.accounts.services import enrol_staff_member
from comptoir.customers.models import Customer
from comptoir.customers.services import record_customer_profile, register_shopper
from comptoir.demo.catalogue import load_catalogue, load_stock
from comptoir.locations.models import Location
from comptoir.locations.services import open_location

# code, name, street, postcode, city, latitude, longitude
STORES = [
    (
        "lyon-part-dieu",
        "Élan Lyon Part-Dieu",
        "17 rue du Docteur Bouchut",
        "69003",
        "Lyon",
        "45.76070",
        "4.85950",
    ),
    (
        "paris-rivoli",
        "Élan Paris Rivoli",
        "112 rue de Rivoli",
        "75001",
        "Paris",
        "48.85990",
        "2.34260",
    ),
    (
        "marseille-terrasses",
        "Élan Marseille Terrasses du Port",
        "9 quai du Lazaret",
        "13002",
        "Marseille",
        "43.31270",
        "5.36650",
    ),
    (
        "lille-euralille",
        "Élan Lille Euralille",
        "100 centre commercial Euralille",
        "59777",
        "Lille",
        "50.63720",
        "3.07520",
    ),
    (
        "bordeaux-sainte-catherine",
        "Élan Bordeaux Sainte-Catherine",
        "57 rue Sainte-Catherine",
        "33000",
        "Bordeaux",
        "44.83870",
        "-0.57330",
    ),
    (
        "toulouse-capitole",
        "Élan Toulouse Capitole",
        "20 rue Lafayette",
        "31000",
        "Toulouse",
        "43.60500",
        "1.44420",
    ),
    (
        "nantes-atlantis",
        "Élan Nantes Atlantis",
        "Boulevard Salvador Allende",
        "44800",
        "Saint-Herblain",
        "47.22500",
        "-1.63000",
    ),
    (
        "strasbourg-halles",
        "Élan Strasbourg Les Halles",
        "24 place des Halles",
        "67000",
        "Strasbourg",
        "48.58600",
        "7.74500",
    ),
    (
        "nice-etoile",
        "Élan Nice Étoile",
        "30 avenue Jean Médecin",
        "06000",
        "Nice",
        "43.70100",
        "7.26800",
    ),
    (
        "rennes-colombia",
        "Élan Rennes Colombia",
        "Place du Colombier",
        "35000",
        "Rennes",
        "48.10500",
        "-1.67800",
    ),
    (
        "grenoble-grand-place",
        "Élan Grenoble Grand'Place",
        "55 Grand'Place",
        "38100",
        "Grenoble",
        "45.15900",
        "5.73200",
    ),
    (
        "montpellier-polygone",
        "Élan Montpellier Polygone",
        "1 rue des Pertuisanes",
        "34000",
        "Montpellier",
        "43.60800",
        "3.88500",
    ),
]
WAREHOUSES = [
    (
        "entrepot-saint-quentin",
        "Entrepôt Saint-Quentin-Fallavier",
        "ZAC de Chesnes",
        "38070",
        "Saint-Quentin-Fallavier",
        "45.64200",
        "5.11000",
    ),
]

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
    stores: int = len(STORES),
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
    return logins


def _load_locations(store_count: int) -> None:
    known = set(Location.objects.values_list("code", flat=True))
    rows = [(r, "store") for r in STORES[:store_count]] + [(r, "warehouse") for r in WAREHOUSES]
    for (code, name, street, postcode, city, lat, lon), kind in rows:
        if code in known:
            continue
        open_location(
            code=code,
            name=name,
            kind=kind,
            street=street,
            postcode=postcode,
            city=city,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
        )


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

"""The demo catalogue and its stock: sport apparel and shoes in sizes, equipment, electronics
with their accessories. Deterministic: the same knobs give the same SKUs and quantities.

Small catalogues (the everyday demo) and large ones (500 stores × 100,000 SKUs for the
benchmarks) are loaded the same way: products, variants and prices with bulk inserts, stock
as one receipt movement per level plus the level itself (COPY on PostgreSQL). A bulk load is an
initial count, like a stock snapshot: it emits no per-unit events.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from comptoir.catalog.domain import gtin13_check_digit, normalise_gtin
from comptoir.catalog.models import (
    Category,
    ChannelListing,
    Price,
    Product,
    ProductRelation,
    Variant,
)
from comptoir.catalog.services.search import refresh_search_documents
from comptoir.core import clock
from comptoir.demo import texts
from comptoir.demo.pictures import draw_missing_pictures
from comptoir.inventory.models import StockLevel, StockMovement
from comptoir.locations.models import Location

CATEGORIES = [
    ("running", "Running"),
    ("football", "Football"),
    ("cyclisme", "Cyclisme"),
    ("randonnee", "Randonnée"),
    ("natation", "Natation"),
    ("tennis", "Tennis"),
    ("fitness", "Fitness"),
    ("montres-gps", "Montres GPS"),
    ("audio", "Audio"),
    ("cameras", "Caméras d'action"),
]


@dataclass(frozen=True)
class Family:
    kind: str
    categories: tuple[str, ...]
    nouns: tuple[str, ...]
    sizes: tuple[str, ...]
    colours: tuple[str, ...]
    price_range: tuple[int, int]


FAMILIES = [
    Family(
        "apparel",
        ("running", "football", "randonnee", "tennis", "fitness", "natation"),
        ("Veste", "T-shirt", "Short", "Collant", "Maillot", "Sweat"),
        ("XS", "S", "M", "L", "XL"),
        ("noir", "bleu", "rouge"),
        (15, 120),
    ),
    Family(
        "shoes",
        ("running", "football", "randonnee", "tennis"),
        ("Chaussures", "Crampons", "Baskets"),
        ("38", "39", "40", "41", "42", "43", "44", "45"),
        ("noir", "blanc"),
        (40, 180),
    ),
    Family(
        "equipment",
        ("cyclisme", "fitness", "natation", "tennis", "randonnee"),
        ("Casque", "Sac", "Gourde", "Raquette", "Lunettes", "Tapis"),
        ("",),
        ("",),
        (8, 150),
    ),
    Family(
        "electronics",
        ("montres-gps", "audio", "cameras"),
        ("Montre GPS", "Écouteurs", "Caméra", "Capteur cardio"),
        ("",),
        ("noir",),
        (49, 499),
    ),
]
BRANDS = ["Élan", "Kiprun", "Vertex", "Azur", "Boréal", "Nordik", "Pulse", "Sillage"]
ADJECTIVES = [
    "Trail",
    "Confort",
    "Pro",
    "Légère",
    "Respirante",
    "Urbaine",
    "Tempo",
    "Endurance",
    "Hiver",
    "Été",
    "Performance",
    "Essentiel",
]

# Up to this size the demo draws every product's pictures (0.1 to 0.25 s a product: about
# 45 s of `load_demo` for 2,000 SKUs); the benchmarks' 100,000 SKUs measure stock and search,
# not pictures, and go without.
PICTURED_CATALOGUE = 5000

# The jacket Jean reserves in every journey: a fixed product with memorable SKUs.
JEAN_JACKET = ("veste-running-trail", "Veste de running Trail", ("S", "M", "L"), Decimal("89.90"))


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class ProductPlan:
    slug: str
    name: str
    brand: str
    category: str
    kind: str
    skus: tuple[tuple[str, str, str], ...]  # (sku, size, colour)
    price: Decimal
    number: int = 0  # the product's place in the plan: the item reference in its GTINs
    description: str = ""
    attributes: tuple[tuple[str, str], ...] = ()

    def gtin(self, position: int) -> str:
        """The GTIN-13 of its `position`-th SKU, stored as GS1's 14 digits: a French GS1
        prefix (370) and company number, the product's number and the SKU's place in it."""
        body = f"370{self.number:07d}{position:02d}"
        return normalise_gtin(body + str(gtin13_check_digit(body)))


def plan_products(sku_target: int, *, seed: int) -> Iterator[ProductPlan]:
    """Products until about `sku_target` SKUs, the same for the same seed."""
    yield ProductPlan(
        slug=JEAN_JACKET[0],
        name=JEAN_JACKET[1],
        brand="Élan",
        category="running",
        kind="apparel",
        skus=tuple((f"JACKET-TRAIL-{s}", s, "bleu") for s in JEAN_JACKET[2]),
        price=JEAN_JACKET[3],
        description=texts.JACKET[0],
        attributes=texts.JACKET[1],
    )
    planned, index = len(JEAN_JACKET[2]), 0
    while planned < sku_target:
        index += 1
        roll = _digest(seed, index)
        family = FAMILIES[roll % len(FAMILIES)]
        noun = family.nouns[(roll >> 8) % len(family.nouns)]
        adjective = ADJECTIVES[(roll >> 16) % len(ADJECTIVES)]
        brand = BRANDS[(roll >> 24) % len(BRANDS)]
        low, high = family.price_range
        price = Decimal(low + (roll >> 32) % (high - low)) + Decimal("0.90")
        slug = f"{family.kind}-{index:06d}"
        skus = tuple(
            (
                f"{family.kind[:3].upper()}-{index:06d}{'-' + size if size else ''}"
                f"{'-' + colour[:3].upper() if colour else ''}",
                size,
                colour,
            )
            for colour in family.colours[: 1 + (roll >> 40) % len(family.colours)]
            for size in family.sizes
        )
        planned += len(skus)
        category = family.categories[(roll >> 48) % len(family.categories)]
        description, attributes = texts.description_of(noun, category)
        yield ProductPlan(
            slug=slug,
            name=f"{noun} {adjective} {brand}",
            brand=brand,
            category=category,
            kind=family.kind,
            skus=skus,
            price=price,
            number=index,
            description=description,
            attributes=attributes,
        )


def load_catalogue(*, skus: int, seed: int, batch: int = 5000) -> int:
    """Create what is missing of the planned catalogue. Returns how many variants it added."""
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in CATEGORIES
    }
    existing = set(Product.objects.values_list("slug", flat=True))
    plans = [p for p in plan_products(skus, seed=seed) if p.slug not in existing]
    added = 0
    for start in range(0, len(plans), batch):
        chunk = plans[start : start + batch]
        with transaction.atomic():
            products = Product.objects.bulk_create(
                [
                    Product(
                        slug=p.slug,
                        name=p.name,
                        brand=p.brand,
                        category=categories[p.category],
                        description=p.description,
                        attributes=dict(p.attributes),
                    )
                    for p in chunk
                ]
            )
            by_slug = {p.slug: p for p in Product.objects.filter(slug__in=[p.slug for p in chunk])}
            variants = Variant.objects.bulk_create(
                [
                    Variant(
                        product=by_slug[p.slug],
                        sku=sku,
                        gtin=p.gtin(position),
                        size=size,
                        colour=colour,
                        attributes={"kind": p.kind},
                    )
                    for p in chunk
                    for position, (sku, size, colour) in enumerate(p.skus)
                ]
            )
            ids = dict(Variant.objects.filter(product__in=products).values_list("sku", "pk"))
            Price.objects.bulk_create(
                [
                    Price(variant_id=ids[sku], amount=p.price, currency="EUR")
                    for p in chunk
                    for sku, _, _ in p.skus
                ]
            )
            ChannelListing.objects.bulk_create(
                [
                    ChannelListing(
                        product=by_slug[p.slug],
                        channel=channel,
                        title=p.name[:40] if channel == "app" else "",
                    )
                    for p in chunk
                    for channel in ("web", "app", "store", "call_centre")
                ]
            )
            added += len(variants)
            refresh_search_documents(product_ids=[product.pk for product in by_slug.values()])
    _relate_accessories(seed)
    if skus <= PICTURED_CATALOGUE:
        draw_missing_pictures()
    return added


def _relate_accessories(seed: int) -> None:
    """Each electronics product gets two equipment accessories, deterministically."""
    if ProductRelation.objects.exists():
        return
    electronics = list(
        Product.objects.filter(slug__startswith="electronics-")
        .order_by("slug")
        .values_list("pk", flat=True)[:2000]
    )
    equipment = list(
        Product.objects.filter(slug__startswith="equipment-")
        .order_by("slug")
        .values_list("pk", flat=True)[:2000]
    )
    if not equipment:
        return
    ProductRelation.objects.bulk_create(
        [
            ProductRelation(
                product_id=equipment[_digest(seed, e, k) % len(equipment)],
                related_id=e,
                kind=ProductRelation.Kind.ACCESSORY_OF,
            )
            for e in electronics
            for k in range(2)
        ],
        ignore_conflicts=True,
    )


def stock_rows(
    variant_ids: list[int], location_id: int, *, code: str, seed: int, range_percent: int
) -> list[tuple[int, int, int]]:
    """(variant, location, units) for the SKUs this location ranges; the rest hold nothing.

    Drawn from the location's code, not its id: the same demo whatever ids the database
    hands out (PostgreSQL's sequences do not go back when a test's transaction does)."""
    rng = random.Random(f"{seed}:{code}")
    ranged = rng.sample(variant_ids, len(variant_ids) * range_percent // 100)
    return [(variant_id, location_id, rng.randint(1, 12)) for variant_id in sorted(ranged)]


def load_stock(*, seed: int, range_percent: int) -> int:
    """Give every location without stock its initial count. Returns the levels written."""
    stocked = set(StockLevel.objects.values_list("location_id", flat=True).distinct())
    locations = list(
        Location.objects.exclude(pk__in=stocked).order_by("pk").values_list("pk", "code", "kind")
    )
    product_of = dict(Variant.objects.order_by("pk").values_list("pk", "product_id"))
    variant_ids = list(product_of)
    jacket_ids = list(
        Variant.objects.filter(sku__startswith="JACKET-TRAIL-").values_list("pk", flat=True)
    )
    written = 0
    for location_id, code, kind in locations:
        percent = 100 if kind == Location.Kind.WAREHOUSE else range_percent
        rows = stock_rows(variant_ids, location_id, code=code, seed=seed, range_percent=percent)
        ranged = {v for v, _, _ in rows}
        rows += [(v, location_id, 3) for v in jacket_ids if v not in ranged]  # Jean's jacket
        _write_initial_count(rows, product_of)
        written += len(rows)
    return written


def _write_initial_count(rows: list[tuple[int, int, int]], product_of: dict[int, int]) -> None:
    now = clock.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy(
                StockLevel._meta.db_table,
                ["variant_id", "product_id", "location_id", "on_hand", "held", "updated_at"],
                ((v, product_of[v], loc, units, 0, now) for v, loc, units in rows),
            )
            _copy(
                StockMovement._meta.db_table,
                [
                    "variant_id",
                    "location_id",
                    "kind",
                    "on_hand_delta",
                    "held_delta",
                    "reference",
                    "reason",
                    "actor",
                    "created_at",
                ],
                (
                    (v, loc, "receipt", units, 0, "initial count", "demo", "load_demo", now)
                    for v, loc, units in rows
                ),
            )
            return
        StockLevel.objects.bulk_create(
            [
                StockLevel(
                    variant_id=v,
                    product_id=product_of[v],
                    location_id=loc,
                    on_hand=units,
                    updated_at=now,
                )
                for v, loc, units in rows
            ],
            batch_size=2000,
        )
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    variant_id=v,
                    location_id=loc,
                    kind="receipt",
                    on_hand_delta=units,
                    reference="initial count",
                    reason="demo",
                    actor="load_demo",
                    created_at=now,
                )
                for v, loc, units in rows
            ],
            batch_size=2000,
        )


def _copy(table: str, columns: list[str], rows: Iterator[tuple]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(value) for value in row) + "\n")
    buffer.seek(0)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(buffer.read())

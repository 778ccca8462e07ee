"""Builders for order tests: two stores and a warehouse, the trail jacket in three sizes."""

from __future__ import annotations

from decimal import Decimal

from comptoir.catalog.models import Variant
from comptoir.catalog.tests.factories import make_product
from comptoir.core.outbox import run_due_work
from comptoir.inventory.tests.factories import put_on_shelf
from comptoir.locations.models import Location
from comptoir.locations.services import open_location
from comptoir.wiring import ROUTES

JACKET_SKUS = ("JACKET-TRAIL-S", "JACKET-TRAIL-M", "JACKET-TRAIL-L")
CARD_OK = "tok_visa"
CARD_DECLINED = "tok_declined_visa"
CARD_3DS = "tok_3ds_visa"
HOME = {
    "name": "Jean Martin",
    "line1": "12 rue de la République",
    "postcode": "69002",
    "city": "Lyon",
    "country": "FR",
    "lat": 45.7606,
    "lon": 4.8357,
}


def make_location(code: str, *, city: str, kind: str = "store") -> Location:
    existing = Location.objects.filter(code=code).first()
    if existing:
        return existing
    return open_location(
        code=code,
        name=f"Élan {city}",
        kind=kind,
        city=city,
        street="1 place Bellecour",
        postcode="69002",
        latitude=Decimal("45.76070"),
        longitude=Decimal("4.85950"),
    )


def make_jackets(price: str = "129.00") -> list[Variant]:
    if not Variant.objects.filter(sku=JACKET_SKUS[0]).exists():
        make_product("veste-trail", skus=JACKET_SKUS, name="Veste de trail", price=price)
    return list(Variant.objects.filter(sku__in=JACKET_SKUS).order_by("sku"))


def stock(sku: str, location: Location, quantity: int) -> None:
    put_on_shelf(Variant.objects.get(sku=sku), location, quantity)


def deliver_events() -> None:
    """What the worker does after each commit: run every handler the events call for."""
    while run_due_work(ROUTES, worker="test").fanned_out:
        pass


def order_body(
    *,
    channel: str = "web",
    mode: str = "click_and_collect",
    lines: list[dict] | None = None,
    pickup: str | None = "lyon-bellecour",
    payment: dict | None = None,
    **extra: object,
) -> dict:
    body = {
        "channel": channel,
        "fulfilment_mode": mode,
        "lines": lines or [{"sku": "JACKET-TRAIL-S", "quantity": 1}],
        "payment": payment or {"method": "card", "card_token": CARD_OK},
        **extra,
    }
    if pickup:
        body["pickup_location"] = pickup
    return body

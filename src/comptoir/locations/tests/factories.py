"""Builders for stores and warehouses, through the same service the API uses."""

from __future__ import annotations

from decimal import Decimal

from comptoir.locations.models import Location
from comptoir.locations.services import open_location

# Real places, so that a failing test reads like the shop floor.
KNOWN_STORES = {
    "lyon-part-dieu": ("Élan Lyon Part-Dieu", "Lyon", "45.76070", "4.85950"),
    "paris-rivoli": ("Élan Paris Rivoli", "Paris", "48.85990", "2.34260"),
    "marseille-terrasses": ("Élan Marseille Terrasses du Port", "Marseille", "43.31270", "5.36640"),
}


def make_store(code: str = "lyon-part-dieu", *, kind: str = Location.Kind.STORE) -> Location:
    """A known store by its code (Lyon, Paris, Marseille), or a made-up one in Lyon."""
    name, city, latitude, longitude = KNOWN_STORES.get(
        code, (f"Élan {code}", "Lyon", "45.76070", "4.85950")
    )
    return open_location(
        code=code,
        name=name,
        city=city,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        kind=kind,
    )


def location_body(code: str = "lille-europe", **changes: object) -> dict[str, object]:
    """A valid POST /api/v1/locations body; `changes` overrides or adds fields."""
    return {
        "code": code,
        "name": "Élan Lille Europe",
        "city": "Lille",
        "latitude": "50.63950",
        "longitude": "3.07570",
        **changes,
    }

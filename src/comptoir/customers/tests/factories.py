"""Builders for shoppers, through the sign-up service the API uses."""

from __future__ import annotations

from datetime import datetime

from comptoir.customers.models import Customer
from comptoir.customers.services import register_shopper

SHOPPER_PASSWORD = "comptoir-test"


def make_shopper(
    email: str = "jean.martin@example.fr", *, first_name: str = "Jean", last_name: str = "Martin"
) -> Customer:
    """A shopper with an online account; sign in as `customer.user`."""
    return register_shopper(
        email=email, password=SHOPPER_PASSWORD, first_name=first_name, last_name=last_name
    )


def on_the_wire(moment: datetime) -> str:
    """A datetime as the API writes it: UTC, milliseconds, "Z"."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

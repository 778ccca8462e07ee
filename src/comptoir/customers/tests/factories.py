"""Builders for shoppers, through the sign-up service the API uses."""

from __future__ import annotations

from datetime import datetime

from comptoir.customers.models import Customer
from comptoir.customers.services import record_customer_profile, register_shopper

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


def make_store_record(
    *,
    first_name: str = "Jean",
    last_name: str = "Martin",
    phone: str | None = "+33612345678",
    email: str | None = None,
    store_record: str | None = None,
) -> Customer:
    """A profile an associate entered at the till, without an online account."""
    return record_customer_profile(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        store_record=store_record,
        channel="store",
    )

"""The demo retailer's carriers: a cheap 48 h one that collects from stores three days a week,
and a dearer 24 h one that collects every working day. Idempotent."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from comptoir.shipping.services.carriers import offer_service, register_carrier


def load_carriers() -> None:
    register_carrier(code="colisexpress", name="Colis Express")
    offer_service(
        carrier_code="colisexpress",
        code="standard",
        name="Standard 48 h",
        transit_days=2,
        cutoff=time(16),
        countries=["FR", "BE", "LU"],
        price_grid=[
            (Decimal("2"), Decimal("4.90")),
            (Decimal("10"), Decimal("7.50")),
            (Decimal("30"), Decimal("12.90")),
        ],
        pickup_weekdays=[0, 2, 4],
    )
    register_carrier(code="rapidpost", name="Rapid Post")
    offer_service(
        carrier_code="rapidpost",
        code="express",
        name="Express 24 h",
        transit_days=1,
        cutoff=time(17),
        countries=["FR"],
        price_grid=[(Decimal("5"), Decimal("9.90")), (Decimal("30"), Decimal("14.90"))],
    )

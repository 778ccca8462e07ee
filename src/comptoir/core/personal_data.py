"""Where each app declares the personal data it holds, for GDPR exports.

Apps register an exporter in their AppConfig.ready(); the customers app's export calls every
one, so a later app (carts, orders…) adds its part without the customers app importing it.
Erasure goes the other way, through the `customer.erased` event each app handles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[int], Any]

_exporters: dict[str, Exporter] = {}


def register_exporter(section: str, exporter: Exporter) -> None:
    """`exporter(customer_id)` returns JSON-ready data for the `section` of the export."""
    _exporters[section] = exporter


def export_sections(customer_id: int) -> dict[str, Any]:
    return {section: exporter(customer_id) for section, exporter in sorted(_exporters.items())}

"""The dashboard's figures beyond stock: orders by channel and mode, post-purchase KPIs, the
open exceptions. Each is read through its own app's selectors; the rules stay there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.access import Actor
from comptoir.orders.selectors import order_counts
from comptoir.shipping.domain.kpis import delivery_figures
from comptoir.shipping.selectors import alert_counts, alert_list, delivered_between

from ..templatetags.web_extras import CHANNEL_NAMES, alert_kind_name, mode_name
from .charts import bar_chart
from .operations import with_history

PERIOD = timedelta(days=30)


def dashboard_figures(actor: Actor) -> dict[str, Any]:
    until = clock.now()
    since = until - PERIOD
    figures: dict[str, Any] = {"charts_orders": []}
    if actor.has("orders.read"):
        figures["charts_orders"] = [
            bar_chart(
                _("Orders by channel, last 30 days"),
                [
                    (str(CHANNEL_NAMES.get(k, k)), n, "brand")
                    for k, n in order_counts(since=since, by="channel")
                ],
            ),
            bar_chart(
                _("Orders by fulfilment mode, last 30 days"),
                [
                    (mode_name(k), n, "brand")
                    for k, n in order_counts(since=since, by="fulfilment_mode")
                ],
            ),
        ]
    if actor.has("shipping.read"):
        delivered = delivered_between(since=since, until=until)
        figures["delivery"] = delivery_figures(
            list(delivered.values_list("delivered_at", "late_after"))
        )
        figures["charts_orders"].append(
            bar_chart(
                _("Parcel incidents opened, last 30 days"),
                [
                    (alert_kind_name(k), n, "warn")
                    for k, n in alert_counts(since=since, until=until, by="kind")
                ],
            )
        )
        still_open = alert_list(status="open", store_ids=actor.store_ids)
        figures["open_alerts"] = with_history(still_open.order_by("raised_at", "pk")[:5])
        figures["open_incidents"] = still_open.count()
    return figures

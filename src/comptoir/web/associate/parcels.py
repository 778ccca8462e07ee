"""The store's parcels: inbound (ship-to-store, for customers to collect) and outbound
(shipped from the store), with where each one is now, and the carriers' pickups."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.core import clock
from comptoir.locations.selectors import location_by_code
from comptoir.shipping.selectors import parcels_of_store, pickups_of_store

from ..access import staff_actor

DAYS = 14


def parcels(request: HttpRequest, code: str) -> HttpResponse:
    store = location_by_code(code=code)
    staff_actor(request, "shipping.read", store_id=store.pk)
    since = clock.now() - timedelta(days=DAYS)
    found = parcels_of_store(location_id=store.pk)
    context = {
        "store": store,
        "inbound": found["inbound"].filter(created_at__gte=since)[:200],
        "outbound": found["outbound"].filter(created_at__gte=since)[:200],
        "pickups": pickups_of_store(location_id=store.pk, since=since.date()),
    }
    return render(request, "web/associate/parcels.html", context)

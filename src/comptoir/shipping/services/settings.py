"""Shipping's tunables, read from Django settings (themselves from the environment)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def no_movement_after() -> timedelta:
    return timedelta(hours=settings.SHIPPING_NO_MOVEMENT_HOURS)


def lost_after() -> timedelta:
    return timedelta(hours=settings.SHIPPING_LOST_AFTER_HOURS)


def detour_km() -> float:
    return float(settings.SHIPPING_DETOUR_KM)


def timezone() -> str:
    return str(settings.TIME_ZONE)

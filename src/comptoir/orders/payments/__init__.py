"""Payments through a PSP adapter: the interface (`adapter`), and a local fake PSP (`fake`).

`provider()` returns the adapter the settings name (COMPTOIR_PSP, "fake" by default). A real
PSP (Adyen, Stripe…) is one more module implementing `adapter.PaymentProvider`.
"""

from __future__ import annotations

from django.conf import settings

from .adapter import PaymentProvider
from .fake import FakePsp


def provider(name: str | None = None) -> PaymentProvider:
    name = name or getattr(settings, "COMPTOIR_PSP", "fake")
    if name == FakePsp.name:
        return FakePsp()
    raise LookupError(f"no payment provider named {name!r}")

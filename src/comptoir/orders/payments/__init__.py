"""Payments through a PSP adapter: the interface (`adapter`), Stripe (`stripe`), and a local
fake PSP (`fake`) for the demo and the tests.

`provider()` returns the adapter the settings name (COMPTOIR_PSP: "fake" by default in
development; production requires it named, docs/money.md). Another PSP is one more module
implementing `adapter.PaymentProvider`.
"""

from __future__ import annotations

from django.conf import settings

from .adapter import PaymentProvider
from .fake import FakePsp
from .stripe import StripePsp


def provider(name: str | None = None) -> PaymentProvider:
    name = name or getattr(settings, "COMPTOIR_PSP", "fake")
    if name == FakePsp.name:
        return FakePsp()
    if name == StripePsp.name:
        return StripePsp()
    raise LookupError(f"no payment provider named {name!r}")

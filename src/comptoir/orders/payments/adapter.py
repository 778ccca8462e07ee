"""What comptoir asks of a payment service provider. Card data never reaches comptoir: the
shop's page sends the card to the PSP's hosted fields and gives us the PSP's token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


class PspStatus:
    AUTHORISED = "authorised"
    PENDING = "pending"  # the PSP will say later, by webhook (3-D Secure, bank delay)
    DECLINED = "declined"
    CAPTURED = "captured"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"


@dataclass(frozen=True)
class PspResult:
    status: str
    provider_reference: str
    reason: str = ""


@dataclass(frozen=True)
class PaymentLink:
    provider_reference: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Notification:
    """A PSP webhook, once its signature is checked: what happened to which payment."""

    notification_id: str
    provider_reference: str
    status: str  # PspStatus.AUTHORISED or PspStatus.DECLINED
    amount: Decimal
    currency: str
    reason: str = ""


class PspUnreachable(Exception):
    """No answer (a timeout, a dropped connection): the PSP may or may not have done it. The
    operation stays `requested`; a retry with the same idempotency key settles it."""


class IgnoredNotification(Exception):
    """A signed webhook about something comptoir does not act on (a PSP sends many kinds):
    answered 2xx, so that the PSP stops sending it, and nothing is recorded."""


class BadSignature(Exception):
    """The webhook was not signed by the PSP (or was altered on the way)."""


class PaymentProvider(Protocol):
    name: str
    signature_header: str  # the HTTP header its webhooks are signed in
    # A store's card terminal takes the money as it approves (the till records it captured);
    # a provider without one is not asked for the card part of a till sale.
    has_card_terminal: bool

    def authorise(
        self, *, amount: Decimal, currency: str, card_token: str, reference: str
    ) -> PspResult: ...

    # Each operation carries an idempotency key: the PSP does it once per key, and a retry with
    # the same key answers what the first call did (docs/money.md).
    def capture(
        self, *, provider_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PspResult: ...

    def refund(
        self, *, provider_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PspResult: ...

    def void(self, *, provider_reference: str, idempotency_key: str) -> PspResult: ...

    def create_payment_link(
        self, *, amount: Decimal, currency: str, reference: str, expires_at: datetime
    ) -> PaymentLink: ...

    def read_notification(self, *, body: bytes, signature: str) -> Notification: ...

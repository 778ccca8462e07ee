"""A local PSP that behaves like a real one, for the demo, the tests and the benchmark.

Rules, keyed on the card token the shop's page got from the PSP's hosted fields:
- `tok_declined…` is declined, as is any amount above 5,000 (the card's limit);
- `tok_3ds…` answers "pending": the PSP confirms later by a signed webhook (`take_sent`);
- any other `tok_…` is authorised; something that is not a token is declined.
A store's card terminal is this PSP too (`orders.services.till`): its card token says what the
customer does at the terminal: `tok_terminal_cancelled…` is cancelled on the terminal (declined,
reason "cancelled"), `tok_terminal_timeout…` never answers (`PspUnreachable`), `tok_terminal…`
is approved; the card's limit declines as above.
An authorisation is idempotent per reference (as Stripe's, keyed `authorise:<reference>`);
captures, refunds and voids are idempotent per key (a retry answers what the first call did);
a test makes the next one fail with `FakePsp.fail_next(kind, "refused" | "timeout")`: refused
is a "failed" answer, timeout raises `PspUnreachable` before the fake does anything.
Webhooks are signed with HMAC-SHA256 (header `Fake-Psp-Signature: t=<unix>,v1=<hex>`), and a
real PSP may deliver one twice, so the receiver must be idempotent.
A payment link carries its amount, signed, so that paying it needs no state on the PSP side.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core import signing

from .adapter import (
    BadSignature,
    Notification,
    PaymentLink,
    PspResult,
    PspStatus,
    PspUnreachable,
)

CARD_LIMIT = Decimal("5000")
SIGNATURE_HEADER = "Fake-Psp-Signature"
_LINK_SALT = "comptoir.fake-psp.link"
# What the customer does at a store's card terminal, as the fake terminal's card token says.
TERMINAL_APPROVED = "tok_terminal"
TERMINAL_DECLINED = "tok_declined_terminal"
TERMINAL_CANCELLED = "tok_terminal_cancelled"
TERMINAL_TIMEOUT = "tok_terminal_timeout"


def _secret() -> bytes:
    return str(settings.FAKE_PSP_WEBHOOK_SECRET).encode()


def sign(body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = timestamp or int(time.time())
    mac = hmac.new(_secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class FakePsp:
    name = "fake"
    signature_header = SIGNATURE_HEADER
    has_card_terminal = True  # its terminal tokens (TERMINAL_*) stand for the store's terminal
    # Webhooks "sent" and not yet delivered; a test (or the link page) delivers them.
    _sent: ClassVar[list[tuple[bytes, str]]] = []
    # What the PSP did per idempotency key, and the failures a test asked for, by kind.
    _done: ClassVar[dict[str, tuple[PspResult, Decimal]]] = {}
    _failures: ClassVar[dict[str, list[str]]] = {}
    _authorised: ClassVar[dict[str, PspResult]] = {}  # by our reference
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def authorise(
        self, *, amount: Decimal, currency: str, card_token: str, reference: str
    ) -> PspResult:
        if card_token.startswith(TERMINAL_TIMEOUT):
            raise PspUnreachable("the card terminal did not answer")
        with self._lock:
            # Keyed by our reference, as Stripe's `authorise:<reference>` key: asked again, it
            # answers what it did the first time, and holds the card once.
            result = self._authorised.get(reference) or self._authorise(
                amount, currency, card_token
            )
            self._authorised[reference] = result
            failures = self._failures.get("authorise", [])
            if failures and failures.pop(0) == "lost":
                raise PspUnreachable("the card terminal approved; its answer was lost")
        return result

    def _authorise(self, amount: Decimal, currency: str, card_token: str) -> PspResult:
        psp_reference = f"fake_{uuid.uuid4().hex}"
        decision, reason = self._decide(amount, card_token)
        if decision == PspStatus.AUTHORISED and card_token.startswith("tok_3ds"):
            self._send(psp_reference, PspStatus.AUTHORISED, amount, currency)
            return PspResult(PspStatus.PENDING, psp_reference)
        return PspResult(decision, psp_reference, reason)

    @classmethod
    def open_holds(cls) -> set[str]:
        """The authorisations the fake made and nobody voided: a test's view of the card."""
        held = {
            result.provider_reference
            for result in cls._authorised.values()
            if result.status in {PspStatus.AUTHORISED, PspStatus.PENDING}
        }
        voided = {
            result.provider_reference
            for result, _ in cls._done.values()
            if result.status == PspStatus.VOIDED
        }
        return held - voided

    def capture(
        self, *, provider_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PspResult:
        return self._once("capture", idempotency_key, provider_reference, amount)

    def refund(
        self, *, provider_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PspResult:
        return self._once("refund", idempotency_key, provider_reference, amount)

    def void(self, *, provider_reference: str, idempotency_key: str) -> PspResult:
        return self._once("void", idempotency_key, provider_reference, Decimal("0"))

    _SUCCESS: ClassVar[dict[str, str]] = {
        "capture": PspStatus.CAPTURED,
        "refund": PspStatus.REFUNDED,
        "void": PspStatus.VOIDED,
    }

    def _once(self, kind: str, key: str, provider_reference: str, amount: Decimal) -> PspResult:
        if key in self._done:
            return self._done[key][0]
        failures = self._failures.get(kind, [])
        failure = failures.pop(0) if failures else None
        if failure == "timeout":
            raise PspUnreachable(f"the fake PSP did not answer the {kind}")
        if failure == "refused":
            result = PspResult(PspStatus.FAILED, provider_reference, "refused by the fake PSP")
            self._done[key] = (result, Decimal("0"))
            return result
        result = PspResult(self._SUCCESS[kind], provider_reference)
        self._done[key] = (result, amount)
        return result

    @classmethod
    def fail_next(cls, kind: str, how: str) -> None:
        """The next `kind` ("capture", "refund", "void") is "refused" or times out; the next
        "authorise" is "lost": done, and its answer never arrives (`PspUnreachable`)."""
        cls._failures.setdefault(kind, []).append(how)

    @classmethod
    def captured(cls, idempotency_key: str) -> Decimal:
        """What the fake took for this key (0 if it never did): a test's view of the PSP."""
        done = cls._done.get(idempotency_key)
        return done[1] if done and done[0].status == PspStatus.CAPTURED else Decimal("0")

    def create_payment_link(
        self, *, amount: Decimal, currency: str, reference: str, expires_at: datetime
    ) -> PaymentLink:
        psp_reference = f"fake_link_{uuid.uuid4().hex}"
        token = signing.dumps(
            {"r": psp_reference, "a": str(amount), "c": currency, "e": expires_at.timestamp()},
            salt=_LINK_SALT,
        )
        # The fake's own payment page (web/pay.py), at the site's one public address.
        return PaymentLink(psp_reference, f"{settings.PUBLIC_BASE_URL}/pay/{token}", expires_at)

    def read_link(self, *, token: str) -> tuple[str, Decimal, str, bool]:
        """What a link's page shows before paying: (PSP reference, amount, currency,
        expired). Raises BadSignature for a token this PSP did not sign."""
        try:
            link = signing.loads(token, salt=_LINK_SALT)
        except signing.BadSignature:
            raise BadSignature("not a payment link of this PSP") from None
        return link["r"], Decimal(link["a"]), link["c"], time.time() > link["e"]

    def pay_link(self, *, token: str, card_token: str) -> tuple[bytes, str]:
        """The customer pays the link: the PSP decides, then signs the webhook it sends."""
        try:
            link = signing.loads(token, salt=_LINK_SALT)
        except signing.BadSignature:
            raise BadSignature("not a payment link of this PSP") from None
        if time.time() > link["e"]:
            return self._notification(
                link["r"], PspStatus.DECLINED, link["a"], link["c"], "expired"
            )
        decision, reason = self._decide(Decimal(link["a"]), card_token)
        return self._notification(link["r"], decision, link["a"], link["c"], reason)

    def read_notification(self, *, body: bytes, signature: str) -> Notification:
        parts = dict(part.split("=", 1) for part in signature.split(",") if "=" in part)
        timestamp, given = parts.get("t", ""), parts.get("v1", "")
        if not timestamp.isdigit() or not hmac.compare_digest(
            sign(body, timestamp=int(timestamp)), f"t={timestamp},v1={given}"
        ):
            raise BadSignature("the signature does not match")
        data: dict[str, Any] = json.loads(body)
        return Notification(
            notification_id=data["id"],
            provider_reference=data["payment"],
            status=data["status"],
            amount=Decimal(data["amount"]),
            currency=data["currency"],
            reason=data.get("reason", ""),
        )

    @classmethod
    def reset(cls) -> None:
        cls._sent[:] = []
        cls._done.clear()
        cls._failures.clear()
        cls._authorised.clear()

    @classmethod
    def take_sent(cls) -> list[tuple[bytes, str]]:
        """The webhooks sent since the last call, as (body, signature header)."""
        sent, cls._sent[:] = list(cls._sent), []
        return sent

    def _decide(self, amount: Decimal, card_token: str) -> tuple[str, str]:
        if not card_token.startswith("tok_"):
            return PspStatus.DECLINED, "not a card token"
        if card_token.startswith("tok_declined"):
            return PspStatus.DECLINED, "card declined"
        if card_token.startswith(TERMINAL_CANCELLED):
            return PspStatus.DECLINED, "cancelled"
        if amount > CARD_LIMIT:
            return PspStatus.DECLINED, "over the card's limit"
        return PspStatus.AUTHORISED, ""

    def _send(self, psp_reference: str, status: str, amount: Decimal, currency: str) -> None:
        self._sent.append(self._notification(psp_reference, status, str(amount), currency, ""))

    @staticmethod
    def _notification(
        psp_reference: str, status: str, amount: str, currency: str, reason: str
    ) -> tuple[bytes, str]:
        body = json.dumps(
            {
                "id": f"evt_{uuid.uuid4().hex}",
                "payment": psp_reference,
                "status": status,
                "amount": amount,
                "currency": currency,
                "reason": reason,
            }
        ).encode()
        return body, sign(body)

"""Stripe, through its official Python package (ADR 0027).

- An authorisation is a PaymentIntent created and confirmed at once with the card's payment
  method (`pm_…` from Stripe Elements on the shop's page), `capture_method=manual` and
  multicapture requested: the ledger captures per parcel, so every capture says
  `final_capture=false`; the intent closes when all of it is captured, and a void (cancel)
  releases what is left.
- A refund is a Refund of the PaymentIntent; a void cancels the PaymentIntent.
- A payment link is a Checkout Session (manual capture too); its reference is the session's
  id, and a capture, refund or void of it acts on the session's PaymentIntent.
- Each POST carries the ledger's key in Stripe's `Idempotency-Key` header, so a retry after a
  timeout is done at most once.
- Webhooks are checked with `stripe.Webhook.construct_event` (header `Stripe-Signature`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import stripe
from django.conf import settings

from .adapter import (
    BadSignature,
    IgnoredNotification,
    Notification,
    PaymentLink,
    PspResult,
    PspStatus,
    PspUnreachable,
)

SIGNATURE_HEADER = "Stripe-Signature"
# Stripe counts amounts in the currency's smallest unit; these currencies have no decimals.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)
# Stripe's wording for "the PaymentIntent is not in a state for this": its reason is kept.
_UNEXPECTED_STATE = "payment_intent_unexpected_state"


def to_minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int((amount * 10**exponent).to_integral_value())


def from_minor_units(amount: int, currency: str) -> Decimal:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return (Decimal(amount) / 10**exponent).quantize(Decimal(1) / 10**exponent)


class StripePsp:
    name = "stripe"
    signature_header = SIGNATURE_HEADER
    # Stripe Terminal is not integrated: a PaymentIntent held here would lapse uncaptured.
    has_card_terminal = False

    # A webhook is an authorisation settled, a payment given up, or something comptoir does not
    # act on (answered 2xx all the same, so that Stripe stops sending it).
    _AUTHORISED_EVENTS: ClassVar[set[str]] = {
        "payment_intent.amount_capturable_updated",
        "payment_intent.succeeded",
    }
    _DECLINED_EVENTS: ClassVar[set[str]] = {
        "payment_intent.payment_failed",
        "payment_intent.canceled",
    }

    def __init__(self) -> None:
        self._client = stripe.StripeClient(
            settings.COMPTOIR_STRIPE_SECRET_KEY,
            base_addresses={"api": settings.COMPTOIR_STRIPE_API_BASE},
            # One attempt per call: a retry is the ledger's, with the same key (docs/money.md).
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=settings.COMPTOIR_STRIPE_TIMEOUT_SECONDS),
        )

    def authorise(
        self, *, amount: Decimal, currency: str, card_token: str, reference: str
    ) -> PspResult:
        params: dict[str, Any] = {
            "amount": to_minor_units(amount, currency),
            "currency": currency.lower(),
            "payment_method": card_token,
            "payment_method_types": ["card"],
            "confirm": True,
            "capture_method": "manual",
            "payment_method_options": {"card": {"request_multicapture": "if_available"}},
            "metadata": {"comptoir_reference": reference},
        }
        create = self._client.v1.payment_intents.create
        key = f"authorise:{reference}"
        try:
            try:
                intent = self._call(create, key, params=params)
            except PspUnreachable:
                # Nothing is written yet to retry later: ask once more now, with the same key,
                # so that an authorisation whose answer was lost is replayed, not made twice.
                intent = self._call(create, key, params=params)
        except stripe.CardError as error:
            return PspResult(PspStatus.DECLINED, _intent_of(error), _decline_reason(error))
        except stripe.InvalidRequestError as error:
            # A token Stripe does not know (or a currency it refuses): no money is held.
            return PspResult(PspStatus.DECLINED, _intent_of(error), _message(error))
        except (stripe.AuthenticationError, stripe.PermissionError) as error:
            # Our keys are wrong: the customer's card is not at fault.
            raise PspUnreachable(f"Stripe refused our credentials: {_message(error)}") from None
        return PspResult(_authorisation_status(intent), intent.id, _intent_reason(intent.to_dict()))

    def capture(
        self, *, provider_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PspResult:
        params = {"amount_to_capture": to_minor_units(amount, currency), "final_capture": False}
        idempotency_key = _at_stripe(idempotency_key, provider_reference)

        def call() -> Any:
            capture = self._client.v1.payment_intents.capture
            return self._call(
                capture, idempotency_key, self._intent_id(provider_reference), params=params
            )

        return self._operation(PspStatus.CAPTURED, provider_reference, call)

    def refund(
        self, *, provider_reference: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> PspResult:
        idempotency_key = _at_stripe(idempotency_key, provider_reference)

        def call() -> Any:
            params = {
                "payment_intent": self._intent_id(provider_reference),
                "amount": to_minor_units(amount, currency),
            }
            refund = self._call(self._client.v1.refunds.create, idempotency_key, params=params)
            if refund.status not in {"succeeded", "pending"}:
                raise _Refused(f"refund {refund.status}: {refund.to_dict().get('failure_reason')}")
            return refund

        return self._operation(PspStatus.REFUNDED, provider_reference, call)

    def void(self, *, provider_reference: str, idempotency_key: str) -> PspResult:
        idempotency_key = _at_stripe(idempotency_key, provider_reference)

        def call() -> Any:
            if not provider_reference.startswith("cs_"):
                return self._cancel(provider_reference, idempotency_key)
            session = self._client.v1.checkout.sessions.retrieve(provider_reference)
            if session.status == "open":
                # Not paid yet: expiring the session is how Stripe closes it.
                expire = self._client.v1.checkout.sessions.expire
                return self._call(expire, idempotency_key, session.id)
            return self._cancel(str(session.payment_intent), idempotency_key)

        return self._operation(PspStatus.VOIDED, provider_reference, call)

    def _cancel(self, intent_id: str, idempotency_key: str) -> Any:
        try:
            return self._call(self._client.v1.payment_intents.cancel, idempotency_key, intent_id)
        except stripe.InvalidRequestError as error:
            if error.code == _UNEXPECTED_STATE and _state_of(error) == "canceled":
                return None  # cancelled already (by another key, or by Stripe): voided
            raise

    def create_payment_link(
        self, *, amount: Decimal, currency: str, reference: str, expires_at: datetime
    ) -> PaymentLink:
        base = settings.PUBLIC_BASE_URL
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": to_minor_units(amount, currency),
                        "product_data": {"name": f"Order {reference}"},
                    },
                }
            ],
            "payment_intent_data": {
                "capture_method": "manual",
                "metadata": {"comptoir_reference": reference, "comptoir_payment_link": "1"},
            },
            "client_reference_id": reference,
            "expires_at": int(expires_at.timestamp()),
            "success_url": f"{base}/",
        }
        try:
            session = self._call(
                self._client.v1.checkout.sessions.create, f"link:{reference}", params=params
            )
        except stripe.StripeError as error:
            raise PspUnreachable(
                f"Stripe did not create the payment link: {_message(error)}"
            ) from None
        return PaymentLink(session.id, session.url, expires_at)

    def read_notification(self, *, body: bytes, signature: str) -> Notification:
        try:
            event = stripe.Webhook.construct_event(
                body, signature, settings.COMPTOIR_STRIPE_WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as error:
            raise BadSignature(str(error)) from None
        return _notification(event.to_dict())

    def _intent_id(self, provider_reference: str) -> str:
        """A payment link's reference is its Checkout Session; its money is its PaymentIntent."""
        if not provider_reference.startswith("cs_"):
            return provider_reference
        return str(self._client.v1.checkout.sessions.retrieve(provider_reference).payment_intent)

    @staticmethod
    def _call(method: Any, idempotency_key: str, *args: Any, params: Any = None) -> Any:
        options = {"idempotency_key": idempotency_key}
        with _no_answer_is_unreachable():
            if params is None:
                return method(*args, options=options)
            return method(*args, params=params, options=options)

    @staticmethod
    def _operation(success: str, provider_reference: str, call: Any) -> PspResult:
        """Run a capture, refund or void: done, or refused with Stripe's reason. A refusal is
        definite (the ledger records it failed); no answer raises PspUnreachable."""
        try:
            with _no_answer_is_unreachable():
                call()
        except _Refused as refused:
            return PspResult(PspStatus.FAILED, provider_reference, str(refused))
        except stripe.IdempotencyError as error:
            # The same key with other parameters: a bug of ours, never a second charge.
            reason = f"idempotency: {_message(error)}"
            return PspResult(PspStatus.FAILED, provider_reference, reason)
        except stripe.CardError as error:
            return PspResult(PspStatus.FAILED, provider_reference, _decline_reason(error))
        except stripe.InvalidRequestError as error:
            return PspResult(PspStatus.FAILED, provider_reference, _message(error))
        except (stripe.AuthenticationError, stripe.PermissionError) as error:
            # Our keys are wrong: nothing was done. The row says why; fix the keys, then
            # the back office asks again under a new key.
            return PspResult(PspStatus.FAILED, provider_reference, _message(error))
        return PspResult(success, provider_reference)


def _at_stripe(idempotency_key: str, provider_reference: str) -> str:
    """The ledger's key, unique in our database, made unique at Stripe too: Stripe keeps a key
    for 24 hours across everything that uses the account (a test account shared by databases
    reset since, staging), and `capture:<order id>:…` would meet another order's."""
    return f"{idempotency_key}:{provider_reference}"


@contextmanager
def _no_answer_is_unreachable() -> Iterator[None]:
    """No answer, or one that says nothing about what was done (a timeout, a refused
    connection, 429, a 5xx, a request still in flight under the same key): the ledger asks
    again with the same key later."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        raise PspUnreachable(f"Stripe did not answer: {_message(error)}") from None


class _Refused(Exception):
    """Stripe answered, and did not do it."""


def _authorisation_status(intent: Any) -> str:
    if intent.status in {"requires_capture", "succeeded"}:
        return PspStatus.AUTHORISED
    if intent.status in {"requires_action", "processing"}:
        return PspStatus.PENDING  # 3-D Secure: Stripe's webhook settles it
    return PspStatus.DECLINED


def _intent_reason(intent: dict[str, Any]) -> str:
    error = intent.get("last_payment_error") or {}
    return str(error.get("decline_code") or error.get("message") or "")


def _message(error: stripe.StripeError) -> str:
    return str(error.user_message or error.code or type(error).__name__)


def _error_body(error: stripe.StripeError) -> dict[str, Any]:
    return (error.json_body or {}).get("error") or {}


def _decline_reason(error: stripe.StripeError) -> str:
    body = _error_body(error)
    code = body.get("decline_code") or body.get("code") or ""
    message = body.get("message") or _message(error)
    return f"{code}: {message}" if code else message


def _intent_of(error: stripe.StripeError) -> str:
    """The PaymentIntent a declined confirmation left behind (Stripe keeps it), if any."""
    return str((_error_body(error).get("payment_intent") or {}).get("id") or "")


def _state_of(error: stripe.StripeError) -> str:
    return str((_error_body(error).get("payment_intent") or {}).get("status") or "")


def _notification(event: dict[str, Any]) -> Notification:
    kind = event["type"]
    data = event["data"]["object"]
    metadata = data.get("metadata") or {}
    if kind.startswith("payment_intent.") and metadata.get("comptoir_payment_link"):
        # A payment link's intent: the ledger knows the link by its session, whose own events
        # settle it.
        raise IgnoredNotification(kind)
    if kind in StripePsp._AUTHORISED_EVENTS | StripePsp._DECLINED_EVENTS:
        authorised = kind in StripePsp._AUTHORISED_EVENTS
        reason = (
            ""
            if authorised
            else (_intent_reason(data) or str(data.get("cancellation_reason") or kind))
        )
        amount = (
            data["amount_capturable"] if kind.endswith("capturable_updated") else data["amount"]
        )
        return _settled(event, data, authorised, amount, reason)
    if kind == "checkout.session.completed":
        return _settled(event, data, True, data["amount_total"], "")
    if kind == "checkout.session.expired":
        return _settled(event, data, False, data["amount_total"] or 0, "expired")
    raise IgnoredNotification(kind)


def _settled(event: Any, data: Any, authorised: bool, amount: int, reason: str) -> Notification:
    currency = str(data["currency"]).upper()
    return Notification(
        notification_id=event["id"],
        provider_reference=data["id"],
        status=PspStatus.AUTHORISED if authorised else PspStatus.DECLINED,
        amount=from_minor_units(amount, currency),
        currency=currency,
        reason=reason,
    )

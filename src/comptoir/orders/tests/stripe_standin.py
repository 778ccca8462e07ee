"""A local stand-in for Stripe's API, written from its published reference (github.com/stripe/
openapi and docs.stripe.com), for the tests: a real HTTP server on 127.0.0.1, in a thread.

Only what the adapter uses: PaymentIntents (create + confirm, retrieve, capture with
`amount_to_capture` / `final_capture`, cancel), Refunds, Checkout Sessions (create, retrieve,
expire), with Stripe's shapes: form-encoded requests with bracketed keys, JSON objects, errors
as `{"error": {type, code, decline_code, message, param, payment_intent}}` with Stripe's status
codes (400 invalid_request_error, 401, 402 card_error, 404, idempotency_error), and
Idempotency-Key replays (same key and parameters: the first answer again, with
`Idempotent-Replayed: true`; other parameters: 400 idempotency_error).

Payment methods follow Stripe's test ones: `pm_card_visa` (and any other `pm_card_…`) is
authorised, `pm_card_chargeDeclined…` is declined (402, `decline_code`), and
`pm_card_threeDSecure2Required` needs 3-D Secure (`requires_action`, settled by `authenticate`).

A test can make the next request stall after it was done (`stall_next`: the answer comes too
late, as if lost), and get Stripe's signed webhooks (`event`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

API_KEY = "sk_test_standin"
WEBHOOK_SECRET = "whsec_standin_secret"

DECLINES = {
    "pm_card_chargeDeclined": "generic_decline",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
    "pm_card_chargeDeclinedExpiredCard": "expired_card",
}
NEEDS_3DS = "pm_card_threeDSecure2Required"
KEY_REUSED = (
    "Keys for idempotent requests can only be used with the same parameters they were first "
    "used with. Try using a key other than the one used in the original request."
)
CANCELABLE = {
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
}


KEY_IN_USE = (
    "There is currently another in-progress request using this Stripe-Idempotency-Key (that "
    "probably means you submitted twice, and the other request is still going through)."
)


@dataclass(frozen=True)
class _Stall:
    seconds: float
    before: bool


class StripeError(Exception):
    def __init__(self, status: int, **error: Any) -> None:
        super().__init__(error.get("message", ""))
        self.status, self.error = status, error


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def sign(body: bytes, secret: str = WEBHOOK_SECRET, *, timestamp: int | None = None) -> str:
    """Stripe-Signature: t=<unix>,v1=hex HMAC-SHA256 of "<t>.<payload>" keyed with the secret."""
    timestamp = timestamp or int(time.time())
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class StripeStandIn:
    def __init__(self) -> None:
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.captures: list[tuple[str, int]] = []  # (intent, amount): what it took, in order
        self.requests: list[tuple[str, str, str]] = []  # (method, path, idempotency key)
        self._replays: dict[str, tuple[str, int, dict[str, Any]]] = {}
        self._stalls: list[_Stall] = []
        self._in_flight: set[str] = set()  # keys of requests still being done
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StripeStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def stall_next(self, seconds: float, *, before: bool = False) -> None:
        """The next POST is done, then answered `seconds` late, as if its answer were lost; or,
        `before`, done only after `seconds` (a retry meanwhile finds its key in use: 409)."""
        self._stalls.append(_Stall(seconds, before))

    def captured(self, intent_id: str) -> int:
        return sum(amount for intent, amount in self.captures if intent == intent_id)

    # --- webhooks ------------------------------------------------------------------------------

    def event(
        self, kind: str, obj: dict[str, Any], *, secret: str = WEBHOOK_SECRET
    ) -> tuple[bytes, str]:
        """A webhook as Stripe sends it: an Event around a snapshot of the object, signed."""
        body = json.dumps(
            {
                "id": _id("evt"),
                "object": "event",
                "api_version": "2025-01-27.acacia",
                "created": int(time.time()),
                "data": {"object": obj},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": kind,
            }
        ).encode()
        return body, sign(body, secret)

    def authenticate(self, intent_id: str, *, succeeds: bool = True) -> tuple[bytes, str]:
        """The customer passes (or fails) 3-D Secure: the intent moves, Stripe sends its event."""
        intent = self.intents[intent_id]
        if succeeds:
            intent.update(
                status="requires_capture", amount_capturable=intent["amount"], next_action=None
            )
            return self.event("payment_intent.amount_capturable_updated", intent)
        intent.update(
            status="requires_payment_method",
            next_action=None,
            last_payment_error=self._card_error("authentication_required", intent_id=None),
        )
        return self.event("payment_intent.payment_failed", intent)

    def pay_session(
        self, session_id: str, payment_method: str = "pm_card_visa"
    ) -> tuple[bytes, str]:
        """The customer pays a Checkout Session: its PaymentIntent is authorised."""
        session = self.sessions[session_id]
        intent = self._new_intent(
            {
                "amount": str(session["amount_total"]),
                "currency": session["currency"],
                "payment_method": payment_method,
                "capture_method": session["_capture_method"],
                "confirm": "true",
            },
            metadata=session["_intent_metadata"],
        )
        session.update(status="complete", payment_intent=intent["id"])
        return self.event("checkout.session.completed", self._public(session))

    # --- the API -------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                standin._serve(self, "GET", {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                standin._serve(self, "POST", dict(parse_qsl(body, keep_blank_values=True)))

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def _serve(self, request: BaseHTTPRequestHandler, method: str, params: dict[str, str]) -> None:
        key = request.headers.get("Idempotency-Key", "")
        self.requests.append((method, request.path, key))
        stall = self._stalls.pop(0) if method == "POST" and self._stalls else None
        if stall and stall.before:
            with self._lock:
                self._in_flight.add(key)
            time.sleep(stall.seconds)  # slow to do it: the client has given up meanwhile
        with self._lock:
            if stall and stall.before:
                self._in_flight.discard(key)  # its own key only: a retry's must not free it
            status, answer, replayed = self._answer(request, method, params, key)
        if stall and not stall.before:
            time.sleep(stall.seconds)  # done, and the answer is late: the client has given up
        self._send(request, status, answer, key=key, replayed=replayed)

    def _answer(
        self, request: BaseHTTPRequestHandler, method: str, params: dict[str, str], key: str
    ) -> tuple[int, dict[str, Any], bool]:
        """(status, body, replayed) under the lock: Stripe's checks, in its order."""
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            error = StripeError(
                401, type="invalid_request_error", message="Invalid API Key provided."
            )
            return 401, self._error_body(error), False
        if method == "POST" and key in self._in_flight:
            error = StripeError(
                409, type="idempotency_error", code="idempotency_key_in_use", message=KEY_IN_USE
            )
            return 409, self._error_body(error), False
        if method == "POST" and key and key in self._replays:
            fingerprint, status, answer = self._replays[key]
            if fingerprint != self._fingerprint(request.path, params):
                error = StripeError(400, type="idempotency_error", message=KEY_REUSED)
                return 400, self._error_body(error), False
            return status, answer, True
        status, answer = self._route(method, request.path, params)
        if method == "POST" and key and status < 500:
            self._replays[key] = (self._fingerprint(request.path, params), status, answer)
        return status, answer, False

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        answer: dict[str, Any],
        *,
        key: str,
        replayed: bool,
    ) -> None:
        payload = json.dumps(answer).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(payload)))
            request.send_header("Request-Id", _id("req"))
            if key:
                request.send_header("Idempotency-Key", key)
            if replayed:
                request.send_header("Idempotent-Replayed", "true")
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting

    @staticmethod
    def _fingerprint(path: str, params: dict[str, str]) -> str:
        return json.dumps([path, sorted(params.items())])

    def _route(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        parts = path.split("?")[0].strip("/").split("/")
        try:
            match method, parts:
                case "POST", ["v1", "payment_intents"]:
                    return 200, self._public(
                        self._new_intent(params, metadata=_nested(params, "metadata"))
                    )
                case "GET", ["v1", "payment_intents", intent_id]:
                    return 200, self._public(self._intent(intent_id))
                case "POST", ["v1", "payment_intents", intent_id, "capture"]:
                    return 200, self._public(self._capture(self._intent(intent_id), params))
                case "POST", ["v1", "payment_intents", intent_id, "cancel"]:
                    return 200, self._public(self._cancel(self._intent(intent_id), params))
                case "POST", ["v1", "refunds"]:
                    return 200, self._refund(params)
                case "POST", ["v1", "checkout", "sessions"]:
                    return 200, self._public(self._new_session(params))
                case "GET", ["v1", "checkout", "sessions", session_id]:
                    return 200, self._public(self._session(session_id))
                case "POST", ["v1", "checkout", "sessions", session_id, "expire"]:
                    return 200, self._public(self._expire(self._session(session_id)))
        except StripeError as error:
            return error.status, self._error_body(error)
        return 404, self._error_body(
            StripeError(
                404,
                type="invalid_request_error",
                message=f"Unrecognized request URL ({method}: {path}).",
            )
        )

    @staticmethod
    def _error_body(error: StripeError) -> dict[str, Any]:
        return {"error": {"request_log_url": "", **error.error}}

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # PaymentIntents

    def _new_intent(self, params: dict[str, str], *, metadata: dict[str, str]) -> dict[str, Any]:
        amount = _amount(params, "amount", minimum=1)
        currency = _required(params, "currency").lower()
        intent = {
            "id": _id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": params.get("capture_method", "automatic_async"),
            "client_secret": None,
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": currency,
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": metadata,
            "next_action": None,
            "payment_method": params.get("payment_method"),
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
            "_refunded": 0,
        }
        intent["client_secret"] = f"{intent['id']}_secret_{uuid.uuid4().hex[:12]}"
        self.intents[intent["id"]] = intent
        if params.get("confirm") == "true":
            self._confirm(intent, params.get("payment_method", ""))
        return intent

    def _confirm(self, intent: dict[str, Any], payment_method: str) -> None:
        if not payment_method.startswith("pm_"):
            intent["status"] = "requires_payment_method"
            raise StripeError(
                400,
                type="invalid_request_error",
                code="resource_missing",
                param="payment_method",
                message=f"No such PaymentMethod: '{payment_method}'",
            )
        if payment_method in DECLINES:
            error = self._card_error(DECLINES[payment_method], intent_id=intent["id"])
            intent.update(status="requires_payment_method", last_payment_error=error)
            raise StripeError(402, **error, payment_intent=self._public(intent))
        if payment_method == NEEDS_3DS:
            intent.update(status="requires_action", next_action={"type": "use_stripe_sdk"})
            return
        if intent["capture_method"] == "manual":
            intent.update(status="requires_capture", amount_capturable=intent["amount"])
        else:
            intent.update(status="succeeded", amount_received=intent["amount"])
            self.captures.append((intent["id"], intent["amount"]))

    @staticmethod
    def _card_error(decline_code: str, *, intent_id: str | None) -> dict[str, Any]:
        return {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": decline_code,
            "message": "Your card was declined.",
            "param": "",
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        }

    def _intent(self, intent_id: str) -> dict[str, Any]:
        if intent_id not in self.intents:
            raise StripeError(
                404,
                type="invalid_request_error",
                code="resource_missing",
                param="intent",
                message=f"No such payment_intent: '{intent_id}'",
            )
        return self.intents[intent_id]

    def _unexpected_state(self, intent: dict[str, Any], action: str) -> StripeError:
        return StripeError(
            400,
            type="invalid_request_error",
            code="payment_intent_unexpected_state",
            message=f"This PaymentIntent could not be {action} because it has a status of "
            f"{intent['status']}.",
            payment_intent=self._public(intent),
        )

    def _capture(self, intent: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        if intent["status"] != "requires_capture":
            raise self._unexpected_state(intent, "captured")
        amount = _amount(
            params, "amount_to_capture", minimum=1, default=intent["amount_capturable"]
        )
        if amount > intent["amount_capturable"]:
            raise StripeError(
                400,
                type="invalid_request_error",
                code="amount_too_large",
                param="amount_to_capture",
                message=f"The amount to capture ({amount}) is greater than what is capturable "
                f"({intent['amount_capturable']}).",
            )
        self.captures.append((intent["id"], amount))
        intent["amount_received"] += amount
        remaining = intent["amount_capturable"] - amount
        if params.get("final_capture") == "false" and remaining > 0:
            intent["amount_capturable"] = remaining  # multicapture: the rest stays authorised
        else:
            intent.update(status="succeeded", amount_capturable=0)  # the rest is released
        return intent

    def _cancel(self, intent: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
        if intent["status"] not in CANCELABLE:
            raise self._unexpected_state(intent, "canceled")
        if (
            intent["metadata"].get("comptoir_payment_link")
            and intent["status"] != "requires_capture"
        ):
            raise StripeError(
                400,
                type="invalid_request_error",
                message="You can't cancel the PaymentIntent for a Checkout Session. Expire the "
                "Checkout Session instead.",
            )
        intent.update(
            status="canceled",
            amount_capturable=0,
            canceled_at=int(time.time()),
            cancellation_reason=params.get("cancellation_reason"),
        )
        return intent

    # Refunds

    def _refund(self, params: dict[str, str]) -> dict[str, Any]:
        intent = self._intent(_required(params, "payment_intent"))
        refundable = intent["amount_received"] - intent["_refunded"]
        if refundable <= 0:
            raise StripeError(
                400,
                type="invalid_request_error",
                code="charge_already_refunded" if intent["_refunded"] else "charge_not_captured",
                message="This PaymentIntent has nothing captured left to refund.",
            )
        amount = _amount(params, "amount", minimum=1, default=refundable)
        if amount > refundable:
            raise StripeError(
                400,
                type="invalid_request_error",
                code="amount_too_large",
                param="amount",
                message=f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({refundable})",
            )
        intent["_refunded"] += amount
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "created": int(time.time()),
            "metadata": _nested(params, "metadata"),
            "reason": params.get("reason"),
        }
        self.refunds[refund["id"]] = refund
        return refund

    # Checkout Sessions

    def _new_session(self, params: dict[str, str]) -> dict[str, Any]:
        if params.get("mode") != "payment":
            raise StripeError(
                400,
                type="invalid_request_error",
                param="mode",
                message="mode must be payment here.",
            )
        quantity = int(params.get("line_items[0][quantity]", "1"))
        unit = _amount(params, "line_items[0][price_data][unit_amount]", minimum=0)
        session_id = f"cs_test_{uuid.uuid4().hex}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": unit * quantity,
            "client_reference_id": params.get("client_reference_id"),
            "currency": _required(params, "line_items[0][price_data][currency]").lower(),
            "expires_at": int(params.get("expires_at") or time.time() + 86400),
            "metadata": _nested(params, "metadata"),
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "url": f"{self.url}/c/pay/{session_id}",
            "_capture_method": params.get("payment_intent_data[capture_method]", "automatic"),
            "_intent_metadata": _nested(params, "payment_intent_data[metadata]"),
        }
        self.sessions[session_id] = session
        return session

    def _session(self, session_id: str) -> dict[str, Any]:
        if session_id not in self.sessions:
            raise StripeError(
                404,
                type="invalid_request_error",
                code="resource_missing",
                message=f"No such checkout.session: '{session_id}'",
            )
        return self.sessions[session_id]

    def _expire(self, session: dict[str, Any]) -> dict[str, Any]:
        if session["status"] != "open":
            raise StripeError(
                400,
                type="invalid_request_error",
                message=f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
            )
        session["status"] = "expired"
        return session


def _required(params: dict[str, str], name: str) -> str:
    if not params.get(name):
        raise StripeError(
            400,
            type="invalid_request_error",
            code="parameter_missing",
            param=name,
            message=f"Missing required param: {name}.",
        )
    return params[name]


def _amount(params: dict[str, str], name: str, *, minimum: int, default: int | None = None) -> int:
    raw = params.get(name)
    if raw is None and default is not None:
        return default
    try:
        value = int(_required(params, name))
    except ValueError:
        value = -1
    if value < minimum:
        raise StripeError(
            400,
            type="invalid_request_error",
            code="parameter_invalid_integer",
            param=name,
            message=f"Invalid integer: {raw}",
        )
    return value


def _nested(params: dict[str, str], prefix: str) -> dict[str, str]:
    """`metadata[a]=1` → {"a": "1"}: Stripe's bracketed form keys, one level down."""
    start = f"{prefix}["
    return {
        key[len(start) : -1]: value
        for key, value in params.items()
        if key.startswith(start) and key.endswith("]") and "[" not in key[len(start) : -1]
    }

from comptoir.core.errors import Conflict, DomainError, NotFound, ValidationFailed


class OrderNotFound(NotFound):
    code = "order-not-found"


class OrderStateConflict(Conflict):
    code = "order-state-conflict"
    title = "The order cannot do this in its current state"


class PaymentDeclined(DomainError):
    code = "payment-declined"
    status = 402
    title = "The payment was declined"


class PaymentFailed(Conflict):
    code = "payment-failed"
    title = "The payment provider refused the operation"


class PaymentNotAnswered(PaymentFailed):
    """The PSP did not answer (a timeout): it may or may not have done it. The operation stays
    `requested`, to be asked again with the same idempotency key, never with a new one."""

    code = "payment-not-answered"
    status = 503
    title = "The payment provider did not answer; the operation will be asked again"


class PaymentProviderUnavailable(DomainError):
    """The PSP did not answer an authorisation or a payment link: nothing was ordered, and a
    card authorised without our knowing lapses unclaimed (Stripe cancels it after 7 days)."""

    code = "payment-provider-unavailable"
    status = 503
    title = "The payment provider did not answer; nothing was ordered, try again"


class WrongPickupCode(ValidationFailed):
    code = "wrong-pickup-code"
    title = "This is not the order's pickup code"


class InvalidOrder(ValidationFailed):
    code = "invalid-order"


class TenderRequired(ValidationFailed):
    code = "tender-required"
    title = "Say how the customer paid at the till"


class PaymentNotYetRecorded(DomainError):
    """A PSP notification for a payment this system has not committed yet (its order is being
    written): answered with a 503 so that the PSP delivers it again, and not marked handled."""

    code = "payment-not-yet-recorded"
    status = 503
    title = "This payment is not recorded yet; send the notification again later"


class TerminalCancelled(PaymentDeclined):
    """The customer (or the associate) cancelled on the card terminal: nothing was sold."""

    code = "terminal-cancelled"
    title = "The payment was cancelled on the card terminal"


class TerminalNotAnswered(PaymentProviderUnavailable):
    """The card terminal did not answer: nothing was sold or captured; try the card again
    (an authorisation it made unknown to us lapses unclaimed) or take another tender."""

    code = "terminal-not-answered"
    title = "The card terminal did not answer; nothing was sold, try again"


class TendersDoNotCover(ValidationFailed):
    code = "tenders-do-not-cover"
    title = "The tenders do not pay the total"


class TerminalHoldLeftOpen(Conflict):
    """The sale could not be written and the card terminal did not give the hold back: the
    request is recorded (`void_failed`), reconcile lists it, the associate cancels it there."""

    code = "terminal-hold-left-open"
    title = "Nothing was sold, but the card terminal still holds the payment"


class PickupCodeLocked(DomainError):
    """Too many wrong pickup codes for this order lately: no code is checked until the lockout
    ends (domain.PICKUP_CODE_LOCKOUT); the store was told (`order.pickup_code_locked`)."""

    code = "pickup-code-locked"
    status = 429
    title = "Too many wrong pickup codes for this order; try again later"

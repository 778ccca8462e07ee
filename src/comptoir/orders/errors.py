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


class WrongPickupCode(ValidationFailed):
    code = "wrong-pickup-code"
    title = "This is not the order's pickup code"


class InvalidOrder(ValidationFailed):
    code = "invalid-order"

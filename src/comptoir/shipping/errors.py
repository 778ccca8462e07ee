from comptoir.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class ShipmentNotFound(NotFound):
    code = "shipment-not-found"


class CarrierNotFound(NotFound):
    code = "carrier-not-found"


class AlertNotFound(NotFound):
    code = "alert-not-found"


class NoCarrierService(ValidationFailed):
    code = "no-carrier-service"


class CarrierSwitchRefused(Conflict):
    code = "carrier-switch-refused"


class InvalidSignature(PermissionDenied):
    code = "invalid-signature"
    status = 401
    title = "The webhook signature does not match"

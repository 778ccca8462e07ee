from comptoir.core.errors import Conflict, NotFound


class CustomerNotFound(NotFound):
    code = "customer-not-found"


class EmailAlreadyRegistered(Conflict):
    code = "email-already-registered"

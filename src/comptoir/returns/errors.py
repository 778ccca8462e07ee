from comptoir.core.errors import Conflict, NotFound, ValidationFailed


class ReturnNotFound(NotFound):
    code = "return-not-found"


class InvalidReturn(ValidationFailed):
    code = "invalid-return"


class UnitsAlreadyReturned(Conflict):
    code = "units-already-returned"
    title = "These units were returned already"

from comptoir.core.errors import NotFound, ValidationFailed


class ReturnNotFound(NotFound):
    code = "return-not-found"


class InvalidReturn(ValidationFailed):
    code = "invalid-return"

from comptoir.core.errors import NotAuthenticated, NotFound, ValidationFailed


class UnknownApiToken(NotAuthenticated):
    code = "unknown-api-token"


class ApiTokenNotFound(NotFound):
    code = "api-token-not-found"


class UnknownScope(ValidationFailed):
    code = "unknown-scope"

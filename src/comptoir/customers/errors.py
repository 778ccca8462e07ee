from comptoir.core.errors import Conflict, NotAuthenticated, NotFound


class CustomerNotFound(NotFound):
    code = "customer-not-found"


class EmailAlreadyRegistered(Conflict):
    code = "email-already-registered"


class ConsentRequired(Conflict):
    """The person has not given (or has withdrawn) the consent this use of their data needs."""

    code = "consent-required"
    title = "The customer has not consented to this"


class IdentityTaken(Conflict):
    code = "identity-taken"
    title = "Another profile already holds this identity"


class ProfileClosed(Conflict):
    """Merged into another profile, or erased: nothing more can be recorded on it."""

    code = "profile-closed"
    title = "This profile was merged or erased"


class InvalidCredentials(NotAuthenticated):
    code = "invalid-credentials"

from comptoir.core.errors import Conflict, NotFound, ValidationFailed


class LocationNotFound(NotFound):
    code = "location-not-found"


class LocationCodeTaken(Conflict):
    code = "location-code-taken"


class PlaceNotFound(ValidationFailed):
    """The store locator was asked from a postcode or town that the offline data does not know."""

    code = "place-not-found"
    title = "No such place in France"

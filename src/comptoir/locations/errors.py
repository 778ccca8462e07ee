from comptoir.core.errors import Conflict, NotFound


class LocationNotFound(NotFound):
    code = "location-not-found"


class LocationCodeTaken(Conflict):
    code = "location-code-taken"

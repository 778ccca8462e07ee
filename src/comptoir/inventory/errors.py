from comptoir.core.errors import Conflict, NotFound, ValidationFailed


class OutOfStock(Conflict):
    code = "out-of-stock"
    title = "Not enough stock"

    def __init__(self, detail: str, *, sku: str = "", location: str = "") -> None:
        super().__init__(detail, errors=[{"field": "sku", "message": f"{sku} at {location}"}])


class StockWouldGoNegative(Conflict):
    code = "stock-would-go-negative"
    title = "This would leave fewer units than are held or on hand"


class HoldNotFound(NotFound):
    code = "hold-not-found"


class HoldNotActive(Conflict):
    code = "hold-not-active"
    title = "This hold has already ended"


class UnknownSku(ValidationFailed):
    code = "unknown-sku"


class UnknownChannel(ValidationFailed):
    code = "unknown-channel"


class InvalidSnapshot(ValidationFailed):
    code = "invalid-snapshot"
    title = "The stock snapshot cannot be read"


class SnapshotJobNotFound(NotFound):
    code = "snapshot-job-not-found"


class SnapshotInProgress(Conflict):
    code = "snapshot-in-progress"
    title = "Another worker is loading this snapshot"

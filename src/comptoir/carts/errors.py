from comptoir.core.errors import Conflict, NotFound


class CartNotFound(NotFound):
    code = "cart-not-found"


class HandoffCodeNotFound(NotFound):
    code = "handoff-code-not-found"


class CartClosed(Conflict):
    code = "cart-closed"
    title = "This cart was merged into another"

from comptoir.core.errors import Conflict, NotFound


class TaskNotFound(NotFound):
    code = "store-task-not-found"


class TaskStateConflict(Conflict):
    code = "store-task-state-conflict"
    title = "The store task cannot do this in its current state"


class CapacityFull(Conflict):
    """A location cannot take this order now: its picking day, its same-day deliveries or the
    chosen delivery slot is full. Nothing of the order was written."""

    code = "capacity-full"
    title = "A location has no capacity left for this order"

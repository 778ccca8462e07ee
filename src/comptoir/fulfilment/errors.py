from comptoir.core.errors import Conflict, NotFound


class TaskNotFound(NotFound):
    code = "store-task-not-found"


class TaskStateConflict(Conflict):
    code = "store-task-state-conflict"
    title = "The store task cannot do this in its current state"

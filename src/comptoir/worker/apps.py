from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "comptoir.worker"
    label = "worker"

    def ready(self) -> None:
        from comptoir.core.outbox import on_event_committed

        from .tasks import wake_outbox_worker

        on_event_committed(wake_outbox_worker)

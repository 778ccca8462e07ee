from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (Huey consumer): outbox delivery, webhooks, schedules."

    def handle(self, *args: object, **options: object) -> None:
        call_command("run_huey")

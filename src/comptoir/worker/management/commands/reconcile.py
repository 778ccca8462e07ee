import sys

from django.core.management.base import BaseCommand

from comptoir.reconciliation import reconcile


class Command(BaseCommand):
    help = (
        "List every order and stock level whose money, stock or state does not add up; "
        "exit 1 if there is any."
    )

    def handle(self, *args: object, **options: object) -> None:
        found = reconcile()
        for discrepancy in found:
            self.stdout.write(str(discrepancy))
        if found:
            self.stdout.flush()
            sys.exit(1)
        self.stdout.write("All add up: every stock level and every order reconciles.")

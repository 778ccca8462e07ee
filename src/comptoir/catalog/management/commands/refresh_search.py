from django.core.management.base import BaseCommand

from comptoir.catalog.services.search import refresh_search_documents


class Command(BaseCommand):
    help = (
        "Rewrite every product's search document: once after upgrading to the version that "
        "brought search (ADR 0033), or after products were written by hand in SQL."
    )

    def handle(self, *args: object, **options: object) -> None:
        written = refresh_search_documents()
        self.stdout.write(f"{written} products can be searched.")

import argparse

from django.core.management.base import BaseCommand, CommandParser

from comptoir.demo.retailer import DEMO_PASSWORD, load
from comptoir.demo.stores import DEFAULT_STORE_COUNT, MAX_STORES


def store_count(text: str) -> int:
    count = int(text)
    if not 1 <= count <= MAX_STORES:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_STORES}")
    return count


class Command(BaseCommand):
    help = "Load the demo retailer (deterministic, idempotent: loading twice adds nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--customers", type=int, default=1000)
        parser.add_argument("--skus", type=int, default=2000, help="about this many SKUs")
        parser.add_argument(
            "--range-percent", type=int, default=None, help="share of SKUs each store stocks"
        )
        parser.add_argument(
            "--stores",
            type=store_count,
            default=DEFAULT_STORE_COUNT,
            help=f"stores in the biggest French towns, 1 to {MAX_STORES}",
        )

    def handle(self, *args: object, **options: int) -> None:
        logins = load(
            seed=options["seed"],
            customers=options["customers"],
            stores=options["stores"],
            skus=options["skus"],
            range_percent=options["range_percent"],
        )
        self.stdout.write(self.style.SUCCESS("Demo retailer Élan Sport & Tech is loaded."))
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {login.role:<14} {login.note}")

from django.core.management.base import BaseCommand, CommandParser

from comptoir.demo.retailer import DEMO_PASSWORD, STORES, load


class Command(BaseCommand):
    help = "Load the demo retailer (deterministic, idempotent: loading twice adds nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--skus", type=int, default=2000, help="about this many SKUs")
        parser.add_argument(
            "--range-percent", type=int, default=None, help="share of SKUs each store stocks"
        )
        parser.add_argument(
            "--stores", type=int, default=len(STORES), choices=range(1, len(STORES) + 1)
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

"""What the stock races share: threads released at once, and a level read beside its ledger."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection
from django.db.models import Sum

from comptoir.inventory.models import StockLevel, StockMovement


def at_once(racers: int, race: Callable[[int], str]) -> list[str]:
    """Run `race(0)` … `race(racers - 1)` in as many threads, released together; each returns
    its outcome. Each thread's database connection is its own, closed when it is done."""
    start = threading.Barrier(racers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            start.wait()
            outcome = race(number)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def level_and_ledger(variant, store) -> tuple[tuple[int, int], tuple[int, int]]:
    """(on hand, held) as the level stores them, and as its movements add up."""
    level = StockLevel.objects.get(variant=variant, location=store)
    ledger = StockMovement.objects.filter(variant=variant, location=store).aggregate(
        on_hand=Sum("on_hand_delta"), held=Sum("held_delta")
    )
    return (level.on_hand, level.held), (ledger["on_hand"], ledger["held"])


class TerminalAuthorisations:
    """Every authorisation the fake card terminal gave during a race, so that a test can say
    which still stand once the voids are in: a till that lost a race voids its own."""

    def __init__(self, monkeypatch) -> None:
        from comptoir.orders.payments.fake import FakePsp

        self.given: list[str] = []
        lock = threading.Lock()
        authorise = FakePsp.authorise

        def recorded(psp, **kwargs):
            result = authorise(psp, **kwargs)
            with lock:
                self.given.append(result.provider_reference)
            return result

        monkeypatch.setattr(FakePsp, "authorise", recorded)

    def standing(self) -> set[str]:
        from comptoir.orders.payments.fake import FakePsp

        voided = {
            result.provider_reference
            for key, (result, _) in FakePsp._done.items()
            if key.startswith("void:") and result.status == "voided"
        }
        return set(self.given) - voided

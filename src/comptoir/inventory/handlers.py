"""Reactions of stock to events (wired in comptoir.wiring)."""

from functools import partial

from django.db import transaction

from comptoir.core.outbox import Event

from .services import snapshots


def load_requested_snapshot(event: Event) -> None:
    """Load the stock snapshot a `stock.snapshot_requested` event asks for.

    As with the catalogue import, the load must not run inside the delivery's transaction:
    each batch commits on its own so that progress shows, locks stay short and a crash costs
    one batch at most. So it starts just after that transaction commits, still within this
    delivery: if it fails, the delivery is retried, and the retry resumes the job.
    """
    transaction.on_commit(
        partial(snapshots.run_stock_snapshot, job_id=int(event.payload["job_id"]))
    )

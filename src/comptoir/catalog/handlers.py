"""Reactions of the catalogue to events (wired in comptoir.wiring)."""

from functools import partial

from django.db import transaction

from comptoir.core.outbox import Event

from .services import imports


def run_requested_import(event: Event) -> None:
    """Run the catalogue import a `catalog.import_requested` event asks for.

    A delivery runs its handler inside one transaction, and an import must not run inside
    one: each batch commits on its own so that progress shows while it runs, SQLite's single
    writer is not held for the whole file, and a crash costs one batch at most. So the import
    starts just after that transaction commits, still within this delivery: if it fails, the
    delivery fails and is retried, and the retry resumes the job where its last batch ended.
    """
    transaction.on_commit(partial(imports.run_catalog_import, job_id=int(event.payload["job_id"])))

"""Stock snapshots: a till system or a warehouse sends a full count of one location.

What a snapshot guarantees, position by position:
- the counted quantity becomes the level's on-hand; SKUs of the location that the count does
  not mention are left as they are (there is no "zero what is missing" mode);
- holds stay intact: `held` never changes, and a count below what is held for customers is
  rejected for that SKU ("counted 1 but 2 are held for customers"), whose level stays as is;
- only a position that changes a level writes a ledger movement (kind `snapshot`, reference
  the job) and a `stock.changed` event, so a second identical snapshot changes nothing;
- a bad line (no SKU, a quantity that is not a whole number from 0 to 1,000,000,000, an SKU
  twice in the file or unknown to the catalogue, a count below what is held) is rejected with
  its line and reason, and never stops a good one.

`start_stock_snapshot` keeps the file and asks for the load (`stock.snapshot_requested`); the
worker then calls `run_stock_snapshot`, which loads it batch by batch. Each batch is one
transaction holding its levels, movements, events *and* the job's progress, so progress shows
while it runs, a crash loses at most the batch in flight, and a rerun resumes after the last
committed batch. `apply_stock_snapshot` is the same load without a job. How a load reaches
the database (set-based on PostgreSQL) is in `snapshot_positions` and `snapshot_loading`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F

from comptoir.core import clock
from comptoir.core.csv_files import read_csv
from comptoir.core.jobs import claim_leased_job
from comptoir.core.outbox import record_event

from .. import events
from ..errors import InvalidSnapshot, SnapshotInProgress, SnapshotJobNotFound
from ..models import SnapshotJob
from .snapshot_loading import load_positions
from .snapshot_positions import REPORT_LIMIT, Batch

LEASE = timedelta(minutes=5)  # renewed by every batch; a dead runner's job is resumed after it
CSV_COLUMNS = ("sku", "quantity")


@dataclass(frozen=True)
class SnapshotFile:
    """A count as sent, and as read: the location it names (JSON only) and its positions."""

    format: str  # SnapshotJob.Format
    content: str
    location: str | None
    positions: list[tuple[object, object]]  # (sku, quantity) as read; checked when loaded
    lines: list[int] | None  # the line of each position (CSV); None: the nth position is n


@dataclass(frozen=True)
class SnapshotResult:
    total_rows: int
    changed: int
    unchanged: int
    rejected: int  # exact
    report: list[dict[str, object]]  # the first 1,000 rejected lines: line, sku, reason


def read_snapshot_csv(text: str) -> SnapshotFile:
    """A CSV count with a `sku,quantity` header (other columns are ignored), comma- or
    semicolon-separated, with or without a byte-order mark. Raises InvalidSnapshot if the
    header lacks a column; a bad line is rejected later, on its own."""
    header, lines = read_csv(text, required=CSV_COLUMNS, invalid=InvalidSnapshot)
    sku_at, quantity_at = header.index("sku"), header.index("quantity")
    positions: list[tuple[object, object]] = []
    line_numbers: list[int] = []
    width = max(sku_at, quantity_at) + 1
    add_position, add_line = positions.append, line_numbers.append  # a million times: no lookups
    for line, fields in lines:
        if len(fields) >= width:
            sku, quantity = fields[sku_at].strip(), fields[quantity_at].strip()
        else:
            sku = fields[sku_at].strip() if len(fields) > sku_at else ""
            quantity = fields[quantity_at].strip() if len(fields) > quantity_at else ""
        # Whole numbers become ints here; anything else stays text, to be reported as is.
        add_position((sku, int(quantity) if quantity.isdecimal() else quantity))
        add_line(line)
    return SnapshotFile(SnapshotJob.Format.CSV, text, None, positions, line_numbers)


def read_snapshot_json(text: str) -> SnapshotFile:
    """`{"location": "lyon-part-dieu", "positions": [{"sku": "JACKET-S", "quantity": 3}]}`.

    Raises InvalidSnapshot unless it is such an object; a bad position is rejected later, on
    its own, its line being its number in `positions` (the first is 1)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise InvalidSnapshot(
            f"The body is not JSON: {error}.", errors=[{"field": "body", "message": str(error)}]
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("positions"), list):
        raise InvalidSnapshot(
            "A snapshot is an object with a list of positions.",
            errors=[{"field": "body.positions", "message": "a list of {sku, quantity}"}],
        )
    location = document.get("location")
    if location is not None and not isinstance(location, str):
        raise InvalidSnapshot(
            "The location is a store or warehouse code.",
            errors=[{"field": "body.location", "message": "a location code"}],
        )
    positions: list[tuple[object, object]] = []
    for position in document["positions"]:
        if not isinstance(position, dict):
            positions.append((None, None))
            continue
        sku = position.get("sku")
        positions.append((sku.strip() if isinstance(sku, str) else sku, position.get("quantity")))
    return SnapshotFile(SnapshotJob.Format.JSON, text, location, positions, None)


def read_snapshot(text: str, file_format: str) -> SnapshotFile:
    if file_format == SnapshotJob.Format.CSV:
        return read_snapshot_csv(text)
    return read_snapshot_json(text)


def apply_stock_snapshot(
    *,
    location_id: int,
    rows: Iterable[tuple[str, int]],
    reference: str,
    actor: str = "",
    batch_size: int | None = None,
) -> SnapshotResult:
    """Load a count of one location now, without a job: `rows` are (sku, quantity) pairs,
    the nth being line n of the report. Same guarantees as the module's; each batch commits
    on its own, so call it outside a transaction to keep the locks short."""
    changed = unchanged = rejected = 0
    report: list[dict[str, object]] = []

    def add_up(batch: Batch) -> None:
        nonlocal changed, unchanged, rejected, report
        changed += batch.changed
        unchanged += batch.unchanged
        rejected += batch.rejected
        report = (report + batch.report)[:REPORT_LIMIT]

    total = load_positions(
        location_id=location_id,
        positions=rows,
        lines=None,
        start=0,
        reference=reference,
        actor=actor,
        batch_size=batch_size,
        on_batch=add_up,
    )
    return SnapshotResult(total, changed, unchanged, rejected, report)


def start_stock_snapshot(
    *, location_id: int, snapshot: SnapshotFile, actor: str = ""
) -> SnapshotJob:
    """Keep the file and ask the worker to load it (`stock.snapshot_requested`). The file
    was read already (`read_snapshot`), so that one that cannot be read is refused at once."""
    with transaction.atomic():
        job = SnapshotJob.objects.create(
            location_id=location_id,
            format=snapshot.format,
            content=snapshot.content,
            actor=actor,
            total_rows=len(snapshot.positions),
            created_at=clock.now(),
        )
        record_event(
            events.SNAPSHOT_REQUESTED,
            aggregate=f"stock-snapshot:{job.pk}",
            payload={
                "job_id": job.pk,
                "location_id": location_id,
                "total_rows": job.total_rows,
            },
        )
    return job


def snapshot_job(*, job_id: int) -> SnapshotJob:
    """The job with its progress and report (not its file). Raises SnapshotJobNotFound."""
    job = SnapshotJob.objects.defer("content").select_related("location").filter(pk=job_id)
    found = job.first()
    if found is None:
        raise SnapshotJobNotFound(f"No stock snapshot has the id {job_id}.")
    return found


def _claim(job_id: int, runner: str) -> SnapshotJob | None:
    return claim_leased_job(SnapshotJob, job_id=job_id, runner=runner, lease=LEASE)


def run_stock_snapshot(*, job_id: int, batch_size: int | None = None) -> SnapshotJob:
    """Load the positions not yet processed, a batch per transaction, then finish the job.

    Safe to call again: a finished job is returned as is, a job another runner holds raises
    SnapshotInProgress, an abandoned one is resumed after its last committed batch.
    """
    runner = uuid.uuid4().hex
    job = _claim(job_id, runner)
    if job is None:
        job = SnapshotJob.objects.defer("content").filter(pk=job_id).first()
        if job is None:
            raise SnapshotJobNotFound(f"No stock snapshot has the id {job_id}.")
        if job.status == SnapshotJob.Status.FINISHED:
            return job
        raise SnapshotInProgress(f"Stock snapshot {job_id} is being loaded by another worker.")
    snapshot = read_snapshot(job.content, job.format)
    report = list(job.report)

    def record_progress(batch: Batch) -> None:
        nonlocal report
        report = (report + batch.report)[:REPORT_LIMIT]
        moved = SnapshotJob.objects.filter(
            pk=job_id, runner=runner, processed_rows=batch.start
        ).update(
            processed_rows=batch.end,
            changed=F("changed") + batch.changed,
            unchanged=F("unchanged") + batch.unchanged,
            rejected=F("rejected") + batch.rejected,
            report=report,
            lease_until=clock.now() + LEASE,
        )
        if not moved:  # our lease ran out and another runner took over: undo this batch
            raise SnapshotInProgress(f"Stock snapshot {job_id} was taken over.")

    load_positions(
        location_id=job.location_id,
        positions=snapshot.positions,
        lines=snapshot.lines,
        start=job.processed_rows,
        reference=f"stock-snapshot:{job_id}",
        actor=job.actor,
        batch_size=batch_size,
        on_batch=record_progress,
    )
    return _finish(job_id, runner)


def _finish(job_id: int, runner: str) -> SnapshotJob:
    with transaction.atomic():
        finished = SnapshotJob.objects.filter(pk=job_id, runner=runner).update(
            status=SnapshotJob.Status.FINISHED,
            finished_at=clock.now(),
            runner="",
            lease_until=None,
        )
        if not finished:
            raise SnapshotInProgress(f"Stock snapshot {job_id} was taken over.")
        job = snapshot_job(job_id=job_id)
        record_event(
            events.SNAPSHOT_LOADED,
            aggregate=f"stock-snapshot:{job_id}",
            payload={
                "job_id": job_id,
                "location_id": job.location_id,
                "total_rows": job.total_rows,
                "changed": job.changed,
                "unchanged": job.unchanged,
                "rejected": job.rejected,
            },
        )
    return job

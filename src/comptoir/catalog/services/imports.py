"""CSV imports of products and variants: every good row is kept, every bad one reported.

`start_catalog_import` stores the file and asks for the import (outbox event); the worker
then calls `run_catalog_import`, which works through the file in batches. Each batch is one
transaction that holds its rows *and* the job's progress, so progress shows while it runs, a
crash loses at most the batch in flight, and a rerun resumes where the last batch ended. Inside
a batch each row has its own savepoint: a row the database refuses is rejected alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from comptoir.core import clock
from comptoir.core.csv_files import read_csv
from comptoir.core.jobs import claim_leased_job
from comptoir.core.outbox import record_event

from .. import events
from ..domain import IMPORT_COLUMNS, import_row_problems, normalise_gtin, parse_price
from ..errors import ImportInProgress, ImportJobNotFound, InvalidCsv
from ..models import Category, ImportJob, Product, Variant
from .products import NewVariant, insert_product, insert_variants, variants_payload
from .search import refresh_search_documents

BATCH_SIZE = 200
LEASE = timedelta(minutes=5)  # renewed by every batch; a dead runner's job is resumed after it
REPORT_LIMIT = 1000  # rejected rows listed in the report; the `rejected` count is always exact


@dataclass(frozen=True)
class Row:
    line: int  # the line of the file the row ends on; the header is line 1
    values: dict[str, str]
    problem: str = ""  # set when the row cannot even be read (wrong number of fields)


def _parse(csv_text: str) -> list[Row]:
    """The data rows of a CSV export, comma- or semicolon-separated (French spreadsheets
    export with ';'), with or without a byte-order mark. Raises InvalidCsv for a bad header."""
    header, lines = read_csv(csv_text, required=IMPORT_COLUMNS, invalid=InvalidCsv)
    rows = []
    for line, fields in lines:
        values = {name: value.strip() for name, value in zip(header, fields, strict=False)}
        problem = ""
        if len(fields) != len(header):
            problem = f"the row has {len(fields)} fields, the header {len(header)}"
            values = {column: values.get(column, "") for column in IMPORT_COLUMNS}
        rows.append(Row(line, values, problem))
    return rows


def start_catalog_import(*, csv_text: str) -> ImportJob:
    """Keep the file and ask the worker to import it (`catalog.import_requested`).

    A file whose header lacks a column is refused at once (422); row problems are found
    while the import runs and reported per row.
    """
    rows = _parse(csv_text)
    with transaction.atomic():
        job = ImportJob.objects.create(
            csv_text=csv_text, total_rows=len(rows), created_at=clock.now()
        )
        record_event(
            events.IMPORT_REQUESTED,
            aggregate=f"catalog-import:{job.pk}",
            payload={"job_id": job.pk, "total_rows": len(rows)},
        )
    return job


def _claim(job_id: int, runner: str) -> ImportJob | None:
    return claim_leased_job(ImportJob, job_id=job_id, runner=runner, lease=LEASE)


def run_catalog_import(*, job_id: int, batch_size: int = BATCH_SIZE) -> ImportJob:
    """Import the rows not yet processed, a batch per transaction, then finish the job.

    Guarantees: a bad row (bad GTIN, SKU or price, unknown category, an SKU or GTIN twice in the
    file or already in the catalogue) is rejected with its line and reason and never stops a
    good one; every good row is created, with `product.created` or `product.variant_added`;
    progress moves with each batch. Safe to call again: a finished job is returned as is, a
    job another runner holds raises ImportInProgress, an abandoned one is resumed.
    """
    runner = uuid.uuid4().hex
    job = _claim(job_id, runner)
    if job is None:
        job = ImportJob.objects.defer("csv_text").filter(pk=job_id).first()
        if job is None:
            raise ImportJobNotFound(f"No catalogue import has the id {job_id}.")
        if job.status == ImportJob.Status.FINISHED:
            return job
        raise ImportInProgress(f"Catalogue import {job_id} is being run by another worker.")
    rows = _parse(job.csv_text)
    first_seen = _first_lines(rows)
    report = list(job.report)
    start = job.processed_rows
    while start < len(rows):
        batch = rows[start : start + batch_size]
        with transaction.atomic():
            accepted, rejections = _import_batch(batch, first_seen)
            report = (report + rejections)[:REPORT_LIMIT]
            moved = ImportJob.objects.filter(pk=job_id, runner=runner, processed_rows=start).update(
                processed_rows=F("processed_rows") + len(batch),
                accepted=F("accepted") + accepted,
                rejected=F("rejected") + len(rejections),
                report=report,
                lease_until=clock.now() + LEASE,
            )
            if not moved:  # our lease ran out and another runner took over: undo this batch
                raise ImportInProgress(f"Catalogue import {job_id} was taken over.")
        start += len(batch)
    return _finish(job_id, runner)


def _finish(job_id: int, runner: str) -> ImportJob:
    with transaction.atomic():
        finished = ImportJob.objects.filter(pk=job_id, runner=runner).update(
            status=ImportJob.Status.FINISHED, finished_at=clock.now(), runner="", lease_until=None
        )
        if not finished:
            raise ImportInProgress(f"Catalogue import {job_id} was taken over.")
        job = ImportJob.objects.defer("csv_text").get(pk=job_id)
        record_event(
            events.IMPORT_FINISHED,
            aggregate=f"catalog-import:{job_id}",
            payload={
                "job_id": job_id,
                "total_rows": job.total_rows,
                "accepted": job.accepted,
                "rejected": job.rejected,
            },
        )
    return job


def _first_lines(rows: Sequence[Row]) -> dict[tuple[str, str], int]:
    """("sku" | "gtin", value) → the line it first appears on, over the whole file."""
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        first.setdefault(("sku", row.values.get("sku", "")), row.line)
        if gtin := row.values.get("gtin", ""):
            first.setdefault(("gtin", normalise_gtin(gtin)), row.line)
    return first


@dataclass
class _Known:
    """What the database already holds for one batch, fetched in four queries."""

    categories: dict[str, int]
    products: dict[str, Product]
    skus: set[str]
    gtins: set[str]

    @classmethod
    def for_batch(cls, batch: Sequence[Row]) -> _Known:
        column = {name: {row.values[name] for row in batch} for name in IMPORT_COLUMNS}
        gtins = {normalise_gtin(gtin) for gtin in column["gtin"] if gtin}
        return cls(
            categories=dict(
                Category.objects.filter(slug__in=column["category_slug"]).values_list("slug", "pk")
            ),
            products=Product.objects.in_bulk(list(column["product_slug"]), field_name="slug"),
            skus=set(Variant.objects.filter(sku__in=column["sku"]).values_list("sku", flat=True)),
            gtins=set(Variant.objects.filter(gtin__in=gtins).values_list("gtin", flat=True)),
        )


def _row_problems(row: Row, first_seen: dict[tuple[str, str], int], known: _Known) -> list[str]:
    if row.problem:
        return [row.problem]
    values = row.values
    problems = import_row_problems(values)
    sku, gtin = values["sku"], normalise_gtin(values["gtin"]) if values["gtin"] else ""
    if first_seen[("sku", sku)] != row.line:
        problems.append(
            f"duplicate SKU {sku} in the file (first on line {first_seen[('sku', sku)]})"
        )
    elif sku in known.skus:
        problems.append(f"SKU {sku} already exists in the catalogue")
    if gtin and first_seen[("gtin", gtin)] != row.line:
        first = first_seen[("gtin", gtin)]
        problems.append(f"duplicate GTIN {values['gtin']} in the file (first on line {first})")
    elif gtin and gtin in known.gtins:
        problems.append(f"GTIN {values['gtin']} already belongs to another variant")
    if values["category_slug"] not in known.categories:
        problems.append(f"unknown category {values['category_slug']!r}")
    return problems


def _import_batch(
    batch: Sequence[Row], first_seen: dict[tuple[str, str], int]
) -> tuple[int, list[dict[str, object]]]:
    """Create the good rows of a batch; returns how many and the rejected ones."""
    known = _Known.for_batch(batch)
    accepted, rejections = 0, []
    written: set[int] = set()
    for row in batch:
        problems = _row_problems(row, first_seen, known)
        if not problems:
            try:
                with transaction.atomic():
                    product = _import_row(row.values, known)
            except IntegrityError as error:  # e.g. a twin row saved by someone else meanwhile
                problems = [f"the database refused the row: {error}".splitlines()[0]]
            else:
                known.products[product.slug] = product  # only once its savepoint is kept
                written.add(product.pk)
                accepted += 1
                continue
        rejection = {
            "line": row.line,
            "sku": row.values.get("sku", ""),
            "reason": "; ".join(problems),
        }
        rejections.append(rejection)
    refresh_search_documents(product_ids=written)  # once per batch, in the batch's transaction
    return accepted, rejections


def _import_row(values: dict[str, str], known: _Known) -> Product:
    """Create one row's variant, and its product if this is the product's first row."""
    variant = NewVariant(
        sku=values["sku"],
        price=parse_price(values["price_eur"]),
        gtin=values["gtin"],
        size=values["size"],
        colour=values["colour"],
    )
    product = known.products.get(values["product_slug"])
    if product is None:
        product = insert_product(
            slug=values["product_slug"],
            name=values["product_name"],
            brand=values["brand"],
            category_id=known.categories[values["category_slug"]],
        )
        [row] = insert_variants(product, [variant])
        record_event(
            events.PRODUCT_CREATED,
            aggregate=f"product:{product.pk}",
            payload={
                "product_id": product.pk,
                "slug": product.slug,
                "category": values["category_slug"],
                "variants": variants_payload([row]),
            },
        )
        return product
    [row] = insert_variants(product, [variant])
    record_event(
        events.VARIANT_ADDED,
        aggregate=f"product:{product.pk}",
        payload={"product_id": product.pk, "slug": product.slug, **variants_payload([row])[0]},
    )
    return product

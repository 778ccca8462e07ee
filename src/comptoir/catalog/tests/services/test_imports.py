from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.catalog.errors import ImportInProgress, InvalidCsv
from comptoir.catalog.models import ImportJob, Price, Product, Variant
from comptoir.catalog.services import imports
from comptoir.catalog.services.imports import run_catalog_import, start_catalog_import
from comptoir.catalog.tests.factories import catalog_csv, imported, make_category, make_product
from comptoir.core import clock, outbox
from comptoir.core.models import OutboxEvent
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db

# Élan's spring file: three good rows, a GTIN with a typo, a category nobody created.
SPRING_FILE = catalog_csv(
    "veste-running,Veste de running,Élan,running,JACKET-S,4006381333931,S,bleu,89.90",
    "veste-running,Veste de running,Élan,running,JACKET-M,4006381333932,M,bleu,89.90",
    "veste-running,Veste de running,Élan,running,JACKET-L,,L,bleu,89.90",
    "montre-gps,Montre GPS Forerunner,Garmin,montres-gps,WATCH-GPS,036000291452,,noir,199.00",
    "chaussettes-running,Chaussettes de running,Élan,running,SOCKS-39,,39-42,noir,9.90",
)


def test_three_good_rows_are_kept_and_two_bad_ones_reported_with_line_and_reason():
    make_category("running")

    job = imported(SPRING_FILE)

    assert (job.status, job.total_rows, job.processed_rows) == ("finished", 5, 5)
    assert (job.accepted, job.rejected) == (3, 2)
    assert job.report == [
        {
            "line": 3,
            "sku": "JACKET-M",
            "reason": "bad GTIN 4006381333932: the check digit should be 1, not 2",
        },
        {"line": 5, "sku": "WATCH-GPS", "reason": "unknown category 'montres-gps'"},
    ]
    assert sorted(Variant.objects.values_list("sku", flat=True)) == [
        "JACKET-L",
        "JACKET-S",
        "SOCKS-39",
    ]
    assert sorted(Price.objects.values_list("variant__sku", "amount")) == [
        ("JACKET-L", Decimal("89.90")),
        ("JACKET-S", Decimal("89.90")),
        ("SOCKS-39", Decimal("9.90")),
    ]
    assert job.finished_at is not None


def test_imported_products_are_listed_and_announced_like_created_ones():
    make_category("running")

    imported(SPRING_FILE)

    jacket = Product.objects.get(slug="veste-running")
    assert sorted(jacket.listings.values_list("channel", flat=True)) == [
        "app",
        "call_centre",
        "store",
        "web",
    ]
    assert sorted(
        (e.type, e.payload["slug"]) for e in OutboxEvent.objects.filter(type__startswith="product.")
    ) == [
        ("product.created", "chaussettes-running"),
        ("product.created", "veste-running"),
        ("product.variant_added", "veste-running"),
    ]
    finished = OutboxEvent.objects.get(type="catalog.import_finished")
    assert (finished.payload["accepted"], finished.payload["rejected"]) == (3, 2)


def test_progress_moves_batch_by_batch_until_it_reaches_the_total(monkeypatch):
    make_category("running")
    job = start_catalog_import(csv_text=SPRING_FILE)
    seen = []
    real_batch = imports._import_batch

    def watched_batch(batch, first_seen):
        seen.append(ImportJob.objects.get(pk=job.pk).processed_rows)
        return real_batch(batch, first_seen)

    monkeypatch.setattr(imports, "_import_batch", watched_batch)

    finished = run_catalog_import(job_id=job.pk, batch_size=2)

    assert seen == [0, 2, 4]
    assert (finished.processed_rows, finished.total_rows) == (5, 5)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param(
            "veste-running,Veste,Élan,running,JACKET-S,,S,rouge,89.90",
            "duplicate SKU JACKET-S in the file (first on line 2)",
            id="sku_twice_case",
        ),
        pytest.param(
            "veste-running,Veste,Élan,running,JACKET-M,0004006381333931,M,bleu,89.90",
            "bad GTIN 0004006381333931: a GTIN has 8, 12, 13 or 14 digits",
            id="gtin_too_long_case",
        ),
        pytest.param(
            "veste-running,Veste,Élan,running,JACKET-M,04006381333931,M,bleu,89.90",
            "duplicate GTIN 04006381333931 in the file (first on line 2)",
            id="gtin_twice_case",
        ),
        pytest.param(
            "veste-running,Veste,Élan,running,JACKET-M,,M,bleu,quatre-vingts",
            "bad price 'quatre-vingts': 'quatre-vingts' is not a number",
            id="bad_price_case",
        ),
        pytest.param(
            "veste-running,Veste,Élan,running,JACKET-M",
            "the row has 5 fields, the header 9",
            id="short_row_case",
        ),
        pytest.param(
            "veste-running,Veste,Élan,running,JACKET-M,,M,bleu,89.90,en promo",
            "the row has 10 fields, the header 9",
            id="long_row_case",
        ),
    ],
)
def test_a_bad_row_is_rejected_with_its_reason_and_the_good_one_kept(row, reason):
    make_category("running")
    good = "veste-running,Veste,Élan,running,JACKET-S,4006381333931,S,bleu,89.90"

    job = imported(catalog_csv(good, row))

    assert (job.accepted, job.rejected) == (1, 1)
    assert job.report == [{"line": 3, "sku": job.report[0]["sku"], "reason": reason}]
    assert list(Variant.objects.values_list("sku", flat=True)) == ["JACKET-S"]


def test_a_row_for_a_product_already_in_the_catalogue_adds_a_size_but_never_retakes_a_sku():
    make_product("veste-running", skus=["JACKET-S"])

    job = imported(
        catalog_csv(
            "veste-running,Veste,Élan,running,JACKET-S,,S,bleu,89.90",
            "veste-running,Veste,Élan,running,JACKET-XL,,XL,bleu,94.90",
        )
    )

    assert job.report == [
        {"line": 2, "sku": "JACKET-S", "reason": "SKU JACKET-S already exists in the catalogue"}
    ]
    assert sorted(
        Variant.objects.filter(product__slug="veste-running").values_list("sku", flat=True)
    ) == [
        "JACKET-S",
        "JACKET-XL",
    ]


def test_a_french_spreadsheet_export_with_semicolons_commas_and_a_bom_is_read():
    make_category("running")
    csv_text = (
        "\ufeffproduct_slug;product_name;brand;category_slug;sku;gtin;size;colour;price_eur\r\n"
        "veste-running;Veste de running;Élan;running;JACKET-S;4006381333931;S;bleu;89,90\r\n"
        "\r\n"
        'veste-running;"Veste de running; la ""Trail""";Élan;running;JACKET-M;;M;bleu;89,90\r\n'
    )

    job = imported(csv_text)

    assert (job.total_rows, job.accepted, job.rejected) == (2, 2, 0)
    assert Price.objects.get(variant__sku="JACKET-M").amount == Decimal("89.90")


@pytest.mark.parametrize(
    ("csv_text", "errors"),
    [
        pytest.param("", [{"field": "csv", "message": "a header line first"}], id="empty_case"),
        pytest.param(
            "product_slug,sku,price_eur\nveste,JACKET-S,89.90\n",
            [
                {"field": "csv", "message": f"missing column: {column}"}
                for column in ("product_name", "brand", "category_slug", "gtin", "size", "colour")
            ],
            id="missing_columns_case",
        ),
    ],
)
def test_a_file_without_the_expected_header_is_refused_before_any_job(csv_text, errors):
    with pytest.raises(InvalidCsv) as refused:
        start_catalog_import(csv_text=csv_text)

    assert refused.value.errors == errors
    assert not ImportJob.objects.exists()


def test_starting_an_import_asks_the_worker_for_it():
    job = start_catalog_import(csv_text=SPRING_FILE)

    event = OutboxEvent.objects.get(type="catalog.import_requested")
    assert event.payload == {"job_id": job.pk, "total_rows": 5}
    assert (job.status, job.processed_rows) == ("pending", 0)


def test_the_outbox_handler_runs_the_requested_import(django_capture_on_commit_callbacks):
    make_category("running")
    job = start_catalog_import(csv_text=SPRING_FILE)

    with django_capture_on_commit_callbacks(execute=True):
        outbox.run_due_work(ROUTES, worker="test-worker")

    job.refresh_from_db()
    assert (job.status, job.accepted, job.rejected) == ("finished", 3, 2)


def test_the_worker_task_runs_an_import_too():
    from comptoir.worker.tasks import run_catalog_import_task

    make_category("running")
    job = start_catalog_import(csv_text=SPRING_FILE)

    run_catalog_import_task(job.pk)

    job.refresh_from_db()
    assert (job.status, job.accepted, job.rejected) == ("finished", 3, 2)


def test_an_import_cut_short_resumes_where_its_last_batch_ended(monkeypatch):
    make_category("running")
    job = start_catalog_import(csv_text=SPRING_FILE)
    real_batch = imports._import_batch
    calls = []

    def crash_on_second_batch(batch, first_seen):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("the worker was killed")
        return real_batch(batch, first_seen)

    monkeypatch.setattr(imports, "_import_batch", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        run_catalog_import(job_id=job.pk, batch_size=2)
    monkeypatch.setattr(imports, "_import_batch", real_batch)

    cut_short = ImportJob.objects.get(pk=job.pk)
    assert (cut_short.status, cut_short.processed_rows, cut_short.accepted) == ("running", 2, 1)
    with pytest.raises(ImportInProgress):  # its lease still runs: nobody else takes it yet
        run_catalog_import(job_id=job.pk, batch_size=2)

    ImportJob.objects.filter(pk=job.pk).update(lease_until=clock.now() - timedelta(seconds=1))
    resumed = run_catalog_import(job_id=job.pk, batch_size=2)

    assert (resumed.status, resumed.processed_rows, resumed.accepted, resumed.rejected) == (
        "finished",
        5,
        3,
        2,
    )
    assert [row["line"] for row in resumed.report] == [3, 5]
    assert Variant.objects.count() == 3


def test_running_a_finished_import_again_changes_nothing():
    make_category("running")
    job = imported(SPRING_FILE)
    events = OutboxEvent.objects.count()

    again = run_catalog_import(job_id=job.pk)

    assert (again.accepted, again.rejected, again.finished_at) == (3, 2, job.finished_at)
    assert OutboxEvent.objects.count() == events
    assert Variant.objects.count() == 3


def test_the_report_keeps_the_first_thousand_rejections_and_counts_them_all(monkeypatch):
    monkeypatch.setattr(imports, "REPORT_LIMIT", 3)
    rows = [f"veste-{n},Veste,Élan,no-such-category,JACKET-{n},,S,bleu,89.90" for n in range(5)]

    job = imported(catalog_csv(*rows), batch_size=2)

    assert (job.rejected, len(job.report)) == (5, 3)

"""GET /api/v1/catalog-imports/{job_id} — needs catalog.write: progress, counts and report."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.catalog.services.imports import start_catalog_import
from comptoir.catalog.tests.factories import imported, make_category
from comptoir.catalog.tests.services.test_imports import SPRING_FILE

pytestmark = pytest.mark.django_db


def test_a_finished_import_shows_full_progress_and_the_rejected_rows(client):
    make_category("running")
    job = imported(SPRING_FILE, batch_size=2)
    client.force_login(make_staff("operations"))

    body = client.get(f"/api/v1/catalog-imports/{job.pk}").json()

    assert {
        key: body[key] for key in ("status", "total_rows", "processed_rows", "progress_percent")
    } == {
        "status": "finished",
        "total_rows": 5,
        "processed_rows": 5,
        "progress_percent": 100,
    }
    assert (body["accepted"], body["rejected"]) == (3, 2)
    assert body["report"] == [
        {
            "line": 3,
            "sku": "JACKET-M",
            "reason": "bad GTIN 4006381333932: the check digit should be 1, not 2",
        },
        {"line": 5, "sku": "WATCH-GPS", "reason": "unknown category 'montres-gps'"},
    ]
    assert body["finished_at"] is not None


def test_a_job_not_yet_run_shows_no_progress(client):
    job = start_catalog_import(csv_text=SPRING_FILE)
    client.force_login(make_staff("operations"))

    body = client.get(f"/api/v1/catalog-imports/{job.pk}").json()

    assert (body["status"], body["processed_rows"], body["progress_percent"]) == ("pending", 0, 0)


def test_an_unknown_job_is_a_404(client):
    client.force_login(make_staff("operations"))

    response = client.get("/api/v1/catalog-imports/404")

    assert (response.status_code, response.json()["code"]) == (404, "import-job-not-found")


def test_import_reports_are_not_public(client):
    job = start_catalog_import(csv_text=SPRING_FILE)

    assert client.get(f"/api/v1/catalog-imports/{job.pk}").status_code == 401

"""POST /api/v1/catalog-imports — needs catalog.write; the worker imports the file."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.catalog.models import ImportJob, Variant
from comptoir.catalog.tests.factories import catalog_csv, make_category
from comptoir.catalog.tests.services.test_imports import SPRING_FILE

pytestmark = pytest.mark.django_db
URL = "/api/v1/catalog-imports"


def start(client, csv_text, **headers):
    return client.post(URL, {"csv": csv_text}, content_type="application/json", **headers)


def test_operations_starts_an_import_and_gets_the_pending_job(client):
    client.force_login(make_staff("operations"))

    response = start(client, SPRING_FILE)

    assert response.status_code == 201
    job = ImportJob.objects.get()
    body = response.json()
    assert body == {
        "id": job.pk,
        "status": "pending",
        "total_rows": 5,
        "processed_rows": 0,
        "progress_percent": 0,
        "accepted": 0,
        "rejected": 0,
        "report": [],
        "created_at": body["created_at"],
        "started_at": None,
        "finished_at": None,
    }


def test_the_worker_imports_the_file_once_the_request_commits(
    client, django_capture_on_commit_callbacks
):
    make_category("running")
    client.force_login(make_staff("operations"))

    with django_capture_on_commit_callbacks(execute=True):
        job_id = start(client, SPRING_FILE).json()["id"]

    progress = client.get(f"{URL}/{job_id}").json()
    assert (progress["status"], progress["processed_rows"], progress["total_rows"]) == (
        "finished",
        5,
        5,
    )
    assert (progress["accepted"], progress["rejected"]) == (3, 2)
    assert Variant.objects.count() == 3


def test_a_file_without_the_expected_columns_is_a_422_at_once(client):
    client.force_login(make_staff("operations"))

    response = start(client, "sku,price\nJACKET-S,89.90\n")

    assert (response.status_code, response.json()["code"]) == (422, "invalid-csv")
    assert {"field": "body.csv", "message": "missing column: gtin"} in response.json()["errors"]
    assert not ImportJob.objects.exists()


def test_a_retry_with_the_same_idempotency_key_starts_one_import(client):
    _, raw = make_api_token("catalog.write", name="pim")
    headers = {**bearer(raw), "Idempotency-Key": "spring-file"}

    first = start(
        client, catalog_csv("veste,Veste,Élan,running,JACKET-S,,S,bleu,89.90"), headers=headers
    )
    retry = start(
        client, catalog_csv("veste,Veste,Élan,running,JACKET-S,,S,bleu,89.90"), headers=headers
    )

    assert retry.json()["id"] == first.json()["id"]
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous_case"),
        pytest.param("agent", 403, id="agent_case"),
    ],
)
def test_only_catalog_writers_import(client, who, status):
    if who != "anonymous":
        client.force_login(make_staff(who))

    response = start(client, SPRING_FILE)

    assert response.status_code == status
    assert not ImportJob.objects.exists()

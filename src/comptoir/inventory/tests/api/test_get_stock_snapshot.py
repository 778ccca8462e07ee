"""GET /api/v1/stock-snapshots/{job_id} — needs stock.adjust at the location: progress, report."""

import pytest

from comptoir.accounts.tests.factories import make_staff
from comptoir.inventory.services.snapshots import (
    read_snapshot_csv,
    run_stock_snapshot,
    start_stock_snapshot,
)
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db
COUNT = "sku,quantity\nJACKET-S,1\nJACKET-S,2\nJACKET-M,-1\n"


def started(store, text=COUNT):
    return start_stock_snapshot(location_id=store.pk, snapshot=read_snapshot_csv(text))


def test_a_loaded_count_shows_full_progress_and_its_rejected_lines(client):
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    job = run_stock_snapshot(job_id=started(store).pk)
    client.force_login(make_staff("associate", [store]))

    body = client.get(f"/api/v1/stock-snapshots/{job.pk}").json()

    assert {key: body[key] for key in ("status", "total_rows", "processed_rows")} == {
        "status": "finished",
        "total_rows": 3,
        "processed_rows": 3,
    }
    assert (body["progress_percent"], body["changed"], body["rejected"]) == (100, 1, 2)
    assert body["report"] == [
        {
            "line": 3,
            "sku": "JACKET-S",
            "reason": "duplicate SKU JACKET-S in the file (first on line 2)",
        },
        {"line": 4, "sku": "JACKET-M", "reason": "negative quantity -1"},
    ]
    assert body["finished_at"] is not None


def test_a_count_not_yet_loaded_shows_no_progress(client):
    job = started(make_store())
    client.force_login(make_staff("operations"))

    body = client.get(f"/api/v1/stock-snapshots/{job.pk}").json()

    assert (body["status"], body["processed_rows"], body["progress_percent"]) == ("pending", 0, 0)


def test_an_unknown_count_is_a_404(client):
    client.force_login(make_staff("operations"))

    response = client.get("/api/v1/stock-snapshots/404")

    assert (response.status_code, response.json()["code"]) == (404, "snapshot-job-not-found")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous_case"),
        pytest.param("other_store_associate", 403, id="other_store_case"),
    ],
)
def test_a_count_is_shown_only_to_staff_of_its_store(client, who, status):
    job = started(make_store())
    if who != "anonymous":
        client.force_login(make_staff("associate", [make_store("paris-rivoli", city="Paris")]))

    assert client.get(f"/api/v1/stock-snapshots/{job.pk}").status_code == status

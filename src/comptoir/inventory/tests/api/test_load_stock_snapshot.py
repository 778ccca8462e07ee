"""POST /api/v1/stock-snapshots — needs stock.adjust at the location; the worker loads it."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.inventory.models import SnapshotJob, StockLevel, StockMovement
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db
URL = "/api/v1/stock-snapshots"
# The evening count at Lyon: one size sold out, one restocked, one as it was, one typo.
EVENING_COUNT = "sku,quantity\nJACKET-S,0\nJACKET-M,7\nJACKET-L,3\nJAKCET-XL,2\n"


def lyon_with_jackets():
    store = make_store()
    for sku in ("JACKET-S", "JACKET-M", "JACKET-L"):
        put_on_shelf(make_variant(sku), store, 3)
    return store


def send_csv(client, text=EVENING_COUNT, location="lyon-part-dieu", **headers):
    return client.post(f"{URL}?location={location}", text, content_type="text/csv", **headers)


def test_an_associate_sends_the_count_of_their_store_and_gets_the_pending_job(client):
    store = lyon_with_jackets()
    client.force_login(make_staff("associate", [store]))

    response = send_csv(client)

    assert response.status_code == 201
    job = SnapshotJob.objects.get()
    body = response.json()
    assert body == {
        "id": job.pk,
        "location": "lyon-part-dieu",
        "status": "pending",
        "total_rows": 4,
        "processed_rows": 0,
        "progress_percent": 0,
        "changed": 0,
        "unchanged": 0,
        "rejected": 0,
        "report": [],
        "created_at": body["created_at"],
        "started_at": None,
        "finished_at": None,
    }
    assert job.actor.startswith("user:")


def test_the_worker_loads_the_count_once_the_request_commits(
    client, django_capture_on_commit_callbacks
):
    store = lyon_with_jackets()
    client.force_login(make_staff("associate", [store]))

    with django_capture_on_commit_callbacks(execute=True):
        job_id = send_csv(client).json()["id"]

    progress = client.get(f"{URL}/{job_id}").json()
    assert (progress["status"], progress["processed_rows"], progress["progress_percent"]) == (
        "finished",
        4,
        100,
    )
    assert (progress["changed"], progress["unchanged"], progress["rejected"]) == (2, 1, 1)
    assert progress["report"] == [
        {"line": 5, "sku": "JAKCET-XL", "reason": "unknown SKU JAKCET-XL"}
    ]
    assert sorted(
        StockLevel.objects.filter(location=store).values_list("variant__sku", "on_hand")
    ) == [("JACKET-L", 3), ("JACKET-M", 7), ("JACKET-S", 0)]
    assert set(
        StockMovement.objects.filter(kind="snapshot").values_list("reference", flat=True)
    ) == {f"stock-snapshot:{job_id}"}


def test_a_warehouse_system_sends_json_with_its_token(client, django_capture_on_commit_callbacks):
    store = lyon_with_jackets()
    _, raw = make_api_token("stock.adjust", name="wms")
    count = {"location": "lyon-part-dieu", "positions": [{"sku": "JACKET-M", "quantity": 5}]}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, count, content_type="application/json", headers=bearer(raw))

    assert response.status_code == 201
    assert StockLevel.objects.get(location=store, variant__sku="JACKET-M").on_hand == 5
    assert SnapshotJob.objects.get().actor.startswith("token:")


def test_an_associate_of_another_store_cannot_load_its_count(client):
    lyon_with_jackets()
    paris = make_store("paris-rivoli", city="Paris")
    client.force_login(make_staff("associate", [paris]))

    response = send_csv(client)

    assert (response.status_code, response.json()["code"]) == (403, "permission-denied")
    assert not SnapshotJob.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("anonymous", 401, id="anonymous_case"),
        pytest.param("agent", 403, id="agent_case"),
    ],
)
def test_only_staff_who_may_adjust_stock_load_a_count(client, who, status):
    lyon_with_jackets()
    if who != "anonymous":
        client.force_login(make_staff(who))

    assert send_csv(client).status_code == status
    assert not SnapshotJob.objects.exists()


@pytest.mark.parametrize(
    ("text", "location", "status", "code"),
    [
        pytest.param(
            "sku,qty\nJACKET-S,1\n", "lyon-part-dieu", 422, "invalid-snapshot", id="header_case"
        ),
        pytest.param(EVENING_COUNT, "", 422, "validation-failed", id="no_location_case"),
        pytest.param(EVENING_COUNT, "lille", 404, "location-not-found", id="unknown_location_case"),
    ],
)
def test_a_count_that_cannot_be_loaded_is_refused_at_once(client, text, location, status, code):
    lyon_with_jackets()
    client.force_login(make_staff("operations"))

    response = send_csv(client, text, location=location)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not SnapshotJob.objects.exists()


def test_a_json_count_without_a_location_is_refused(client):
    client.force_login(make_staff("operations"))

    response = client.post(URL, {"positions": []}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (422, "invalid-snapshot")


def test_a_count_in_another_format_is_a_415(client):
    client.force_login(make_staff("operations"))

    response = client.post(
        f"{URL}?location=lyon-part-dieu", "JACKET-S 1", content_type="text/plain"
    )

    assert (response.status_code, response.json()["code"]) == (415, "unsupported-media-type")


def test_a_retry_with_the_same_idempotency_key_starts_one_load(client):
    lyon_with_jackets()
    _, raw = make_api_token("stock.adjust", name="till-sync")
    headers = {**bearer(raw), "Idempotency-Key": "count-2026-05-01"}

    first = send_csv(client, headers=headers)
    retry = send_csv(client, headers=headers)

    assert retry.json()["id"] == first.json()["id"]
    assert SnapshotJob.objects.count() == 1

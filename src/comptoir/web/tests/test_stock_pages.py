"""Stock writes in the back office: receipts, adjustments and count files, in French."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.inventory.models import SnapshotJob, StockLevel, StockMovement
from comptoir.inventory.services.snapshots import run_stock_snapshot
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def operations() -> Client:
    client = Client(headers={"Accept-Language": "fr"})
    client.force_login(make_staff("operations"))
    return client


def page(answer) -> str:
    return unescape(answer.content.decode())


def on_hand(sku: str, store) -> int:
    return StockLevel.objects.get(variant__sku=sku, location=store).on_hand


def test_operations_receive_stock_and_see_the_new_on_hand():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)

    answer = operations().post(
        "/backoffice/stock/receipts/",
        {"location": store.code, "sku": "JACKET-S", "quantity": "5", "reference": "BL-42"},
        headers=HTMX,
    )

    assert "5 × JACKET-S reçus à" in page(answer)
    assert "8 en stock" in page(answer)
    assert on_hand("JACKET-S", store) == 8
    movement = StockMovement.objects.get(kind="receipt", reference="BL-42")
    assert movement.on_hand_delta == 5


def test_a_double_tap_with_the_same_key_receives_once():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    client = operations()
    form = {"location": store.code, "sku": "JACKET-S", "quantity": "5"}

    first = client.post(
        "/backoffice/stock/receipts/", form, headers={**HTMX, "Idempotency-Key": "k1"}
    )
    again = client.post(
        "/backoffice/stock/receipts/", form, headers={**HTMX, "Idempotency-Key": "k1"}
    )

    assert first.status_code == again.status_code == 200
    assert on_hand("JACKET-S", store) == 8
    assert StockMovement.objects.filter(kind="receipt", on_hand_delta=5).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"quantity": "0"}, "quantity", id="no_unit_case"),
        pytest.param({"quantity": "deux"}, "quantity", id="not_a_number_case"),
        pytest.param({"sku": "NO-SUCH"}, "sku", id="unknown_sku_case"),
        pytest.param({"location": "atlantis"}, "location", id="unknown_location_case"),
    ],
)
def test_a_bad_receipt_is_refused_on_its_field_and_receives_nothing(changes, field):
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    form = {"location": store.code, "sku": "JACKET-S", "quantity": "5", **changes}

    answer = operations().post("/backoffice/stock/receipts/", form, headers=HTMX)

    assert answer.status_code == 200
    assert f'id="receipt_{field}_errors"' in page(answer)
    assert on_hand("JACKET-S", store) == 3


def test_an_associate_of_another_store_may_not_receive_here_as_on_the_api():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    elsewhere = Client()
    elsewhere.force_login(make_staff("associate", [make_store("gratte-ciel", city="Villeurbanne")]))

    answer = elsewhere.post(
        "/backoffice/stock/receipts/",
        {"location": store.code, "sku": "JACKET-S", "quantity": "5"},
        headers={**HTMX, "Idempotency-Key": "k1"},
    )

    assert answer.status_code == 403
    assert on_hand("JACKET-S", store) == 3


def test_an_agent_may_not_adjust_stock():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    agent = Client()
    agent.force_login(make_staff("agent"))

    answer = agent.post(
        "/backoffice/stock/adjustments/",
        {"location": store.code, "sku": "JACKET-S", "delta": "-1", "reason": "casse"},
    )

    assert answer.status_code == 403
    assert on_hand("JACKET-S", store) == 3


def test_a_new_count_sets_the_on_hand_with_its_reason():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)

    answer = operations().post(
        "/backoffice/stock/adjustments/",
        {"location": store.code, "sku": "JACKET-S", "counted": "7", "reason": "inventaire"},
        headers=HTMX,
    )

    assert "Le stock de JACKET-S à" in page(answer)
    assert on_hand("JACKET-S", store) == 7


def test_a_change_removes_units_with_its_reason():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)

    operations().post(
        "/backoffice/stock/adjustments/",
        {"location": store.code, "sku": "JACKET-S", "delta": "-2", "reason": "casse"},
        headers=HTMX,
    )

    assert on_hand("JACKET-S", store) == 1
    assert StockMovement.objects.get(kind="adjustment").reason == "casse"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"counted": "7", "delta": "2"}, "counted", id="both_case"),
        pytest.param({}, "counted", id="neither_case"),
        pytest.param({"delta": "0"}, "delta", id="zero_change_case"),
        pytest.param({"delta": "-9"}, None, id="below_zero_case"),
    ],
)
def test_a_bad_adjustment_is_refused_and_changes_nothing(changes, field):
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    form = {"location": store.code, "sku": "JACKET-S", "reason": "casse", **changes}

    answer = operations().post("/backoffice/stock/adjustments/", form, headers=HTMX)

    assert answer.status_code == 200
    assert 'class="errorlist' in page(answer)
    if field:
        assert f'id="adjustment_{field}_errors"' in page(answer)
    assert on_hand("JACKET-S", store) == 3


def test_a_count_file_starts_the_snapshot_job_and_its_page_shows_progress_then_rejects():
    store = make_store()
    put_on_shelf(make_variant("JACKET-S"), store, 3)
    make_variant("JACKET-M")
    client = operations()
    count = b"sku,quantity\nJACKET-S,9\nJACKET-M,4\nNO-SUCH,1\n"

    upload = client.post(
        "/backoffice/stock/counts/",
        {"location": store.code, "file": SimpleUploadedFile("count.csv", count, "text/csv")},
    )

    job = SnapshotJob.objects.get()
    assert upload.status_code == 302
    assert upload["Location"] == f"/backoffice/stock/counts/{job.pk}/"
    waiting = client.get(upload["Location"], headers=HTMX)
    assert '<progress id="count-bar" max="3" value="0"' in page(waiting)
    assert 'hx-trigger="every 1s"' in page(waiting)
    run_stock_snapshot(job_id=job.pk)
    done = client.get(upload["Location"], headers=HTMX)
    assert '<progress id="count-bar" max="3" value="3"' in page(done)
    assert "hx-trigger" not in page(done)
    assert "Terminé : 2 modifiées, 0 inchangées, 1 rejetées." in page(done)
    assert re.search(r"<td>4</td><td>NO-SUCH</td>", page(done))
    assert (on_hand("JACKET-S", store), on_hand("JACKET-M", store)) == (9, 4)


def test_a_count_file_that_is_not_a_count_is_refused_on_its_field_and_starts_nothing():
    store = make_store()
    answer = operations().post(
        "/backoffice/stock/counts/",
        {"location": store.code, "file": SimpleUploadedFile("x.csv", b"hello\n1\n", "text/csv")},
        headers=HTMX,
    )

    assert 'id="count_file_errors"' in page(answer)
    assert not SnapshotJob.objects.exists()


def test_a_count_file_sent_twice_with_one_key_starts_one_job():
    store = make_store()
    make_variant("JACKET-S")
    client = operations()

    for _ in range(2):
        client.post(
            "/backoffice/stock/counts/",
            {
                "location": store.code,
                "file": SimpleUploadedFile("c.csv", b"sku,quantity\nJACKET-S,1\n"),
            },
            headers={**HTMX, "Idempotency-Key": "count-1"},
        )

    assert SnapshotJob.objects.count() == 1


def test_the_stock_page_offers_the_three_forms_in_french():
    make_store()

    answer = operations().get("/backoffice/stock/")

    for words in ("Recevoir du stock", "Ajuster le stock", "Charger un fichier de comptage"):
        assert words in page(answer)


def test_an_associate_of_another_store_neither_loads_a_count_here_nor_reads_its_progress():
    store = make_store()
    make_variant("JACKET-S")
    operations().post(
        "/backoffice/stock/counts/",
        {
            "location": store.code,
            "file": SimpleUploadedFile("c.csv", b"sku,quantity\nJACKET-S,1\n"),
        },
    )
    job = SnapshotJob.objects.get()
    elsewhere = Client()
    elsewhere.force_login(make_staff("associate", [make_store("gratte-ciel", city="Villeurbanne")]))

    upload = elsewhere.post(
        "/backoffice/stock/counts/",
        {
            "location": store.code,
            "file": SimpleUploadedFile("c.csv", b"sku,quantity\nJACKET-S,9\n"),
        },
    )

    assert upload.status_code == 403
    assert SnapshotJob.objects.count() == 1
    assert elsewhere.get(f"/backoffice/stock/counts/{job.pk}/").status_code == 403

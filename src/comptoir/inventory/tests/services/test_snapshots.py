from datetime import timedelta

import pytest
from django.db.models import Sum

from comptoir.core import clock, outbox
from comptoir.core.models import OutboxEvent
from comptoir.inventory.errors import InvalidSnapshot, SnapshotInProgress
from comptoir.inventory.models import SnapshotJob, StockLevel, StockMovement
from comptoir.inventory.services import snapshot_loading, snapshot_positions
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.services.snapshots import (
    apply_stock_snapshot,
    read_snapshot_csv,
    read_snapshot_json,
    run_stock_snapshot,
    start_stock_snapshot,
)
from comptoir.inventory.services.till import TillLine, sell_at_till
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db

SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL", "5XL", "6XL"]


def shelf_of_jackets(store, quantity=5):
    """The ten sizes of the trail jacket, `quantity` of each on the shelf."""
    jackets = [make_variant(f"JACKET-{size}") for size in SIZES]
    for jacket in jackets:
        put_on_shelf(jacket, store, quantity)
    return jackets


def on_hand(store) -> dict[str, int]:
    return dict(StockLevel.objects.filter(location=store).values_list("variant__sku", "on_hand"))


def snapshot_movements(store):
    return StockMovement.objects.filter(location=store, kind="snapshot")


def stock_events():
    return OutboxEvent.objects.filter(type="stock.changed", payload__reason="snapshot")


def load_csv(store, text, **kwargs):
    snapshot = read_snapshot_csv(text)
    job = start_stock_snapshot(location_id=store.pk, snapshot=snapshot)
    return run_stock_snapshot(job_id=job.pk, **kwargs)


def test_only_the_positions_that_changed_get_a_movement_and_an_event():
    store = make_store()
    shelf_of_jackets(store, 5)
    counted = {f"JACKET-{size}": 5 for size in SIZES} | {
        "JACKET-S": 4,
        "JACKET-L": 7,
        "JACKET-XL": 0,
    }

    result = apply_stock_snapshot(
        location_id=store.pk, rows=list(counted.items()), reference="inventaire printemps"
    )

    assert (result.total_rows, result.changed, result.unchanged, result.rejected) == (10, 3, 7, 0)
    assert on_hand(store) == counted
    assert sorted(snapshot_movements(store).values_list("variant__sku", "on_hand_delta")) == [
        ("JACKET-L", 2),
        ("JACKET-S", -1),
        ("JACKET-XL", -5),
    ]
    assert set(snapshot_movements(store).values_list("reference", flat=True)) == {
        "inventaire printemps"
    }
    payloads = sorted((e.payload for e in stock_events()), key=lambda p: p["sku"])
    jacket_l = StockLevel.objects.get(location=store, variant__sku="JACKET-L")
    assert payloads[0] == {
        "sku": "JACKET-L",
        "variant_id": jacket_l.variant_id,
        "location_id": store.pk,
        "on_hand": 7,
        "held": 0,
        "free": 7,
        "reason": "snapshot",
    }
    assert [(p["sku"], p["on_hand"]) for p in payloads] == [
        ("JACKET-L", 7),
        ("JACKET-S", 4),
        ("JACKET-XL", 0),
    ]
    assert {e.aggregate for e in stock_events()} == {
        f"stock:{store.pk}:{variant_id}"
        for variant_id in StockLevel.objects.filter(
            location=store, variant__sku__in=["JACKET-L", "JACKET-S", "JACKET-XL"]
        ).values_list("variant_id", flat=True)
    }


def test_the_ledger_still_adds_up_to_every_level():
    store = make_store()
    shelf_of_jackets(store, 5)
    make_variant("SOCKS-39")  # never received here: the count creates its level

    apply_stock_snapshot(
        location_id=store.pk,
        rows=[("JACKET-S", 2), ("JACKET-M", 9), ("SOCKS-39", 4)],
        reference="count",
    )

    for level in StockLevel.objects.filter(location=store):
        ledger = StockMovement.objects.filter(location=store, variant=level.variant_id)
        assert ledger.aggregate(total=Sum("on_hand_delta"))["total"] == level.on_hand
    assert on_hand(store)["SOCKS-39"] == 4


def test_a_level_the_count_creates_names_its_variants_product():
    store = make_store()
    make_variant("JACKET-S", product_slug="veste-trail")
    make_variant("SOCKS-39", product_slug="chaussettes-run")
    make_variant("SOCKS-42", product_slug="chaussettes-run")

    apply_stock_snapshot(
        location_id=store.pk,
        rows=[("SOCKS-42", 1), ("JACKET-S", 2), ("SOCKS-39", 4)],
        reference="count",
    )

    assert dict(StockLevel.objects.values_list("variant__sku", "product__slug")) == {
        "JACKET-S": "veste-trail",
        "SOCKS-39": "chaussettes-run",
        "SOCKS-42": "chaussettes-run",
    }


def test_a_held_unit_stays_held_and_a_count_below_what_is_held_is_rejected():
    store = make_store()
    shelf_of_jackets(store, 5)
    for sku in ("JACKET-S", "JACKET-M"):
        jacket = make_variant(sku)
        place_hold(
            lines=[HoldRequestLine(store.pk, jacket.pk, sku, 2)],
            channel="web",
            reference=f"order-jean-{sku}",
        )

    result = apply_stock_snapshot(
        location_id=store.pk, rows=[("JACKET-S", 3), ("JACKET-M", 1)], reference="count"
    )

    levels = StockLevel.objects.filter(location=store, variant__sku__in=["JACKET-S", "JACKET-M"])
    assert sorted(levels.values_list("variant__sku", "on_hand", "held")) == [
        ("JACKET-M", 5, 2),
        ("JACKET-S", 3, 2),
    ]
    assert (result.changed, result.rejected) == (1, 1)
    assert result.report == [
        {"line": 2, "sku": "JACKET-M", "reason": "counted 1 but 2 are held for customers"}
    ]
    assert list(snapshot_movements(store).values_list("variant__sku", flat=True)) == ["JACKET-S"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param("JACKET-ZZ,3", "unknown SKU JACKET-ZZ", id="unknown_sku_case"),
        pytest.param("JACKET-M,-2", "negative quantity -2", id="negative_case"),
        pytest.param(
            "JACKET-S,9",
            "duplicate SKU JACKET-S in the file (first on line 2)",
            id="duplicate_case",
        ),
        pytest.param("JACKET-M,2.5", "quantity '2.5' is not a whole number", id="decimal_case"),
        pytest.param("JACKET-M,trois", "quantity 'trois' is not a whole number", id="word_case"),
        pytest.param("JACKET-M,", "no quantity", id="no_quantity_case"),
        pytest.param(",4", "no SKU", id="no_sku_case"),
        pytest.param(
            "JACKET-M,2000000000",
            "quantity 2000000000 is more than 1,000,000,000",
            id="too_many_case",
        ),
    ],
)
def test_a_bad_line_is_rejected_with_its_number_and_the_good_ones_are_loaded(line, reason):
    store = make_store()
    shelf_of_jackets(store, 5)

    job = load_csv(store, f"sku,quantity\nJACKET-S,1\n{line}\nJACKET-L,8\n")

    assert (job.changed, job.rejected, job.unchanged) == (2, 1, 0)
    assert job.report == [{"line": 3, "sku": job.report[0]["sku"], "reason": reason}]
    assert (on_hand(store)["JACKET-S"], on_hand(store)["JACKET-L"]) == (1, 8)
    assert on_hand(store)["JACKET-M"] == 5


def test_a_second_identical_snapshot_changes_nothing():
    store = make_store()
    shelf_of_jackets(store, 5)
    rows = [("JACKET-S", 1), ("JACKET-M", 8), ("JACKET-L", 5)]
    apply_stock_snapshot(location_id=store.pk, rows=rows, reference="count 1")
    movements, events = snapshot_movements(store).count(), stock_events().count()

    again = apply_stock_snapshot(location_id=store.pk, rows=rows, reference="count 2")

    assert (again.changed, again.unchanged) == (0, 3)
    assert (snapshot_movements(store).count(), stock_events().count()) == (movements, events)


def test_skus_the_count_does_not_mention_are_left_as_they_are():
    store, other_store = make_store(), make_store("paris-rivoli", city="Paris")
    shelf_of_jackets(store, 5)
    put_on_shelf(make_variant("JACKET-S"), other_store, 6)

    apply_stock_snapshot(location_id=store.pk, rows=[("JACKET-S", 0)], reference="count")

    assert on_hand(store) == {f"JACKET-{size}": 5 for size in SIZES} | {"JACKET-S": 0}
    assert on_hand(other_store) == {"JACKET-S": 6}


def test_a_count_of_zero_for_a_sku_never_stocked_here_creates_nothing():
    store = make_store()
    make_variant("SOCKS-39")

    result = apply_stock_snapshot(location_id=store.pk, rows=[("SOCKS-39", 0)], reference="c")

    assert (result.changed, result.unchanged) == (0, 1)
    assert not StockLevel.objects.filter(location=store).exists()


def test_the_report_lists_the_first_thousand_rejected_lines_and_counts_them_all():
    store = make_store()
    shelf_of_jackets(store, 5)
    rows = [("JACKET-S", 2)] + [(f"GHOST-{n}", 1) for n in range(1_005)]

    result = apply_stock_snapshot(location_id=store.pk, rows=rows, reference="count")

    assert (result.changed, result.rejected, len(result.report)) == (1, 1_005, 1_000)
    assert result.report[0] == {"line": 2, "sku": "GHOST-0", "reason": "unknown SKU GHOST-0"}
    assert result.report[-1]["line"] == 1_001


def test_progress_moves_batch_by_batch_until_it_reaches_the_total(monkeypatch):
    store = make_store()
    shelf_of_jackets(store, 5)
    text = "sku,quantity\n" + "".join(f"JACKET-{size},{n}\n" for n, size in enumerate(SIZES))
    job = start_stock_snapshot(location_id=store.pk, snapshot=read_snapshot_csv(text))
    seen = []
    real_batch = snapshot_positions.PositionReader.batch

    def watched_batch(reader, start, end, changed, found):
        seen.append(SnapshotJob.objects.get(pk=job.pk).processed_rows)
        return real_batch(reader, start, end, changed, found)

    monkeypatch.setattr(snapshot_positions.PositionReader, "batch", watched_batch)

    finished = run_stock_snapshot(job_id=job.pk, batch_size=4)

    assert seen == [0, 4, 8]
    assert (finished.status, finished.processed_rows, finished.total_rows) == ("finished", 10, 10)
    assert (finished.changed, finished.unchanged) == (9, 1)
    loaded = OutboxEvent.objects.get(type="stock.snapshot_loaded")
    assert loaded.payload == {
        "job_id": job.pk,
        "location_id": store.pk,
        "total_rows": 10,
        "changed": 9,
        "unchanged": 1,
        "rejected": 0,
    }


def test_a_job_abandoned_mid_way_resumes_after_its_last_committed_batch(monkeypatch):
    store = make_store()
    shelf_of_jackets(store, 5)
    text = "sku,quantity\n" + "".join(f"JACKET-{size},1\n" for size in SIZES) + "GHOST,1\n"
    job = start_stock_snapshot(location_id=store.pk, snapshot=read_snapshot_csv(text))
    real_batch = snapshot_positions.PositionReader.batch

    def crash_on_the_second_batch(reader, start, end, changed, found):
        if start == 4:
            raise RuntimeError("the worker was killed")
        return real_batch(reader, start, end, changed, found)

    monkeypatch.setattr(snapshot_positions.PositionReader, "batch", crash_on_the_second_batch)
    with pytest.raises(RuntimeError):
        run_stock_snapshot(job_id=job.pk, batch_size=4)
    with pytest.raises(SnapshotInProgress):  # its lease still runs
        run_stock_snapshot(job_id=job.pk, batch_size=4)
    assert SnapshotJob.objects.get(pk=job.pk).processed_rows == 4
    SnapshotJob.objects.filter(pk=job.pk).update(lease_until=clock.now() - timedelta(seconds=1))
    monkeypatch.setattr(snapshot_positions.PositionReader, "batch", real_batch)

    finished = run_stock_snapshot(job_id=job.pk, batch_size=4)

    assert (finished.processed_rows, finished.changed, finished.rejected) == (11, 10, 1)
    assert snapshot_movements(store).count() == 10
    assert on_hand(store) == {f"JACKET-{size}": 1 for size in SIZES}
    assert finished.report == [{"line": 12, "sku": "GHOST", "reason": "unknown SKU GHOST"}]


def test_a_finished_job_is_not_loaded_twice():
    store = make_store()
    shelf_of_jackets(store, 5)
    job = load_csv(store, "sku,quantity\nJACKET-S,1\n")

    again = run_stock_snapshot(job_id=job.pk)

    assert (again.status, again.changed) == ("finished", 1)
    assert snapshot_movements(store).count() == 1


def test_a_csv_count_may_use_semicolons_a_byte_order_mark_and_blank_lines():
    snapshot = read_snapshot_csv(
        "\ufeffSKU;Libellé;Quantity\nJACKET-S;Veste S;3\n\n JACKET-M ;;x\n"
    )

    assert snapshot.positions == [("JACKET-S", 3), ("JACKET-M", "x")]
    assert snapshot.lines == [2, 4]


def test_a_csv_count_without_a_quantity_column_is_refused_at_once():
    with pytest.raises(InvalidSnapshot, match="The header lacks quantity"):
        read_snapshot_csv("sku,qty\nJACKET-S,3\n")


def test_a_json_count_names_its_location_and_lists_its_positions():
    snapshot = read_snapshot_json(
        '{"location": "lyon-part-dieu", "positions": [{"sku": "JACKET-S", "quantity": 3}, 7]}'
    )

    assert (snapshot.location, snapshot.positions) == (
        "lyon-part-dieu",
        [("JACKET-S", 3), (None, None)],
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[]", id="a_list_case"),
        pytest.param('{"positions": {}}', id="positions_not_a_list_case"),
        pytest.param('{"location": 3, "positions": []}', id="location_not_a_code_case"),
        pytest.param("{", id="not_json_case"),
    ],
)
def test_a_json_body_that_is_not_a_count_is_refused_at_once(body):
    with pytest.raises(InvalidSnapshot):
        read_snapshot_json(body)


def test_starting_a_snapshot_asks_the_worker_to_load_it():
    store = make_store()
    text = "sku,quantity\nJACKET-S,1\nJACKET-M,2\n"

    job = start_stock_snapshot(location_id=store.pk, snapshot=read_snapshot_csv(text))

    event = OutboxEvent.objects.get(type="stock.snapshot_requested")
    assert event.payload == {"job_id": job.pk, "location_id": store.pk, "total_rows": 2}
    assert (job.status, job.processed_rows, job.total_rows) == ("pending", 0, 2)


def test_the_outbox_handler_loads_the_requested_snapshot(django_capture_on_commit_callbacks):
    store = make_store()
    shelf_of_jackets(store, 5)
    text = "sku,quantity\nJACKET-S,1\nJACKET-M,5\n"
    job = start_stock_snapshot(location_id=store.pk, snapshot=read_snapshot_csv(text))

    with django_capture_on_commit_callbacks(execute=True):
        outbox.run_due_work(ROUTES, worker="test-worker")

    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.changed, job.unchanged) == ("finished", 2, 1, 1)


@pytest.mark.postgres_only
def test_a_level_that_moves_after_the_comparison_is_set_from_what_it_is_then(monkeypatch):
    store = make_store()
    [jacket, *_] = shelf_of_jackets(store, 5)
    real_apply = snapshot_loading._apply_changes

    def sale_in_between(changes, load):  # a till sale lands between the two passes
        sell_at_till(location_id=store.pk, lines=[TillLine(jacket.pk, jacket.sku, 2)], ticket="T9")
        return real_apply(changes, load)

    monkeypatch.setattr(snapshot_loading, "_apply_changes", sale_in_between)

    result = apply_stock_snapshot(location_id=store.pk, rows=[(jacket.sku, 4)], reference="c")

    assert result.changed == 1
    assert on_hand(store)[jacket.sku] == 4
    assert list(snapshot_movements(store).values_list("on_hand_delta", flat=True)) == [1]
    [event] = stock_events()
    assert (event.payload["on_hand"], event.payload["free"]) == (4, 4)


def test_a_sku_with_a_tab_or_a_backslash_is_reported_as_it_was_sent():
    store = make_store()
    shelf_of_jackets(store, 5)

    result = apply_stock_snapshot(
        location_id=store.pk,
        rows=[("JACKET\tS", 1), ("JACKET\\M", 2), ("JACKET-L", 3)],
        reference="count",
    )

    assert result.changed == 1
    assert result.report == [
        {"line": 1, "sku": "JACKET\tS", "reason": "unknown SKU JACKET\tS"},
        {"line": 2, "sku": "JACKET\\M", "reason": "unknown SKU JACKET\\M"},
    ]


def test_text_no_database_can_hold_is_rejected_on_its_own():
    store = make_store()
    shelf_of_jackets(store, 5)

    result = apply_stock_snapshot(
        location_id=store.pk,
        rows=[("JACKET\x00S", 1), ("JACKET-\ud800", 2), ("JACKET-L", 3)],
        reference="count",
    )

    assert (result.changed, result.rejected) == (1, 2)
    assert [entry["reason"] for entry in result.report] == [
        "SKU JACKET\\x00S is not text a catalogue can hold",
        "SKU JACKET-\\ud800 is not text a catalogue can hold",
    ]


def test_positions_of_any_shape_are_rejected_with_a_reason():
    store = make_store()
    shelf_of_jackets(store, 5)
    snapshot = read_snapshot_json(
        '{"positions": [{"sku": "JACKET-S", "quantity": true}, {"sku": 7, "quantity": 1},'
        ' {"quantity": 1}, {"sku": "JACKET-M", "quantity": 1.5}, {"sku": "JACKET-L"}, []]}'
    )

    result = apply_stock_snapshot(location_id=store.pk, rows=snapshot.positions, reference="c")

    assert result.rejected == 6
    assert [(entry["line"], entry["reason"]) for entry in result.report] == [
        (1, "quantity True is not a whole number"),
        (2, "no SKU"),
        (3, "no SKU"),
        (4, "quantity 1.5 is not a whole number"),
        (5, "no quantity"),
        (6, "no SKU"),
    ]


def test_a_count_with_no_positions_finishes_at_once():
    store = make_store()

    job = load_csv(store, "sku,quantity\n")

    assert (job.status, job.total_rows, job.processed_rows, job.changed) == ("finished", 0, 0, 0)


def test_a_count_that_brings_a_sku_back_tells_its_subscribers_once():
    from comptoir.inventory.services.stock import subscribe_back_in_stock

    store = make_store()
    jackets = {sku: make_variant(sku) for sku in ("JACKET-S", "JACKET-M", "JACKET-L")}
    back = subscribe_back_in_stock(
        variant_id=jackets["JACKET-S"].pk, location_id=store.pk, email="s@example.fr"
    )
    still_out = subscribe_back_in_stock(
        variant_id=jackets["JACKET-M"].pk, location_id=store.pk, email="m@example.fr"
    )
    counted = "sku,quantity\nJACKET-S,3\nJACKET-M,0\nJACKET-L,2\n"

    load_csv(store, counted)
    load_csv(store, counted)  # the same count again changes nothing and tells nobody twice

    [event] = OutboxEvent.objects.filter(type="stock.back_in_stock")
    assert event.payload["sku"] == "JACKET-S"
    assert event.payload["subscription_ids"] == [back.pk]
    back.refresh_from_db()
    still_out.refresh_from_db()
    assert back.notified_at is not None
    assert still_out.notified_at is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_one_snapshot_load_it_once():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    store = make_store()
    shelf_of_jackets(store, 5)
    counted = "sku,quantity\n" + "".join(f"JACKET-{size},9\n" for size in SIZES)
    # The job row alone, without its request event: no worker starts it behind the test's back.
    job = SnapshotJob.objects.create(
        location=store, format="csv", content=counted, total_rows=len(SIZES), created_at=clock.now()
    )
    start_together = threading.Barrier(2)

    def run() -> str:
        try:
            start_together.wait(timeout=10)
            run_stock_snapshot(job_id=job.pk, batch_size=2)
            return "ran"
        except SnapshotInProgress:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: run(), range(2)))

    job.refresh_from_db()
    assert job.status == SnapshotJob.Status.FINISHED
    assert "ran" in outcomes
    assert on_hand(store) == {f"JACKET-{size}": 9 for size in SIZES}
    assert snapshot_movements(store).count() == len(SIZES)
    assert snapshot_movements(store).aggregate(Sum("on_hand_delta"))["on_hand_delta__sum"] == 40
    assert stock_events().count() == len(SIZES)

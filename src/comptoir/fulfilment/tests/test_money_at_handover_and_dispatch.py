"""What is captured when goods leave: at a dispatch (the lines shipped, the fee with the first
parcel) and at a handover (the lines handed over; at the till, how the customer paid)."""

from decimal import Decimal

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.locations.models import Location
from comptoir.orders.models import Order
from comptoir.orders.payments.fake import FakePsp
from comptoir.orders.tests.factories import (
    HOME,
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)


def _operations():
    from comptoir.orders.models import PaymentOperation

    return PaymentOperation.objects


def _call_centre_home_delivery(client, *, lines=None, option=None):
    warehouse = make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    for sku in ("JACKET-TRAIL-S", "JACKET-TRAIL-M"):
        stock(sku, warehouse, 3)
    store = Location.objects.filter(code="lyon-bellecour").first()
    if store is not None:  # a second parcel, from a store
        stock("JACKET-TRAIL-M", store, 1)
    _, raw = make_api_token("orders.write", name="call-centre")
    extra = {"delivery_option": option} if option else {}
    response = client.post(
        "/api/v1/orders",
        order_body(
            channel="call_centre",
            mode="home_delivery",
            pickup=None,
            lines=lines or [{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"}],
            delivery_address=HOME,
            **extra,
        ),
        content_type="application/json",
        headers=bearer(raw),
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    return Order.objects.get(reference=response.json()["reference"]), response.json()


@pytest.mark.django_db
def test_a_call_centre_home_delivery_is_charged_the_same_fee_as_the_web(client):
    order, answer = _call_centre_home_delivery(client)

    assert (answer["delivery_fee"], answer["total"]) == ("4.90", "133.90")
    assert (order.delivery_option, order.payment.amount) == ("home_standard", Decimal("133.90"))


@pytest.mark.django_db
def test_a_delivery_option_that_the_mode_does_not_offer_is_a_422_naming_the_field(client):
    make_location("entrepot-lyon", city="Saint-Priest", kind="warehouse")
    make_jackets()
    _, raw = make_api_token("orders.write", name="call-centre")

    response = client.post(
        "/api/v1/orders",
        order_body(
            channel="call_centre",
            mode="home_delivery",
            pickup=None,
            lines=[{"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"}],
            delivery_address=HOME,
            delivery_option="click_and_collect",
        ),
        content_type="application/json",
        headers=bearer(raw),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.delivery_option"
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_the_first_dispatch_captures_its_lines_and_the_delivery_fee(client):
    order, _ = _call_centre_home_delivery(client, option="home_express")
    task = StoreTask.objects.get(order=order)

    services.dispatch(task_id=task.pk)

    order.refresh_from_db()
    assert (order.total, order.payment.captured_amount) == (Decimal("138.90"), Decimal("138.90"))
    [capture] = _operations().filter(payment=order.payment, kind="capture")
    assert (capture.status, capture.amount, capture.idempotency_key) == (
        "succeeded",
        Decimal("138.90"),
        f"capture:{order.pk}:task:{task.pk}",
    )


@pytest.mark.django_db
def test_a_second_parcel_captures_its_lines_without_the_fee_again(client):
    make_location("lyon-bellecour", city="Lyon")
    order, _ = _call_centre_home_delivery(
        client,
        lines=[
            {"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"},
            {"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "lyon-bellecour"},
        ],
    )
    first, second = StoreTask.objects.filter(order=order).order_by("location__code")

    services.dispatch(task_id=first.pk)
    services.dispatch(task_id=second.pk)

    amounts = list(
        _operations().filter(kind="capture").order_by("id").values_list("amount", flat=True)
    )
    assert amounts == [Decimal("133.90"), Decimal("129.00")]
    order.refresh_from_db()
    assert order.payment.captured_amount == order.total == Decimal("262.90")


@pytest.mark.django_db
def test_a_dispatch_that_rolls_back_captures_nothing(client, monkeypatch):
    order, _ = _call_centre_home_delivery(client)
    task = StoreTask.objects.get(order=order)
    captures = []
    real_capture = FakePsp.capture
    monkeypatch.setattr(
        FakePsp, "capture", lambda self, **kw: captures.append(kw) or real_capture(self, **kw)
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away before COMMIT")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.dispatch(task_id=task.pk)

    order.refresh_from_db()
    assert captures == []
    assert (order.status, order.payment.captured_amount) == ("placed", 0)
    assert StoreTask.objects.get(pk=task.pk).status == "open"


def _reservation(client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    client.force_login(make_shopper().user)
    response = client.post(
        "/api/v1/orders",
        order_body(mode="reserve_and_collect", payment={"method": "at_pickup"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    task = StoreTask.objects.get(order=order)
    services.mark_ready(task_id=task.pk)
    order.refresh_from_db()
    client.force_login(make_staff("associate", [store]))
    return order, task


@pytest.mark.django_db
def test_a_reservation_handed_over_without_saying_how_it_was_paid_is_refused(client):
    order, task = _reservation(client)

    response = client.post(
        f"/api/v1/store-tasks/{task.pk}/handover",
        {"pickup_code": order.pickup_code},
        content_type="application/json",
    )

    assert response.status_code == 422, response.json()
    assert response.json()["errors"][0]["field"] == "body.tender"
    order.refresh_from_db()
    assert (order.status, order.payment.captured_amount) == ("ready_for_pickup", 0)
    assert not _operations().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("tender", [pytest.param("cash", id="cash_case"), "store_card"])
def test_a_reservation_is_captured_by_the_tender_taken_at_the_till(client, tender):
    order, task = _reservation(client)

    response = client.post(
        f"/api/v1/store-tasks/{task.pk}/handover",
        {"pickup_code": order.pickup_code, "tender": tender},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    order.refresh_from_db()
    assert (order.status, order.payment.status, order.payment.captured_amount) == (
        "collected",
        "captured",
        Decimal("129.00"),
    )
    [operation] = _operations().all()
    assert (operation.kind, operation.tender, operation.status, operation.amount) == (
        "capture",
        tender,
        "succeeded",
        Decimal("129.00"),
    )


@pytest.mark.django_db
def test_an_order_cancelled_after_its_first_parcel_keeps_that_capture_and_voids_the_rest(client):
    from comptoir.orders.selectors import money_discrepancies
    from comptoir.orders.services.lifecycle import cancel_order

    make_location("lyon-bellecour", city="Lyon")
    order, _ = _call_centre_home_delivery(
        client,
        lines=[
            {"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"},
            {"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "lyon-bellecour"},
        ],
    )
    first = StoreTask.objects.filter(order=order).order_by("location__code").first()
    services.dispatch(task_id=first.pk)

    cancel_order(order_id=order.pk, reason="the rest is not wanted any more")

    order.refresh_from_db()
    [void] = _operations().filter(kind="void")
    assert (void.status, void.amount) == ("succeeded", Decimal("129.00"))
    assert (order.payment.status, order.payment.captured_amount) == (
        "captured",
        Decimal("133.90"),
    )
    assert money_discrepancies() == []


@pytest.mark.django_db
def test_a_cancellation_while_a_parcels_capture_is_unanswered_does_not_void_it_away(client):
    from comptoir.orders.selectors import money_discrepancies
    from comptoir.orders.services.lifecycle import cancel_order
    from comptoir.orders.services.payments import retry_operation

    make_location("lyon-bellecour", city="Lyon")
    order, _ = _call_centre_home_delivery(
        client,
        lines=[
            {"sku": "JACKET-TRAIL-S", "quantity": 1, "location": "entrepot-lyon"},
            {"sku": "JACKET-TRAIL-M", "quantity": 1, "location": "lyon-bellecour"},
        ],
    )
    first = StoreTask.objects.filter(order=order).order_by("location__code").first()
    FakePsp.fail_next("capture", "timeout")
    services.dispatch(task_id=first.pk)  # the parcel left; its capture has no answer yet

    cancel_order(order_id=order.pk, reason="the rest is not wanted any more")

    # A void now would cancel the authorisation the parcel's capture needs: none is asked.
    assert not _operations().filter(kind="void").exists()
    [capture] = _operations().filter(kind="capture")
    assert retry_operation(operation_id=capture.pk).status == "succeeded"
    order.refresh_from_db()
    assert order.payment.captured_amount == Decimal("133.90")
    # What is left authorised is for a person to release; reconcile says so.
    assert [d.check for d in money_discrepancies()] == ["cancelled-with-open-authorisation"]

"""GET /stores/{store}/in-store-now: who is in the store, with their orders ready here; and
GET /customers/{id}/orders: the open orders an associate sees beside the profile."""

import pytest

from comptoir.accounts.tests.factories import bearer, make_api_token, make_staff
from comptoir.customers.services import add_identity, record_consent
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment.models import StoreTask
from comptoir.fulfilment.services import mark_ready
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _recognisable(shopper, card):
    record_consent(
        customer_id=shopper.pk,
        purpose="in_store_recognition",
        granted=True,
        channel="app",
        method="app_setting",
    )
    add_identity(customer_id=shopper.pk, kind="loyalty_card", value=card, channel="store")


def _order(client, shopper, *, pickup):
    client.force_login(shopper.user)
    response = client.post("/api/v1/orders", order_body(pickup=pickup), content_type=JSON)
    assert response.status_code == 201, response.json()
    deliver_events()
    return response.json()["reference"]


def _jean_with_an_order_ready_here_and_one_elsewhere(client):
    bellecour = make_location("lyon-bellecour", city="Lyon")
    part_dieu = make_location("lyon-part-dieu", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", bellecour, 3)
    stock("JACKET-TRAIL-S", part_dieu, 3)
    jean = make_shopper()
    _recognisable(jean, "ELAN-0042")
    ready_here = _order(client, jean, pickup="lyon-bellecour")
    not_ready = _order(client, jean, pickup="lyon-bellecour")
    elsewhere = _order(client, jean, pickup="lyon-part-dieu")
    for reference in (ready_here, elsewhere):
        mark_ready(task_id=StoreTask.objects.get(order__reference=reference).pk)
    return bellecour, jean, ready_here, not_ready, elsewhere


def test_a_recognised_shopper_comes_with_the_orders_ready_for_them_in_this_store(client):
    bellecour, jean, ready_here, _, _ = _jean_with_an_order_ready_here_and_one_elsewhere(client)
    claire = make_shopper("claire@example.fr")
    _recognisable(claire, "ELAN-0043")
    client.force_login(make_staff("associate", [bellecour], username="sofia"))
    for card in ("ELAN-0042", "ELAN-0043"):
        checked_in = client.post(
            "/api/v1/customers/check-ins",
            {"store": "lyon-bellecour", "loyalty_card": card},
            content_type=JSON,
        )
        assert checked_in.status_code == 201

    response = client.get("/api/v1/stores/lyon-bellecour/in-store-now")

    assert response.status_code == 200, response.json()
    by_customer = {row["customer_id"]: row for row in response.json()}
    [pickup] = by_customer[jean.pk]["orders_ready_here"]
    task = StoreTask.objects.get(order__reference=ready_here)
    assert (pickup["task_id"], pickup["order_reference"]) == (task.pk, ready_here)
    assert [(line["sku"], line["quantity"]) for line in pickup["lines"]] == [("JACKET-TRAIL-S", 1)]
    assert by_customer[claire.pk]["orders_ready_here"] == []
    assert by_customer[jean.pk]["first_name"] == "Jean"


def test_another_stores_associate_cannot_see_this_stores_list(client):
    _jean_with_an_order_ready_here_and_one_elsewhere(client)
    client.force_login(
        make_staff("associate", [make_location("lyon-part-dieu", city="Lyon")], username="k")
    )

    response = client.get("/api/v1/stores/lyon-bellecour/in-store-now")

    assert response.status_code == 403


def test_the_associate_sees_the_customers_open_orders_beside_the_profile(client):
    bellecour, jean, ready_here, not_ready, elsewhere = (
        _jean_with_an_order_ready_here_and_one_elsewhere(client)
    )
    client.force_login(jean.user)
    client.post(f"/api/v1/orders/{not_ready}/cancellation", {"reason": "twice"}, content_type=JSON)
    client.force_login(make_staff("associate", [bellecour], username="sofia"))

    open_orders = client.get(f"/api/v1/customers/{jean.pk}/orders")
    every_order = client.get(f"/api/v1/customers/{jean.pk}/orders", {"status": "all"})

    assert open_orders.status_code == 200, open_orders.json()
    assert [o["reference"] for o in open_orders.json()] == [elsewhere, ready_here]
    assert {o["reference"] for o in every_order.json()} == {ready_here, not_ready, elsewhere}
    assert all(o["pickup_code"] is None for o in open_orders.json())  # the customer's secret


def test_a_shopper_sees_their_own_open_orders_and_gets_404_on_anothers(client):
    _, jean, _, _, _ = _jean_with_an_order_ready_here_and_one_elsewhere(client)
    claire = make_shopper("claire@example.fr")

    client.force_login(claire.user)
    theirs = client.get(f"/api/v1/customers/{jean.pk}/orders")
    client.force_login(jean.user)
    own = client.get(f"/api/v1/customers/{jean.pk}/orders")
    unknown = client.get("/api/v1/customers/9223372036854775807/orders")
    bad = client.get(f"/api/v1/customers/{jean.pk}/orders", {"status": "late"})

    assert (theirs.status_code, own.status_code, unknown.status_code) == (404, 200, 404)
    assert len(own.json()) == 3
    assert bad.status_code == 422


def test_a_token_that_may_check_in_but_not_read_orders_sees_no_list(client):
    _jean_with_an_order_ready_here_and_one_elsewhere(client)
    client.logout()
    _, check_ins_only = make_api_token("customers.check_in")
    _, with_orders = make_api_token("customers.check_in", "orders.read", name="associate-app")

    refused = client.get(
        "/api/v1/stores/lyon-bellecour/in-store-now", headers=bearer(check_ins_only)
    )
    allowed = client.get("/api/v1/stores/lyon-bellecour/in-store-now", headers=bearer(with_orders))

    assert (refused.status_code, allowed.status_code) == (403, 200)

"""The associate's clienteling pages: orders waiting here with the pickup-code check, the
timeline in the reader's language by day and channel, arrivals by server-sent events; and the
storefront's check-in page, only with the shopper's consent."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import make_staff
from comptoir.customers.models import StoreVisit
from comptoir.customers.selectors import may_use
from comptoir.customers.services import check_in, record_consent
from comptoir.customers.tests.factories import make_shopper
from comptoir.fulfilment import services
from comptoir.fulfilment.models import StoreTask
from comptoir.orders.models import Order
from comptoir.orders.tests.factories import (
    deliver_events,
    make_jackets,
    make_location,
    order_body,
    stock,
)

pytestmark = pytest.mark.django_db
STORE = "/associate/lyon-bellecour"


def _jean_with_an_order_ready(client: Client):
    store = make_location("lyon-bellecour", city="Lyon")
    make_jackets()
    stock("JACKET-TRAIL-S", store, 2)
    jean = make_shopper()
    client.force_login(jean.user)
    response = client.post(
        "/api/v1/orders", order_body(pickup="lyon-bellecour"), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    deliver_events()
    order = Order.objects.get(reference=response.json()["reference"])
    services.mark_ready(task_id=StoreTask.objects.get(order=order).pk)
    deliver_events()
    order.refresh_from_db()
    client.force_login(make_staff("associate", [store]))
    return jean, order


def test_the_customer_page_puts_the_order_waiting_here_first_and_checks_its_pickup_code(client):
    jean, order = _jean_with_an_order_ready(client)

    page = client.get(f"{STORE}/customers/{jean.pk}/").content.decode()
    assert page.index("Commandes qui l'attendent ici") < page.index("Historique")
    assert order.reference in page
    assert f'id="pickup-code-{order.pk}"' in page

    check = f"{STORE}/orders/{order.pk}/pickup-check/"
    wrong = "000000" if order.pickup_code != "000000" else "111111"
    answer = client.post(check, {"pickup_code": wrong}, HTTP_HX_REQUEST="true").content.decode()
    assert "ne correspond pas" in answer
    assert "bad" in answer
    answer = client.post(
        check, {"pickup_code": order.pickup_code}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"Bon code : la commande {order.reference}" in answer
    order.refresh_from_db()
    assert order.status == "ready_for_pickup"  # a check hands nothing over


def test_the_timeline_says_each_event_in_the_readers_language_by_day_and_channel(client):
    jean, order = _jean_with_an_order_ready(client)

    french = client.get(f"{STORE}/customers/{jean.pk}/").content.decode()
    assert f"A passé la commande {order.reference}" in french
    assert f"La commande {order.reference} est prête à retirer" in french
    assert "<h4>Web</h4>" in french
    assert "order.placed" not in french
    assert "order_reference" not in french

    client.cookies["django_language"] = "en"
    english = client.get(
        f"{STORE}/customers/{jean.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert f"Placed order {order.reference}" in english
    assert f"Order {order.reference} is ready for pickup" in english


def test_an_arrival_is_streamed_to_the_stores_associates_with_his_order_waiting(client):
    jean, order = _jean_with_an_order_ready(client)
    record_consent(
        customer_id=jean.pk,
        purpose="in_store_recognition",
        granted=True,
        channel="app",
        method="app_setting",
    )
    visit = check_in(customer_id=jean.pk, location_code="lyon-bellecour", method="entrance_qr")

    response = client.get(f"{STORE}/in-store/events/", HTTP_LAST_EVENT_ID=str(visit.pk - 1))
    stream = b"".join(response.streaming_content).decode()  # one poll, then the stream ends

    assert response["Content-Type"] == "text/event-stream"
    assert f"id: {visit.pk}\nevent: arrival\n" in stream
    assert "Jean Martin vient d'arriver." in stream
    assert order.reference in stream
    assert stream.startswith("retry: 3000\n")  # the browser comes back, nothing holds a thread


def test_the_storefront_check_in_asks_for_consent_before_telling_the_store(client):
    make_location("lyon-bellecour", city="Lyon")
    jean = make_shopper()
    client.force_login(jean.user)
    page = "/stores/lyon-bellecour/check-in/"

    refused = client.post(page, {})
    assert refused.status_code == 400
    assert "cochez la case" in refused.content.decode()
    assert StoreVisit.objects.count() == 0

    client.post(page, {"agree": "yes"})
    assert may_use(customer_id=jean.pk, purpose="in_store_recognition")
    assert StoreVisit.objects.filter(customer=jean, method="entrance_qr").count() == 1


def test_a_loyalty_card_checks_in_only_a_customer_who_agreed_and_the_page_says_why_not(client):
    from comptoir.customers.services import add_identity

    store = make_location("lyon-bellecour", city="Lyon")
    jean = make_shopper()
    add_identity(customer_id=jean.pk, kind="loyalty_card", value="2900000000017", channel="store")
    client.force_login(make_staff("associate", [store]))
    form = f"{STORE}/in-store/check-in/"

    refused = unescape(
        client.post(form, {"loyalty_card": "2900000000017"}, follow=True).content.decode()
    )
    assert "n'a pas accepté d'être reconnu" in refused
    unknown = unescape(
        client.post(form, {"loyalty_card": "2900000000999"}, follow=True).content.decode()
    )
    assert "Aucun client n'a cette carte" in unknown
    assert StoreVisit.objects.count() == 0

    record_consent(
        customer_id=jean.pk,
        purpose="in_store_recognition",
        granted=True,
        channel="store",
        method="verbal",
    )
    done = unescape(
        client.post(form, {"loyalty_card": "2900000000017"}, follow=True).content.decode()
    )
    assert "L'arrivée de Jean Martin est signalée." in done
    assert f'data-customer="{jean.pk}"' in done
    assert StoreVisit.objects.get().method == "loyalty_card"


def test_a_collected_order_moves_from_waiting_here_to_the_last_purchases(client):
    jean, order = _jean_with_an_order_ready(client)
    services.hand_over(task_id=StoreTask.objects.get(order=order).pk, pickup_code=order.pickup_code)

    page = unescape(client.get(f"{STORE}/customers/{jean.pk}/").content.decode())

    waiting = page[page.index("Commandes qui l'attendent ici") : page.index("Panier en cours")]
    purchases = page[page.index("Derniers achats") : page.index("Préférences")]
    assert "Aucune dans ce magasin." in waiting
    assert order.reference in purchases

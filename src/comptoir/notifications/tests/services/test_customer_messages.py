"""Told before they ask: real SMTP on localhost, the customer's language, consent first."""

import time
from datetime import timedelta

import pytest
from django.db import transaction

from comptoir.core import clock
from comptoir.core.models import Delivery
from comptoir.core.outbox import record_event, replay, run_due_work
from comptoir.customers.models import Customer
from comptoir.customers.selectors import timeline_of
from comptoir.customers.services import record_consent, register_shopper
from comptoir.locations.tests.factories import make_store
from comptoir.notifications.models import MessageLog
from comptoir.notifications.services import set_channel_preferences
from comptoir.notifications.sms import FakeSmsGateway
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.shipping.domain.tracking import TrackingStatus
from comptoir.shipping.models import Shipment
from comptoir.shipping.tests.factories import a_scan, make_carriers, make_shipment, signed
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)


def _customer(email, *, language, first_name, consent=True):
    customer = register_shopper(
        email=email,
        password="comptoir-test",
        first_name=first_name,
        last_name="Martin",
        language=language,
    )
    if consent:
        record_consent(
            customer_id=customer.pk,
            purpose="order_updates_email",
            granted=True,
            channel="web",
            method="checkbox",
        )
    return customer


def _late_parcel(client, customer):
    """A parcel promised in three days; the carrier says today it will come two days later."""
    now = clock.now()
    promised = (now + timedelta(days=3)).date()
    shipment = make_shipment(
        make_store("lyon-part-dieu"), promised_by=promised, now=now, customer_id=customer.pk
    )
    scans = [
        a_scan(
            shipment,
            TrackingStatus.EXCEPTION,
            now,
            reason="hub closed",
            estimated_delivery=promised + timedelta(days=2),
        )
    ]
    response = client.post(
        f"/api/v1/carriers/{shipment.carrier.code}/tracking-events",
        **signed(shipment.carrier, scans, timestamp=int(time.time())),
    )
    assert response.status_code == 202
    return shipment


def _deliver_all():
    while run_due_work(ROUTES, worker="test").attempted:
        pass


def test_the_delay_message_reaches_the_inbox_before_the_promise_passes_in_english(client, settings):
    make_carriers()
    claire = _customer("claire@example.com", language="en", first_name="Claire")
    with smtp_server(settings) as inbox:
        shipment = _late_parcel(client, claire)
        _deliver_all()

    delayed = [m for m in inbox.to("claire@example.com") if "late" in m.message["Subject"]]
    assert len(delayed) == 1
    message = delayed[0]
    assert message.message["Subject"] == f"Your parcel {shipment.order_reference} is running late"
    new_date = shipment.promised_by + timedelta(days=2)
    assert f"will arrive on {new_date:%A} {new_date.day} {new_date:%B}" in message.body
    assert f"/track/{shipment.tracking_token}" in message.body
    assert message.at < Shipment.objects.get(pk=shipment.pk).late_after  # before it was late
    assert message.message["Content-Language"] == "en"


def test_a_french_customer_reads_the_delay_in_french(client, settings):
    make_carriers()
    jean = _customer("jean.martin@example.fr", language="fr", first_name="Jean")
    with smtp_server(settings) as inbox:
        shipment = _late_parcel(client, jean)
        _deliver_all()

    subjects = [m.message["Subject"] for m in inbox.to("jean.martin@example.fr")]
    assert f"Votre colis {shipment.order_reference} aura du retard" in subjects
    body = next(
        m.body for m in inbox.to("jean.martin@example.fr") if "retard" in m.message["Subject"]
    )
    assert "Bonjour Jean" in body
    assert "arrivera le" in body


def test_order_updates_go_to_a_customer_who_never_answered(client, settings):
    """Issue 13, #11: they used to need an opt-in that sign-up never asks for."""
    make_carriers()
    paul = _customer("paul@example.fr", language="fr", first_name="Paul", consent=False)
    with smtp_server(settings) as inbox:
        _late_parcel(client, paul)
        _deliver_all()

    assert len(inbox.to("paul@example.fr")) == 2
    sent = MessageLog.objects.filter(customer=paul, channel="email")
    assert {(m.kind, m.status, m.reason) for m in sent} == {
        ("shipped", "sent", ""),
        ("delayed", "sent", ""),
    }


def test_consent_withdrawn_stops_the_messages(client, settings):
    make_carriers()
    anna = _customer("anna@example.fr", language="fr", first_name="Anna")
    record_consent(
        customer_id=anna.pk,
        purpose="order_updates_email",
        granted=False,
        channel="web",
        method="preference_centre",
    )
    with smtp_server(settings) as inbox:
        _late_parcel(client, anna)
        _deliver_all()

    assert inbox.messages == []


def test_a_redelivered_event_sends_nothing_twice_and_lands_once_on_the_timeline(client, settings):
    make_carriers()
    claire = _customer("claire@example.com", language="en", first_name="Claire")
    with smtp_server(settings) as inbox:
        _late_parcel(client, claire)
        _deliver_all()
        for delivery in Delivery.objects.filter(event__type="shipment.delayed"):
            replay(delivery.pk)
        _deliver_all()

    assert len([m for m in inbox.messages if "late" in m.message["Subject"]]) == 1
    timeline = timeline_of(customer_id=claire.pk).filter(kind="message.delayed")
    assert [(t.channel, t.summary) for t in timeline] == [
        ("email", "Your parcel WEB-1001 is running late")
    ]


def test_sms_goes_only_to_customers_who_want_it_and_consented(client, settings):
    make_carriers()
    claire = _customer("claire@example.com", language="en", first_name="Claire")
    Customer.objects.filter(pk=claire.pk).update(phone="+33612345678")
    set_channel_preferences(customer_id=claire.pk, email=False, sms=True)
    record_consent(
        customer_id=claire.pk,
        purpose="order_updates_sms",
        granted=True,
        channel="web",
        method="checkbox",
    )
    FakeSmsGateway.sent.clear()
    with smtp_server(settings) as inbox:
        shipment = _late_parcel(client, claire)
        _deliver_all()

    assert inbox.messages == []  # she prefers SMS
    texts = [s.text for s in FakeSmsGateway.sent if s.to == "+33612345678"]
    assert any(f"{shipment.order_reference} will arrive on" in text for text in texts)


def test_an_order_confirmation_and_a_refund_are_written_from_their_events(settings):
    claire = _customer("claire@example.com", language="en", first_name="Claire")
    common = {"order_id": 7, "order_reference": "WEB-7", "customer_id": claire.pk}
    with smtp_server(settings) as inbox:
        with transaction.atomic():
            record_event(
                "order.placed",
                aggregate="order:7",
                payload={
                    **common,
                    "channel": "web",
                    "fulfilment_mode": "home",
                    "total": "59.90",
                    "currency": "EUR",
                    "location_id": None,
                },
            )
            record_event(
                "refund.issued",
                aggregate="order:7",
                payload={**common, "return_id": 3, "amount": "19.90", "currency": "EUR"},
            )
        _deliver_all()

    subjects = sorted(m.message["Subject"] for m in inbox.to("claire@example.com"))
    assert subjects == ["Your order WEB-7 is confirmed", "Your refund of €19.90 is on its way"]


def test_ready_for_pickup_names_the_store_the_code_and_the_last_day_in_french(settings):
    jean = _customer("jean.martin@example.fr", language="fr", first_name="Jean")
    lyon = make_store("lyon-part-dieu")
    payload = {
        "order_id": 8,
        "order_reference": "WEB-8",
        "customer_id": jean.pk,
        "location_id": lyon.pk,
        "pickup_code": "K7Q2",
        "collect_by": "2026-03-13T18:00:00+00:00",
    }
    with smtp_server(settings) as inbox:
        with transaction.atomic():
            record_event("order.ready_for_pickup", aggregate="order:8", payload=payload)
            record_event("order.pickup_reminder", aggregate="order:8", payload=payload)
        _deliver_all()

    bodies = {m.message["Subject"]: m.body for m in inbox.to("jean.martin@example.fr")}
    ready = bodies["Votre commande WEB-8 vous attend en magasin"]
    assert "Élan Lyon Part-Dieu" in ready
    assert "Code de retrait : K7Q2" in ready
    assert "vendredi 13 mars 19:00" in ready  # Paris time
    assert "Rappel : votre commande WEB-8 vous attend" in bodies

"""The same email delivered several times at once (a provider's retried webhook racing the
SMTP listener, two MX hosts): one message, one conversation, one event; every delivery is
answered as a success, so no server keeps retrying. And SLA sweeps racing each other raise
each alert once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core.models import OutboxEvent
from comptoir.service.domain import read_email
from comptoir.service.models import Conversation, Message
from comptoir.service.services import flag_sla_breaches, receive_email
from comptoir.service.tests.factories import MONDAY_MORNING, REFERENCE, an_email, jean_with_a_parcel
from tests.concurrency.racing import at_once


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_email_delivered_six_times_at_once_is_stored_once():
    jean_with_a_parcel()
    raw = an_email(f"où est ma commande {REFERENCE} ?", message_id="<race@example.fr>").as_bytes()

    def deliver(_: int) -> str:
        try:
            message, stored = receive_email(mail=read_email(raw), now=MONDAY_MORNING)
        except Exception as error:  # a racer's failure must show in the outcomes
            return f"failed: {error!r}"
        return f"{message.pk}:{stored}"

    outcomes = at_once(6, deliver)

    assert not [o for o in outcomes if o.startswith("failed")], outcomes
    assert sorted(o.split(":")[1] for o in outcomes) == ["False"] * 5 + ["True"]
    assert len({o.split(":")[0] for o in outcomes}) == 1
    assert Message.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert OutboxEvent.objects.filter(type="service.message_received").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sla_sweeps_at_once_raise_each_alert_once():
    jean_with_a_parcel()
    for number in range(10):
        mail = an_email("Bonjour", message_id=f"<late-{number}@example.fr>")
        receive_email(mail=read_email(mail.as_bytes()), now=MONDAY_MORNING)
    late = MONDAY_MORNING + timedelta(days=2)

    outcomes = at_once(2, lambda _: str(flag_sla_breaches(now=late)))

    assert sum(int(o) for o in outcomes) == 10
    assert OutboxEvent.objects.filter(type="service.sla_breached").count() == 10

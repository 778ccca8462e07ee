"""A message recorded as being sent and never confirmed is reported for reconciliation."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from comptoir.notifications.models import MessageLog
from comptoir.notifications.selectors import messages_in_doubt

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _message(status, *, at, message_id="<1@comptoir.local>"):
    return MessageLog.objects.create(
        event_id=uuid.uuid4(),
        channel="email",
        kind="ready_for_pickup",
        language="fr",
        status=status,
        message_id=message_id,
        created_at=at,
    )


def test_only_a_message_still_sending_long_after_it_was_recorded_is_in_doubt():
    stuck = _message("sending", at=NOON - timedelta(hours=7))
    _message("sending", at=NOON - timedelta(minutes=5))  # its retries are still under way
    _message("sent", at=NOON - timedelta(days=2), message_id="<2@comptoir.local>")

    [doubt] = messages_in_doubt(now=NOON)

    assert (doubt.check, doubt.subject) == ("message-sent-unconfirmed", f"message:{stuck.pk}")
    assert "Message-ID <1@comptoir.local>" in doubt.detail

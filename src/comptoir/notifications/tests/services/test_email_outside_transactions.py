"""Email is sent outside any database transaction (issue 13, #10): the message and its intent
are recorded, the transaction commits, the mail server is called, the outcome is recorded.
Real SMTP on localhost, made slow; real threads; SQLite and PostgreSQL."""

import threading

import pytest
from django.db import connection

from comptoir.core import clock
from comptoir.core.models import Delivery
from comptoir.core.outbox import run_due_work
from comptoir.customers.selectors import timeline_of
from comptoir.customers.services import record_consent, register_shopper
from comptoir.notifications import services as notification_services
from comptoir.notifications.models import MessageLog
from comptoir.notifications.tests.factories import ready_for_pickup
from comptoir.notifications.tests.inbox import smtp_server
from comptoir.wiring import ROUTES

pytestmark = pytest.mark.django_db(transaction=True)


def _shopper(email, first_name):
    return register_shopper(
        email=email, password="comptoir-test", first_name=first_name, last_name="Martin"
    )


def _deliver_all():
    while run_due_work(ROUTES, worker="test").attempted:
        pass


def _in_a_worker_thread(errors, customer):
    """The event is recorded in the thread too: its commit wakes the in-process worker."""

    def work():
        try:
            ready_for_pickup(customer)
            _deliver_all()
        except Exception as error:  # reported to the test, which fails on it
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    return worker


def _transactions_left_open_by_others() -> int:
    """PostgreSQL: other sessions of this database inside a transaction right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
        )
        return cursor.fetchone()[0]


def test_a_slow_mail_server_blocks_no_other_writer(settings):
    jean = _shopper("jean.martin@example.fr", "Jean")
    lea = _shopper("lea@example.fr", "Léa")
    errors: list[Exception] = []
    with smtp_server(settings, slow=True) as inbox:
        worker = _in_a_worker_thread(errors, jean)
        try:
            assert inbox.arrived.wait(timeout=30), errors  # the server holds the message now
            if connection.vendor == "sqlite":
                # A locked database would fail this write after 2 s instead of the usual 20.
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA busy_timeout = 2000")
            else:
                assert _transactions_left_open_by_others() == 0

            record_consent(  # another writer, while the mail server thinks
                customer_id=lea.pk,
                purpose="marketing_email",
                granted=True,
                channel="web",
                method="checkbox",
            )

            assert not inbox.release.is_set()  # it really wrote during the SMTP conversation
        finally:
            inbox.release.set()
            worker.join(timeout=60)

    assert errors == []
    assert [m.message["To"] for m in inbox.messages] == ["jean.martin@example.fr"]
    log = MessageLog.objects.get(customer=jean, channel="email")
    assert (log.status, log.message_id) == ("sent", inbox.message_ids()[0])


def test_a_crash_after_the_server_took_the_message_resends_the_same_email(settings, monkeypatch):
    """The worker dies between the server's "250" and the recording of it: the retry sends
    the message again under the Message-ID recorded before the first try, so the mailbox
    keeps one email, and the log and the timeline say it once."""
    jean = _shopper("jean.martin@example.fr", "Jean")
    real = notification_services._record_sent
    crashes = []

    def crash_once(**kwargs):
        if not crashes:
            crashes.append(kwargs)
            raise ConnectionError("the worker died")
        return real(**kwargs)

    monkeypatch.setattr(notification_services, "_record_sent", crash_once)
    with smtp_server(settings) as inbox:
        ready_for_pickup(jean)
        _deliver_all()
        log = MessageLog.objects.get(customer=jean, channel="email")
        assert (log.status, len(inbox.messages)) == ("sending", 1)  # intent kept, outcome lost
        Delivery.objects.filter(status="pending").update(next_attempt_at=clock.now())
        _deliver_all()

    assert len(crashes) == 1
    assert set(inbox.message_ids()) == {log.message_id}
    log.refresh_from_db()
    assert log.status == "sent"
    assert MessageLog.objects.filter(customer=jean, channel="email").count() == 1
    assert timeline_of(customer_id=jean.pk).filter(kind="message.ready_for_pickup").count() == 1


def test_a_server_that_refuses_is_tried_again_and_sends_once(settings):
    jean = _shopper("jean.martin@example.fr", "Jean")
    settings.EMAIL_PORT = 9  # nothing listens: the first try fails before any server has it
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    ready_for_pickup(jean)
    _deliver_all()
    assert MessageLog.objects.get(customer=jean, channel="email").status == "sending"

    with smtp_server(settings) as inbox:
        Delivery.objects.filter(status="pending").update(next_attempt_at=clock.now())
        _deliver_all()

    assert len(inbox.messages) == 1
    assert MessageLog.objects.get(customer=jean, channel="email").status == "sent"

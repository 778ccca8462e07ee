"""The database ends a request's session (a restart, a failover, `pg_terminate_backend`):
the request answers 503 and its Idempotency-Key is never left "in progress", so the caller's
retry learns the outcome.

The operation here ends its own session, at the moment each test needs, by a real
`pg_terminate_backend`; tests/chaos/test_database_connections_cut.py does it from outside,
at random moments, to a real server.
"""

import pytest
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from comptoir.core.idempotency import idempotent
from comptoir.core.models import IdempotencyRecord
from comptoir.core.retrying import DatabaseUnavailable, transaction_retried
from comptoir.core.tests.test_postgresql_health_check import _terminate as terminate

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

KEY = "till-7-ticket-42"


def _end_own_session() -> None:
    """Another connection ends this one's session, as an operator or a failover would."""
    terminate(connection.connection.info.backend_pid)


def _post():
    return RequestFactory().post(
        "/api/v1/anything", b"{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=KEY
    )


def test_a_request_whose_session_ends_before_it_is_done_frees_its_key_for_the_retry():
    runs = []

    def cut_short(request):
        runs.append("cut short")
        _end_own_session()
        IdempotencyRecord.objects.count()  # its next statement fails

    def whole(request):
        runs.append("whole")
        return HttpResponse(b'{"id": 1}', status=201, content_type="application/json")

    with pytest.raises(OperationalError):
        idempotent(cut_short)(_post())
    retry = idempotent(whole)(_post())

    assert runs == ["cut short", "whole"]
    assert retry.status_code == 201
    assert IdempotencyRecord.objects.get(key=KEY).response_status == 201


def test_a_request_done_when_its_session_ends_keeps_its_answer_for_the_retry():
    runs = []

    def done_then_cut(request):
        runs.append("done")
        _end_own_session()  # after the work: only the answer is left to write down
        return HttpResponse(b'{"id": 1}', status=201, content_type="application/json")

    first = idempotent(done_then_cut)(_post())
    retry = idempotent(done_then_cut)(_post())

    assert runs == ["done"]  # the retry is answered from the record, not run again
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == b'{"id": 1}'


def test_a_key_claimed_on_a_session_the_server_ended_answers_503_and_claims_nothing():
    connection.ensure_connection()
    _end_own_session()  # between the request's start and its first statement

    answer = idempotent(lambda request: HttpResponse(status=201))(_post())

    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["Retry-After"] == "1"
    assert not IdempotencyRecord.objects.filter(key=KEY).exists()


def test_a_service_whose_session_ends_says_the_database_is_unavailable_and_runs_once():
    runs = []

    @transaction_retried
    def write_something():
        runs.append("run")
        with transaction.atomic():
            IdempotencyRecord.objects.count()
            _end_own_session()
            IdempotencyRecord.objects.count()

    with pytest.raises(DatabaseUnavailable) as raised:
        write_something()

    assert runs == ["run"]  # whether a COMMIT went through is unknown: never run again
    assert (raised.value.status, raised.value.code) == (503, "database-unavailable")


def test_a_read_whose_session_ends_answers_503_to_try_again_not_500():
    from comptoir.api import api  # the project's API, with its exception handlers

    connection.ensure_connection()
    _end_own_session()
    with pytest.raises(OperationalError) as lost:
        IdempotencyRecord.objects.count()  # a read, outside any retried transaction

    answer = api.on_exception(RequestFactory().get("/api/v1/locations"), lost.value)
    connection.close()  # as Django does at the end of a request whose connection broke

    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/problem+json"
    assert b'"database-unavailable"' in answer.content

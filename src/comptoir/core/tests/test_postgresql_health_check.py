"""A kept connection is checked without a round trip, and a dead one is still caught."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.postgres_only


def _terminate(backend_pid: int) -> None:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    time.sleep(0.2)  # the server's goodbye reaches the socket


@pytest.mark.django_db(transaction=True)
def test_an_idle_connection_is_usable_without_a_word_to_the_server(tmp_path):
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    trace = tmp_path / "protocol.trace"
    with trace.open("w") as out:
        pgconn.trace(out.fileno())  # libpq writes every message it sends or receives here
        try:
            assert connection.is_usable()
            with connection.cursor() as cursor:  # the trace does catch a real query
                cursor.execute("SELECT 42")
        finally:
            pgconn.untrace()

    # each line: time, F (from us) or B (from the server), length, message, its contents
    sent = [line for line in trace.read_text().splitlines() if line.split("\t")[1] == "F"]
    assert not [line for line in sent if '"SELECT 1"' in line]
    assert [line for line in sent if '"SELECT 42"' in line]


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_found_unusable_and_replaced():
    connection.ensure_connection()
    first_pid = connection.connection.info.backend_pid

    _terminate(first_pid)

    assert not connection.is_usable()
    connection.health_check_done = False
    connection.close_if_health_check_failed()  # what Django does as a request starts
    assert connection.connection is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != first_pid

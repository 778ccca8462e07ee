"""Sixteen connections send the same Idempotency-Key at the same moment: one location opens.

Each thread is a till retrying over a flaky network with its own HTTP client and its own
database connection. Whoever inserts the key first runs the operation; the others see it
running (409 request-in-progress) or finished (its 201 replayed, byte for byte).
"""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from comptoir.accounts.tests.factories import bearer, make_api_token
from comptoir.core.models import OutboxEvent
from comptoir.locations.models import Location
from comptoir.locations.tests.factories import location_body

RETRIES = 16


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_at_once_by_many_connections_opens_one_location():
    _, raw = make_api_token("locations.write")
    headers = {**bearer(raw), "Idempotency-Key": "open-lille-till-3"}
    start = threading.Barrier(RETRIES)
    answers: list[tuple[int, bytes, str | None]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def retry() -> None:
        till = Client()
        try:
            start.wait()
            response = till.post(
                "/api/v1/locations",
                location_body("lille-europe"),
                content_type="application/json",
                headers=headers,
            )
            with lock:
                answers.append(
                    (response.status_code, response.content, response.get("Idempotent-Replayed"))
                )
        except BaseException as error:  # a thread's failure must fail the test, not vanish
            with lock:
                failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(answers) == RETRIES
    originals = [answer for answer in answers if answer[0] == 201 and answer[2] is None]
    replays = [answer for answer in answers if answer[2] == "true"]
    still_running = [answer for answer in answers if answer[0] == 409]
    assert len(originals) == 1
    assert len(originals) + len(replays) + len(still_running) == RETRIES
    _, original_body, _ = originals[0]
    assert {(status, body) for status, body, _ in replays} <= {(201, original_body)}
    assert {json.loads(body)["code"] for _, body, _ in still_running} <= {"request-in-progress"}
    assert list(Location.objects.values_list("code", flat=True)) == ["lille-europe"]
    assert OutboxEvent.objects.filter(type="location.opened").count() == 1

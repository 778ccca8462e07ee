"""The retry schedule for events and webhooks: pure rules, no database."""

from datetime import timedelta

import pytest

from comptoir.core.domain import MAX_ATTEMPTS, RETRY_DELAYS, next_retry_delay


def test_the_waits_between_tries_follow_the_standard_webhooks_schedule():
    waits = [next_retry_delay(attempts_made) for attempts_made in range(1, MAX_ATTEMPTS)]

    assert waits == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
    ]


def test_a_delivery_gets_eight_tries_in_all():
    assert MAX_ATTEMPTS == 8


def test_the_last_try_comes_a_little_over_a_day_and_a_quarter_after_the_first():
    assert sum(RETRY_DELAYS, timedelta()) == timedelta(hours=27, minutes=35, seconds=5)


@pytest.mark.parametrize("attempts_made", [MAX_ATTEMPTS, MAX_ATTEMPTS + 1, 100])
def test_there_is_no_further_try_once_every_try_is_used(attempts_made):
    assert next_retry_delay(attempts_made) is None


@pytest.mark.parametrize("attempts_made", [0, -1])
def test_asking_for_a_retry_before_any_try_is_a_programming_error(attempts_made):
    with pytest.raises(ValueError, match="at least one attempt"):
        next_retry_delay(attempts_made)

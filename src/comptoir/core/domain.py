"""Pure rules shared by every app: the webhook/event retry schedule."""

from __future__ import annotations

from datetime import timedelta

# After the first try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 h in all),
# the schedule the Standard Webhooks guidance recommends. Then the delivery is dead-lettered.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def next_retry_delay(attempts_made: int) -> timedelta | None:
    """The wait before the next try after `attempts_made` failed tries; None when out of tries."""
    if attempts_made < 1:
        raise ValueError("a retry comes after at least one attempt")
    if attempts_made >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[attempts_made - 1]

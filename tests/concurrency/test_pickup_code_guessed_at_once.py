"""Twenty guesses of one order's pickup code at once (real parallel connections, PostgreSQL):
exactly five are checked, the rest refused unchecked."""

import pytest

from comptoir.orders.domain import PICKUP_CODE_TRIES
from comptoir.orders.errors import PickupCodeLocked, WrongPickupCode
from comptoir.orders.services import lifecycle
from comptoir.orders.tests.services.test_pickup_code_tries import _ready

from .racing import at_once


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_guesses_at_once_check_five():
    order = _ready()

    def guess(number: int) -> str:
        code = f"{number:06d}" if f"{number:06d}" != order.pickup_code else "999999"
        try:
            lifecycle.check_pickup_code(
                order_id=order.pk, location_id=order.pickup_location_id, pickup_code=code
            )
        except WrongPickupCode:
            return "wrong"
        except PickupCodeLocked:
            return "locked"
        return "right"

    outcomes = at_once(20, guess)

    assert outcomes.count("wrong") == PICKUP_CODE_TRIES
    assert outcomes.count("locked") == 20 - PICKUP_CODE_TRIES

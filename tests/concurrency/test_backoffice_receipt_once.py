"""Operations tap "Receive" and the phone sends the receipt four times at once with the form's
one key (a double tap, a retry): the units arrive once, the ledger agrees with the level, and
every sending is answered without a 500. Real parallel connections: PostgreSQL only."""

import pytest
from django.test import Client

from comptoir.accounts.tests.factories import STAFF_PASSWORD, make_staff
from comptoir.inventory.models import StockMovement
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import at_once, level_and_ledger

TAPS = 4


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_sendings_of_one_receipt_at_once_receive_once():
    store = make_store()
    jacket = make_variant("JACKET-S")
    put_on_shelf(jacket, store, 3)
    make_staff("operations", username="ops")
    signed_in = Client()
    assert signed_in.login(username="ops", password=STAFF_PASSWORD)

    def tap(number: int) -> str:
        client = Client()
        client.cookies = signed_in.cookies
        answer = client.post(
            "/backoffice/stock/receipts/",
            {"location": store.code, "sku": "JACKET-S", "quantity": "5"},
            headers={"HX-Request": "true", "Idempotency-Key": "receipt-race-1"},
        )
        return str(answer.status_code)

    outcomes = at_once(TAPS, tap)

    # The first is received; the others replay its answer or hear it is still running.
    assert set(outcomes) <= {"200", "409"}
    assert "200" in outcomes
    assert StockMovement.objects.filter(kind="receipt", on_hand_delta=5).count() == 1
    level, ledger = level_and_ledger(jacket, store)
    assert level == ledger == (8, 0)

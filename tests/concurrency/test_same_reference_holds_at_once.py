"""Two holds with one reference, for 1 and for 5 of the last 2 units, at the same moment.

One-line holds of one process may share a statement (ADR 0018). Each answer must be the
hold's own: the hold for 5 is never answered "held" (there are 2 units, and the reference
may hold the SKU once), and whatever is held is exactly what the level and the ledger say.
Asked again for the same line, the reference gets its hold back (a replay), never a second.
"""

import pytest

from comptoir.inventory.errors import HoldNotActive, OutOfStock
from comptoir.inventory.models import Hold
from comptoir.inventory.services.holds import HoldRequestLine, place_hold
from comptoir.inventory.tests.factories import make_store, make_variant, put_on_shelf

from .racing import at_once, level_and_ledger

ROUNDS = 10
UNITS = 2
QUANTITIES = (1, 5, 1)  # the same cart: a first tap, a changed quantity, a double tap


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_holds_of_one_reference_at_once_each_get_their_own_answer():
    store = make_store()
    for round_number in range(ROUNDS):
        sku = f"JACKET-{round_number}"
        jacket = make_variant(sku)
        put_on_shelf(jacket, store, UNITS)
        reference = f"cart-{round_number}"

        def shop(number: int, jacket=jacket, sku=sku, reference=reference) -> str:
            quantity = QUANTITIES[number]
            try:
                [hold] = place_hold(
                    lines=[HoldRequestLine(store.pk, jacket.pk, sku, quantity)],
                    channel="web",
                    reference=reference,
                )
            except (OutOfStock, HoldNotActive) as error:
                return f"{quantity}:{error.code}"
            return f"{quantity}:held:{hold.pk}:{hold.quantity}"

        outcomes = at_once(len(QUANTITIES), shop)

        held = list(Hold.objects.filter(variant=jacket).values_list("pk", "quantity", "status"))
        assert len(held) == 1, outcomes
        hold_id, quantity, status = held[0]
        assert (quantity, status) == (1, "active")
        assert sorted(outcomes) == sorted(
            [f"1:held:{hold_id}:1"] * 2 + [next(o for o in outcomes if o.startswith("5:"))]
        )
        assert next(o for o in outcomes if o.startswith("5:")) in {
            "5:out-of-stock",
            "5:hold-already-active",
        }
        level, ledger = level_and_ledger(jacket, store)
        assert level == ledger == (UNITS, 1)

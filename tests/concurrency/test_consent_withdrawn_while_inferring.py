"""Jean withdraws personalisation while his wishlist is being read for his taste: whatever the
order, nothing inferred survives the withdrawal (issue 13, #11). Real threads on PostgreSQL."""

import pytest

from comptoir.customers.models import Preference
from comptoir.customers.services import infer_preference, record_consent
from comptoir.customers.tests.factories import make_shopper

from .racing import at_once

ROUNDS = 20
INFERRERS = 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_inference_racing_a_withdrawal_never_outlives_it():
    for round_number in range(ROUNDS):
        jean = make_shopper(f"jean{round_number}@example.fr")
        record_consent(
            customer_id=jean.pk,
            purpose="personalisation",
            granted=True,
            channel="web",
            method="checkbox",
        )

        def race(number: int, customer_id: int = jean.pk) -> str:
            if number == 0:
                record_consent(
                    customer_id=customer_id,
                    purpose="personalisation",
                    granted=False,
                    channel="web",
                    method="preference_centre",
                )
                return "withdrawn"
            inferred = infer_preference(
                customer_id=customer_id, kind="category", value=f"sport-{number}"
            )
            return "inferred" if inferred else "refused"

        outcomes = at_once(1 + INFERRERS, race)

        assert "withdrawn" in outcomes
        assert not Preference.objects.filter(customer=jean, source="inferred").exists(), (
            round_number,
            outcomes,
        )

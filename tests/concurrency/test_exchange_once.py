"""Two associates exchange the same unit of an online order at once, each at their own till.

Real parallel connections (PostgreSQL): both terminals approve the difference, the order's
lock lets one exchange through; the other finds the unit returned, writes nothing, and its
terminal authorisation is voided.
"""

from decimal import Decimal

import pytest
from django.test import Client

from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order, PaymentOperation
from comptoir.orders.payments.fake import TERMINAL_APPROVED
from comptoir.orders.selectors import money_discrepancies
from comptoir.returns.errors import InvalidReturn
from comptoir.returns.models import Return
from comptoir.returns.tests.test_till_exchange import collected_online_order, price
from comptoir.returns.till_exchange import ExchangeRequest, exchange_at_till

from .racing import TerminalAuthorisations, at_once, level_and_ledger


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_exchanges_of_the_same_unit_exchange_it_once(monkeypatch):
    order, store = collected_online_order(Client())
    price("JACKET-TRAIL-L", "149.00")
    terminal = TerminalAuthorisations(monkeypatch)

    def race(number: int) -> str:
        try:
            exchange_at_till(
                store_id=store.pk,
                ticket=f"T-EX-{number}",
                request=ExchangeRequest(order.pk, 1, 1, "JACKET-TRAIL-L"),
                card=Decimal("20.00"),
                card_token=TERMINAL_APPROVED,
            )
        except InvalidReturn:
            return "refused"
        return "exchanged"

    outcomes = at_once(2, race)

    assert sorted(outcomes) == ["exchanged", "refused"]
    assert Return.objects.count() == 1
    assert Order.objects.filter(fulfilment_mode="till_sale").count() == 1
    assert PaymentOperation.objects.filter(tender="exchange").count() == 2  # out, and in
    sale = Order.objects.get(fulfilment_mode="till_sale")
    assert terminal.standing() == {sale.payment.provider_reference}  # the loser's is voided
    for sku, expected in (("JACKET-TRAIL-S", 3), ("JACKET-TRAIL-L", 2)):
        level = StockLevel.objects.get(location=store, variant__sku=sku)
        assert level.on_hand == expected
        assert (
            level_and_ledger(level.variant, store)[0] == level_and_ledger(level.variant, store)[1]
        )
    assert money_discrepancies() == []

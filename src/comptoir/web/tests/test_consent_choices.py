"""The account page shows what is in force: order updates go until the shopper opts out
(issue 13, #11), so their box is ticked for a new shopper, and unticking it opts out."""

import re

import pytest

from comptoir.customers.selectors import may_use
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db


def _ticked(page: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" name="(\w+)" checked>', page))


def test_a_new_shopper_sees_order_updates_ticked_and_nothing_else(client):
    client.force_login(make_shopper().user)

    page = client.get("/account/").content.decode()

    assert _ticked(page) == {"order_updates_email", "order_updates_sms"}


def test_unticking_order_updates_opts_out_and_keeps_the_rest_as_it_was(client):
    jean = make_shopper()
    client.force_login(jean.user)

    client.post("/account/consents/", {"order_updates_sms": "on", "marketing_email": "on"})

    assert may_use(customer_id=jean.pk, purpose="order_updates_email") is False
    assert may_use(customer_id=jean.pk, purpose="order_updates_sms") is True
    assert may_use(customer_id=jean.pk, purpose="marketing_email") is True
    assert _ticked(client.get("/account/").content.decode()) == {
        "order_updates_sms",
        "marketing_email",
    }

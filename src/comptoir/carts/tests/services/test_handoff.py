"""Hand-off codes: live for half an hour, one per cart, a new one retires the old."""

from datetime import timedelta

import pytest

from comptoir.carts.errors import HandoffCodeNotFound
from comptoir.carts.selectors import cart_by_handoff_code
from comptoir.carts.services import cart_of_customer, issue_handoff_code
from comptoir.core import clock
from comptoir.customers.tests.factories import make_shopper

pytestmark = pytest.mark.django_db


def test_a_code_opens_its_cart_until_it_expires():
    cart = cart_of_customer(customer_id=make_shopper().pk, channel="web")
    code = issue_handoff_code(cart_id=cart.pk).handoff_code

    assert cart_by_handoff_code(code=code).pk == cart.pk
    assert cart_by_handoff_code(code=code, now=clock.now() + timedelta(minutes=29)).pk == cart.pk
    with pytest.raises(HandoffCodeNotFound):
        cart_by_handoff_code(code=code, now=clock.now() + timedelta(minutes=31))


def test_a_new_code_retires_the_previous_one():
    cart = cart_of_customer(customer_id=make_shopper().pk, channel="web")
    first = issue_handoff_code(cart_id=cart.pk).handoff_code

    second = issue_handoff_code(cart_id=cart.pk).handoff_code

    assert cart_by_handoff_code(code=second).pk == cart.pk
    if first != second:
        with pytest.raises(HandoffCodeNotFound):
            cart_by_handoff_code(code=first)

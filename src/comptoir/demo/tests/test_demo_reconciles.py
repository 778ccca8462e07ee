from io import StringIO

import pytest
from django.core.management import call_command

from comptoir.demo.retailer import load


@pytest.mark.django_db
def test_the_demo_retailer_reconciles_clean():
    # The same demo the orders test loads: every channel and mode, returns, Jean's orders.
    # The loader catches up with the clock itself: nothing is left for the worker to fix.
    load(seed=7, customers=10, stores=4, skus=60)

    out = StringIO()
    try:
        call_command("reconcile", stdout=out)
    except SystemExit as exit_:  # 1: something does not add up; the lines say what
        pytest.fail(f"comptoir reconcile exited {exit_.code}:\n{out.getvalue()}")
    assert out.getvalue() == "All add up: every stock level and every order reconciles.\n"

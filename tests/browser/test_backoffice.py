"""The back office in a browser: the dashboard's charts and the lists operations work from."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, screenshot, sign_in  # noqa: F401


def test_operations_see_stock_availability_now_on_the_dashboard(retailer, live_server, desktop):
    sign_in(desktop, live_server, "ops")
    desktop.goto(f"{live_server.url}/backoffice/")

    chart = desktop.get_by_role("img", name="Disponibilité du stock maintenant (SKU × magasin)")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(3)
    assert_accessible(desktop)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        pytest.param("/backoffice/catalogue/", "Catalogue et prix", id="catalogue_case"),
        pytest.param("/backoffice/stores/", "Magasins et horaires", id="stores_case"),
        pytest.param(
            "/backoffice/stock/?store=lyon-part-dieu", "Stock et mouvements", id="stock_case"
        ),
        pytest.param("/backoffice/webhooks/", "Webhooks", id="webhooks_case"),
        pytest.param("/backoffice/team/", "Équipe et rôles", id="team_case"),
    ],
)
def test_each_back_office_list_opens_and_passes_axe(retailer, live_server, desktop, path, heading):
    sign_in(desktop, live_server, "ops")
    desktop.goto(f"{live_server.url}{path}")

    expect(desktop.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(desktop)


def test_the_dashboard_fits_a_phone(retailer, live_server, phone):
    sign_in(phone, live_server, "ops")
    phone.goto(f"{live_server.url}/backoffice/")

    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert_accessible(phone)
    screenshot(phone, "backoffice-dashboard-phone")


def test_a_shopper_is_kept_out_of_the_back_office(retailer, live_server, desktop):
    sign_in(desktop, live_server, "jean.martin@example.fr")
    answer = desktop.goto(f"{live_server.url}/backoffice/")

    assert answer.status == 403

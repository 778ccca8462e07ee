"""Browser tests: Debian's Chromium driven by Playwright, axe-core injected into every page.

They skip, saying why, only when Chromium or axe-core is missing on a developer's machine;
under CI=true a missing piece fails the run instead (`.ci/run` installs both).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django then refuses ORM calls
# from that thread unless told the loop is not ours to worry about.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SERIOUS = {"serious", "critical"}
AXE_REPORT = ROOT / "var" / "axe-report.json"
_axe_runs: list[dict[str, Any]] = []


def _missing(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI must install it: see .ci/run)")
    pytest.skip(what)


def _chromium() -> str:
    found = os.environ.get("COMPTOIR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        _missing("chromium is not installed: `apt-get install chromium` to run the browser tests")
    return found


@pytest.fixture(scope="session", autouse=True)
def axe_report() -> Iterator[None]:
    """var/axe-report.json: every page axe-core checked, with any violation it still found."""
    yield
    if _axe_runs:
        AXE_REPORT.parent.mkdir(parents=True, exist_ok=True)
        AXE_REPORT.write_text(json.dumps(_axe_runs, indent=1), encoding="utf-8")


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Playwright itself, once per run: its sync API may run only once in a thread."""
    _chromium()
    if not AXE.exists():
        _missing("axe-core is not installed: run `npm ci` in tests/browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def phone_filming(playwright: Any, live_server: Any) -> Iterator[Any]:
    """`phone_filming(video)`: a 390-px phone whose camera films `video` (a .y4m file), over and
    over, with the camera already allowed, as Chromium's fake capture device does."""
    launched: list[Any] = []

    def open_phone(video: Path) -> Any:
        chromium = playwright.chromium.launch(
            executable_path=_chromium(),
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        launched.append(chromium)
        return offline_page(chromium, live_server, **PHONE, permissions=["camera"])

    yield open_phone
    for chromium in launched:
        chromium.close()


def offline_page(browser: Any, live_server: Any, **options: Any) -> Any:
    """A page in a new browser context (`options` as Playwright's `new_context` takes them).

    No network in tests: only the test server answers; map tiles and the rest are refused,
    which is also how the pages must behave offline. Close it with `page.context.close()`."""
    context = browser.new_context(**options)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def open_menu(page: Any) -> None:
    """Open the associate app's compact header menu when it is folded (on a phone)."""
    button = page.locator("header.site .menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()


def _page(browser: Any, live_server: Any, device: dict[str, Any]) -> Iterator[Any]:
    page = offline_page(browser, live_server, **device)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A 390-px-wide phone (the associate's, or Jean's)."""
    yield from _page(browser, live_server, PHONE)


@pytest.fixture
def desktop(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _page(browser, live_server, DESKTOP)


def assert_accessible(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; fail on any serious or critical violation.

    Returns the minor and moderate ones, so that a test may look at them if it wants to.
    """
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = results["violations"]
    serious = [v for v in violations if v["impact"] in SERIOUS]
    _axe_runs.append(
        {
            "url": page.url.split("//", 1)[-1].split("/", 1)[-1],
            "width": page.viewport_size["width"] if page.viewport_size else None,
            "violations": {v["id"]: v["impact"] for v in violations},
        }
    )
    assert not serious, f"axe-core on {page.url}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']} at "
        + ", ".join(json.dumps(node["target"]) for node in v["nodes"][:5])
        for v in serious
    )
    return [v for v in violations if v["impact"] not in SERIOUS]


def screenshot(page: Any, name: str) -> None:
    """docs/screenshots/<name>.png, the whole page: the README shows these."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def htmx_ready(page: Any) -> None:
    """Wait until htmx has wired the page: a change made before that would send no request.

    Clicking a link waits for the new page to commit, not for its deferred scripts to run."""
    page.wait_for_load_state()
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


def sign_in(page: Any, live_server: Any, username: str) -> None:
    """Sign in through the login page with a demo login (its password is the demo's)."""
    from comptoir.demo.retailer import DEMO_PASSWORD

    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.fixture
def retailer(transactional_db: None) -> None:
    """A small Élan Sport & Tech: the flagship stores, Jean, his jacket, Sofia at Lyon.

    The demo leaves a jacket in Jean's cart (an associate's demo); the journeys start from an
    empty cart, so that each one shows exactly what it adds."""
    from comptoir.carts.selectors import open_cart_of
    from comptoir.carts.services import set_line_quantity
    from comptoir.core import outbox
    from comptoir.customers.models import Customer
    from comptoir.demo.retailer import load
    from comptoir.wiring import ROUTES

    # As `make demo` does: load with no worker running, then let the worker catch up. The
    # tests' immediate queue would otherwise sweep after each of the load's commits, which
    # cost more than half of this fixture, in every browser test.
    with mock.patch.object(outbox, "_after_commit_hooks", []):
        load(customers=5, stores=6, skus=60)
    while (sweep := outbox.run_due_work(ROUTES, worker="test", limit=500)).attempted or (
        sweep.fanned_out
    ):
        pass
    jean = Customer.objects.get(email="jean.martin@example.fr")
    cart = open_cart_of(customer_id=jean.pk)
    for line in cart.lines.select_related("variant") if cart else []:
        set_line_quantity(cart_id=cart.pk, sku=line.variant.sku, quantity=0)

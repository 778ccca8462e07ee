"""No page scrolls sideways on a 360-px phone, in French: the storefront, the associate app and
the back office, every page a GET can reach.

The pages come from the URL conf: a named route that answers GET and is neither swept here nor
skipped with a reason fails `test_every_page_route_is_swept`, so a new page is not forgotten.
Each sweep visits all its pages, then fails once, listing every page that is wider than the
phone with the elements that stick out, so the fixes are easy to find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import _page, sign_in

WIDTH = 360
SMALL_PHONE = {
    "viewport": {"width": WIDTH, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}

# Routes no sweep visits, each with why.
SKIPPED = {
    "healthz": "a JSON health probe, not a page",
    "media": "product pictures' files (development and demo only), not pages",
    "admin:*": "Django's own admin, not ours to lay out",
    "api-v1:*": "the HTTP API answers JSON",
    "set_language": "POST only (the header's language switch)",
    "shop:search-suggestions": "an htmx fragment shown inside the search page's box",
    "shop:checkout-options": "an htmx fragment of the checkout page, swept with it",
    "shop:choose-store": "POST only",
    "shop:cart-add": "POST only",
    "shop:cart-line": "POST only",
    "shop:cart-handoff": "POST only",
    "shop:wish": "POST only",
    "shop:consents": "POST only",
    "shop:export": "POST only, answers a JSON file",
    "shop:logout": "POST only",
    "associate:home": "redirects to the associate's own store page, swept",
    "associate:task-action": "POST only",
    "associate:aisle-order": "an order placed at the counter: tests/browser/test_aisle.py",
    "associate:in-store-events": "a server-sent event stream of the in-store page, swept with it",
    "associate:check-in-card": "POST only",
    "associate:till-add": "POST only",
    "associate:till-customer": "POST only",
    "associate:till-line": "POST only",
    "associate:till-pay": "POST only",
    "associate:till-pull-cart": "POST only",
    "associate:till-receipt": "a sale's receipt: tests/browser/test_till.py at 390 px",
    "associate:till-offline-prices": "the till's price book in JSON, not a page",
    "associate:till-offline-sync": "POST only: till_offline.js sends its queue (360 px there)",
    "associate:till-order": "needs an order due here: tests/browser/test_till_pickup.py at 390 px",
    "associate:till-order-pay": "POST only",
    "associate:till-exchange-line": "needs a line that reached the customer: "
    "tests/browser/test_till_exchange.py at 390 px",
    "associate:till-exchange-go": "POST only",
    "backoffice:catalogue-new-variant": "POST only (GET goes back to the product's page)",
    "backoffice:catalogue-variant": "POST only (GET goes back to the product's page)",
    "backoffice:catalogue-pictures": "POST only (GET goes back to the product's page)",
    "backoffice:catalogue-prices": "POST only (GET goes back to the product's page)",
    "associate:pickup-check": "POST only",
    "backoffice:alert-action": "POST only",
    "backoffice:webhook-*": "POST or a confirmation of an action on a subscription",
    "backoffice:webhook-replay": "POST only",
    "inbox:reply": "POST only",
    "inbox:status": "POST only",
    "inbox:take": "POST only",
    "backoffice:store-hours": "POST only (GET goes back to the store's page)",
    "backoffice:store-closures": "POST only (GET goes back to the store's page)",
    "backoffice:store-services": "POST only (GET goes back to the store's page)",
    "backoffice:stock-receipt": "POST only",
    "backoffice:stock-adjustment": "POST only",
    "backoffice:stock-count-upload": "POST only",
    "backoffice:stock-count": "a count file's load: tests/browser/test_backoffice_stores_stock.py",
    "kiosk:check-in": "POST only",
    "kiosk:start-over": "POST only",
    "kiosk:cart-add": "POST only",
    "kiosk:cart-line": "POST only",
    "kiosk:checkout-options": "an htmx fragment of the kiosk's checkout, swept with it",
    "kiosk:checkout": "needs a basket in the kiosk's session: test_kiosk measures it",
    "kiosk:placed": "needs an order placed at the kiosk: test_kiosk measures it",
    "service:*": "the call centre's console: tests/browser/test_call_centre.py at 360 px",
    "pay-by-link": "a payment link's page: tests/browser/test_call_centre.py",
}


def _routes() -> set[str]:
    """Every named route of the URL conf, as 'namespace:name'."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns, ""))


def _skipped(route: str) -> bool:
    return any(
        route == skip or (skip.endswith("*") and route.startswith(skip[:-1])) for skip in SKIPPED
    )


# name -> (who signs in, how to build the path from the demo); filled by the areas below.
Pages = dict[str, Callable[[], str]]


def _storefront_pages() -> Pages:
    from django.urls import reverse

    from comptoir.catalog.models import Category, Product
    from comptoir.locations.models import Location

    product = Product.objects.order_by("pk").first()
    category = Category.objects.order_by("pk").first()
    store = Location.objects.filter(kind="store").order_by("pk").first()
    return {
        "shop:catalogue": lambda: reverse("shop:catalogue"),
        "shop:catalogue?in-my-store": lambda: reverse("shop:catalogue") + f"?store={store.code}",
        "shop:catalogue?pickup-near": lambda: reverse("shop:catalogue") + "?near=Lyon",
        "shop:catalogue?q": lambda: reverse("shop:catalogue") + "?q=veste",
        "shop:category": lambda: reverse("shop:category", args=[category.slug]),
        "shop:product": lambda: reverse("shop:product", args=[product.slug]),
        "shop:stores": lambda: reverse("shop:stores"),
        "shop:store": lambda: reverse("shop:store", args=[store.code]),
        "shop:cart": lambda: reverse("shop:cart"),
        "shop:login": lambda: reverse("shop:login"),
        "shop:signup": lambda: reverse("shop:signup"),
        "track-parcel": _tracking_path,
    }


def _kiosk_pages() -> Pages:
    from django.urls import reverse

    from comptoir.catalog.models import Product

    code = "lyon-part-dieu"
    product = Product.objects.order_by("pk").first()
    return {
        "kiosk:home": lambda: reverse("kiosk:home", args=[code]),
        "kiosk:products": lambda: reverse("kiosk:products", args=[code]),
        "kiosk:products?q": lambda: reverse("kiosk:products", args=[code]) + "?q=veste",
        "kiosk:product": lambda: reverse("kiosk:product", args=[code, product.slug]),
        "kiosk:cart": lambda: reverse("kiosk:cart", args=[code]),
    }


def _tracking_path() -> str:
    from django.urls import reverse

    from comptoir.shipping.models import Shipment

    token = Shipment.objects.exclude(tracking_token="").order_by("pk").first().tracking_token
    return reverse("track-parcel", args=[token])


def _shopper_pages() -> Pages:
    from django.urls import reverse

    from comptoir.carts.services import add_line, cart_of_customer
    from comptoir.customers.models import Customer
    from comptoir.orders.models import Order

    jean = Customer.objects.get(email="jean.martin@example.fr")
    order = Order.objects.filter(customer_id=jean.pk).order_by("pk").first()
    # Something to check out, so that the checkout shows its options and its summary.
    cart = cart_of_customer(customer_id=jean.pk, channel="web")
    add_line(cart_id=cart.pk, sku="JACKET-TRAIL-M", quantity=1, channel="web")
    return {
        "shop:account": lambda: reverse("shop:account"),
        "shop:orders": lambda: reverse("shop:orders"),
        "shop:order": lambda: reverse("shop:order", args=[order.reference]),
        "shop:start-return": lambda: reverse("shop:start-return", args=[order.reference]),
        "shop:checkout": lambda: reverse("shop:checkout"),
        "shop:check-in": lambda: reverse("shop:check-in", args=["lyon-part-dieu"]),
    }


def _associate_pages() -> Pages:
    from django.urls import reverse

    from comptoir.carts.services import add_line, cart_of_customer
    from comptoir.customers.models import Customer

    code = "lyon-part-dieu"
    jean = Customer.objects.get(email="jean.martin@example.fr")
    cart = cart_of_customer(customer_id=jean.pk, channel="web")
    add_line(cart_id=cart.pk, sku="JACKET-TRAIL-M", quantity=1, channel="web")
    pages: Pages = {
        name: (lambda name=name: reverse(f"associate:{name}", args=[code]))
        for name in (
            "store",
            "stock",
            "till",
            "till-day",
            "customers",
            "in-store",
            "tasks",
            "returns",
            "till-orders",
            "till-exchange",
        )
    }
    pages |= {
        "associate:parcels": lambda: reverse("associate:parcels", args=[code]),
        "associate:open-cart": lambda: reverse("associate:open-cart", args=[code]),
        "associate:customer": lambda: reverse("associate:customer", args=[code, jean.pk]),
        "associate:stock?sku": lambda: (
            reverse("associate:stock", args=[code]) + "?sku=JACKET-TRAIL-M"
        ),
        "associate:customers?q": lambda: reverse("associate:customers", args=[code]) + "?q=Martin",
        "associate:aisle": lambda: reverse("associate:aisle", args=[code]) + "?q=veste",
        "associate:aisle-product": lambda: (
            reverse("associate:aisle-product", args=[code, "JACKET-TRAIL-M"])
            + "?quantity=1&postcode=69002&other_store=paris-rivoli"
        ),
    }
    pages["associate:cart"] = lambda: reverse("associate:cart", args=[code, cart.pk])
    return {(k if ":" in k else f"associate:{k}"): v for k, v in pages.items()}


def _backoffice_pages() -> Pages:
    from django.urls import reverse

    from comptoir.core import clock
    from comptoir.integrations.domain import new_secret
    from comptoir.integrations.models import WebhookSecret, WebhookSubscription
    from comptoir.locations.models import Location

    store = Location.objects.filter(kind="store").order_by("pk").first()
    pages: Pages = {
        f"backoffice:{name}": (lambda name=name: reverse(f"backoffice:{name}"))
        for name in ("dashboard", "catalogue", "stores", "stock", "webhooks", "team", "orders")
    }
    pages["backoffice:alerts"] = lambda: reverse("backoffice:alerts")
    pages["backoffice:store-capacity"] = lambda: reverse(
        "backoffice:store-capacity", args=[store.code]
    )
    pages["backoffice:store"] = lambda: reverse("backoffice:store", args=[store.code])
    pages["backoffice:catalogue-new"] = lambda: reverse("backoffice:catalogue-new")
    pages["backoffice:catalogue-product"] = lambda: reverse(
        "backoffice:catalogue-product", args=["veste-running-trail"]
    )
    # A receiver with a long URL, as integrators write them: it must wrap, not push the page.
    subscription = WebhookSubscription.objects.create(
        url="https://hooks.example-integrator.fr/comptoir/elan-sport-et-tech/v2/receivers/"
        "order-events-and-stock-movements-for-the-erp?tenant=elan&signature=standard-webhooks",
        event_types=["*"],
        description="ERP",
        created_at=clock.now(),
    )
    WebhookSecret.objects.create(
        subscription=subscription, secret=new_secret(), created_at=clock.now()
    )
    pages["backoffice:webhook"] = lambda: reverse("backoffice:webhook", args=[subscription.pk])
    return pages


def _inbox_pages() -> Pages:
    from django.urls import reverse

    from comptoir.service.domain import InboundEmail
    from comptoir.service.services import receive_email

    # A subject of one word wider than the phone, as a pasted reference or URL can be.
    message, _ = receive_email(
        mail=InboundEmail(
            sender="jean.martin@example.fr",
            sender_name="Jean Martin",
            to="service@elan.example",
            subject="Où-est-ma-commande-passée-la-semaine-dernière-sur-le-site",
            text="Bonjour, où est ma commande ? https://www.elan.example/account/orders/CO-XXXXXXXX",
            message_id="sweep@example.fr",
        )
    )
    return {
        "inbox:list": lambda: reverse("inbox:list"),
        "inbox:conversation": lambda: reverse("inbox:conversation", args=[message.conversation_id]),
        "inbox:conversation?answer": lambda: (
            reverse("inbox:conversation", args=[message.conversation_id]) + "?answer=tracking"
        ),
    }


SWEPT = {
    "inbox:list",
    "inbox:conversation",
    "shop:catalogue",
    "shop:category",
    "shop:product",
    "shop:stores",
    "shop:store",
    "shop:cart",
    "shop:login",
    "shop:signup",
    "track-parcel",
    "shop:account",
    "shop:orders",
    "shop:order",
    "shop:start-return",
    "shop:checkout",
    "shop:check-in",
    "kiosk:home",
    "kiosk:products",
    "kiosk:product",
    "kiosk:cart",
    *(
        f"associate:{name}"
        for name in (
            "store",
            "stock",
            "till",
            "till-day",
            "till-orders",
            "till-exchange",
            "customers",
            "customer",
            "in-store",
            "tasks",
            "returns",
            "parcels",
            "open-cart",
            "cart",
            "aisle",
            "aisle-product",
        )
    ),
    *(
        f"backoffice:{name}"
        for name in (
            "dashboard",
            "catalogue",
            "catalogue-new",
            "catalogue-product",
            "stores",
            "stock",
            "webhooks",
            "webhook",
            "team",
            "orders",
            "alerts",
            "store-capacity",
            "store",
        )
    ),
}

# The widest elements: those past the right edge whose parent is not, and not inside a box
# that scrolls or clips on its own (a table's scroll container is allowed to be wider inside).
STICKING_OUT = """(width) => {
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const path = (el) => {
    const names = [];
    for (let up = el; up && up !== document.body && names.length < 4; up = up.parentElement)
      names.unshift(name(up));
    return names.join(' > ');
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right <= width + 0.5 || clipped(el)) continue;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5)
      continue;
    out.push(path(el) + ' (' + Math.round(right) + ' px)');
  }
  return out.slice(0, 5);
}"""


@pytest.fixture
def small_phone(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _page(browser, live_server, SMALL_PHONE)


def _too_wide(page: Any, live_server: Any, pages: Pages) -> list[str]:
    """Visit every page; return one line per page wider than the phone, with its culprits."""
    failures = []
    for name, path_of in pages.items():
        response = page.goto(f"{live_server.url}{path_of()}")
        page.wait_for_load_state()
        status = response.status if response else None
        if status is None or status >= 400:
            failures.append(f"{name}: HTTP {status}")
            continue
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width != WIDTH:
            culprits = page.evaluate(STICKING_OUT, WIDTH)
            failures.append(f"{name} ({path_of()}): {width} px, " + "; ".join(culprits))
    return failures


def _sweep(page: Any, live_server: Any, pages: Pages) -> None:
    failures = _too_wide(page, live_server, pages)
    assert not failures, f"{len(failures)} page(s) scroll sideways at {WIDTH} px:\n" + "\n".join(
        failures
    )


def test_every_page_route_is_swept():
    forgotten = {route for route in _routes() if route not in SWEPT and not _skipped(route)}
    assert not forgotten, f"neither swept nor skipped with a reason: {sorted(forgotten)}"


def _with_a_word_wider_than_the_phone() -> None:
    """A category and a product named with one word wider than the screen (as a code, a URL or
    an email can be): the category list, the headings and the links must break it."""
    from comptoir.catalog.models import Category, Product

    word = "Cardiofréquencemètresmultisportsconnectésétanches"
    Category.objects.filter(slug="montres-gps").update(name=word)
    Product.objects.filter(pk=Product.objects.order_by("pk").first().pk).update(name=word)


def test_no_storefront_page_scrolls_sideways_on_a_small_phone(retailer, live_server, small_phone):
    _with_a_word_wider_than_the_phone()
    _sweep(small_phone, live_server, _storefront_pages())


def test_no_kiosk_page_scrolls_sideways_on_a_small_phone(retailer, live_server, small_phone):
    _with_a_word_wider_than_the_phone()
    _sweep(small_phone, live_server, _kiosk_pages())


def test_no_account_page_scrolls_sideways_on_a_small_phone(retailer, live_server, small_phone):
    sign_in(small_phone, live_server, "jean.martin@example.fr")
    _with_a_word_wider_than_the_phone()
    _sweep(small_phone, live_server, _shopper_pages())


def test_no_associate_page_scrolls_sideways_on_a_small_phone(retailer, live_server, small_phone):
    sign_in(small_phone, live_server, "associate.lyon")
    _with_a_word_wider_than_the_phone()
    _sweep(small_phone, live_server, _associate_pages())


def test_no_back_office_page_scrolls_sideways_on_a_small_phone(retailer, live_server, small_phone):
    sign_in(small_phone, live_server, "ops")
    _sweep(small_phone, live_server, _backoffice_pages())


def test_no_inbox_page_scrolls_sideways_on_a_small_phone(retailer, live_server, small_phone):
    sign_in(small_phone, live_server, "agent")
    _sweep(small_phone, live_server, _inbox_pages())

"""Every page a shopper, an associate and a manager can reach reads in French: no English left.

The pages come from the URL conf, so a new page is checked without being listed here; one that
needs an argument this test cannot build is skipped with its reason. Data (SKUs, codes, product
and store names) lives in attribute values and scripts, which are not read; visible text and the
attributes a person reads (title, alt, placeholder, aria-label) are.
"""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from comptoir.core import clock
from comptoir.core.routes import Event
from comptoir.customers.handlers import put_purchase_on_timeline
from comptoir.customers.models import Customer
from comptoir.demo.retailer import DEMO_PASSWORD, load
from comptoir.fulfilment.models import StoreTask
from comptoir.orders.models import Order, Payment
from comptoir.service.domain import InboundEmail
from comptoir.service.services import receive_email
from comptoir.shipping.domain.alerts import AlertKind
from comptoir.shipping.models import Shipment, ShipmentAlert
from comptoir.shipping.services.alerts import LATE_DETAIL
from comptoir.shipping.services.incidents import raise_alerts

pytestmark = pytest.mark.django_db

# English that has no place on a French page. Whole words, matched as written (capitalised
# words are labels; the lower-case ones are phrases of sentences). "Stock" is French too.
ENGLISH = [
    "Open", "Fulfilled", "Hold", "Click And Collect", "Click and collect", "promised by",
    "not delivered", "Order", "placed", "Delivered", "Shipped", "Cancelled", "Ready", "Today",
    "Tomorrow", "store", "today at", "tomorrow at", "ready on", "delivered on", "Search", "Sign in",
    "Sign out", "Store", "Stores", "Cart", "Checkout", "Pending", "Picking", "Packed",
    "Returned", "Refunded", "Paid", "Ship from store", "Home delivery", "Reserve", "Collect",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "Not found", "Add to cart", "Quantity", "Price",
    "Status", "Customer", "Customers", "Tasks", "Returns", "Parcels", "Orders",
]  # fmt: skip
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
# Pages without a page of their own to read, or with arguments this test cannot build.
SKIPPED = {
    "logout/": "signs out",
    "search/suggestions/": "a fragment of product names, no words of ours",
    "account/export/": "a JSON download of the shopper's data",
    "backoffice/exceptions/<int:alert_id>/<str:action>/": "a POST-only action",
    "associate/<slug:code>/tasks/<int:task_id>/<str:action>/": "a POST-only action",
    "stores/<slug:code>/choose/": "a POST-only action",
    "associate/<slug:code>/in-store/events/": "a server-sent event stream, no page",
    "associate/<slug:code>/till/offline/prices/": "the till's price book in JSON, no page",
    "associate/<slug:code>/in-store/check-in/": "a POST-only action",
    "associate/<slug:code>/orders/<int:order_id>/pickup-check/": "a POST-only action",
    "cart/add/": "a POST-only action",
    "cart/lines/<str:sku>/": "a POST-only action",
    "cart/handoff/": "a POST-only action",
    "kiosk/<slug:code>/cart/lines/<str:sku>/": "a POST-only action",
    "account/orders/<str:reference>/return/": "needs a delivered order the demo may not have",
    "associate/<slug:code>/carts/<int:cart_id>/": "needs a cart an associate opened",
    "backoffice/webhooks/<int:subscription_id>/": "the demo has no webhook subscription",
    "service/customers/<int:customer_id>/cart/": "a POST-only action",
    "backoffice/stock/counts/<int:job_id>/": "needs a count file loaded (tests/browser/"
    "test_backoffice_stores_stock.py reads it in French)",
    "associate/<slug:code>/aisle/orders/<str:reference>/": "needs an order placed at the counter"
    " (tests/browser/test_aisle.py reads it in French)",
    "associate/<slug:code>/till/orders/<str:reference>/pay/": "a POST-only action",
    "associate/<slug:code>/till/exchange/<str:reference>/<int:line_number>/": "needs a line"
    " that reached the customer (tests/browser/test_till_exchange.py reads it in French)",
    "associate/<slug:code>/till/exchange/<str:reference>/<int:line_number>/go/": "a POST-only"
    " action",
}
# The webhook page's actions (enable, ping, rotate, disable, delete, replay) are POST-only.
SKIPPED_PREFIXES = ("backoffice/webhooks/<int:subscription_id>/",)


class VisibleText(HTMLParser):
    """The text a person reads: no script, style or template, no data attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_in(text: str, names: set[str]) -> list[str]:
    found = []
    for word in ENGLISH:
        for match in re.finditer(rf"(?<![\w.-]){re.escape(word)}(?![\w.-])", text):
            around = text[max(0, match.start() - 40) : match.end() + 40]
            if not any(word in name and name in around for name in names):
                found.append(f"{word!r} in …{around}…")
                break
    return found


def web_patterns() -> list[tuple[str, str]]:
    """(route, who reads it) of every page under the web app, walking the URL conf."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns, "")
    ignored = ("api/", "admin/", "i18n/", "media/", "^media", "healthz", "static")
    staff = ("associate/", "backoffice/", "inbox/", "service/")
    return [
        (route, route.split("/")[0] if route.startswith(staff) else "shop")
        for route in found
        if not route.startswith(ignored)
    ]


def _till_sale_at_lyon() -> str:
    sale = Order.objects.filter(fulfilment_mode="till_sale", pickup_location__code="lyon-part-dieu")
    return sale.order_by("pk").values_list("reference", flat=True).first() or ""


# Routes whose argument must be of a kind: a till receipt is a till sale's (the demo makes some).
ROUTE_VALUES: dict[str, dict[str, str]] = {}


def arguments() -> dict[str, str]:
    jean = Customer.objects.get(email="jean.martin@example.fr")
    order = Order.objects.filter(customer_id=jean.pk).order_by("pk").first()
    shipment = Shipment.objects.order_by("pk").first()
    from comptoir.catalog.models import Category, Product

    return {
        "code": "lyon-part-dieu",
        "slug": Product.objects.order_by("pk").values_list("slug", flat=True).first(),
        "category": Category.objects.order_by("pk").values_list("slug", flat=True).first(),
        "reference": order.reference if order else "",
        "customer_id": str(jean.pk),
        "sku": "JACKET-TRAIL-M",
        "token": shipment.tracking_token if shipment else "",
        "task_id": str(StoreTask.objects.order_by("pk").values_list("pk", flat=True).first() or ""),
        "conversation_id": str(_jeans_question(order.reference if order else "")),
    }


def _jeans_question(reference: str) -> int:
    """Jean asks where his order is, by email: a conversation of the service inbox."""
    mail = InboundEmail(
        sender="jean.martin@example.fr",
        sender_name="Jean Martin",
        to="service@elan.example",
        subject="Ma commande",
        text=f"Bonjour, où est ma commande {reference} ?",
        message_id=f"{reference}-question@example.fr",
    )
    message, _ = receive_email(mail=mail)
    return message.conversation_id


def fill(route: str, values: dict[str, str]) -> str | None:
    """The route with its arguments, or None if one cannot be built."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if not values.get(name):
            missing = True
            return ""
        return values[name]

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    return None if missing or "(" in path or "^" in path else "/" + path


def demo_with_history() -> dict[str, str]:
    """The small demo, with purchases on Jean's timeline and a late parcel's alert."""
    load(customers=3, stores=3, skus=30)
    ROUTE_VALUES["associate/<slug:code>/till/receipts/<str:reference>/"] = {
        "reference": _till_sale_at_lyon()
    }
    due_here = Order.objects.filter(
        pickup_location__code="lyon-part-dieu", payment__status="due_at_pickup"
    ).order_by("pk")
    ROUTE_VALUES["associate/<slug:code>/till/orders/<str:reference>/"] = {
        "reference": due_here.values_list("reference", flat=True).first() or ""
    }
    link = Payment.objects.exclude(payment_link="").values_list("payment_link", flat=True).first()
    ROUTE_VALUES["pay/<str:token>"] = {"token": link.rsplit("/pay/", 1)[1] if link else ""}
    values = arguments()
    jean = Customer.objects.get(email="jean.martin@example.fr")
    for kind in ("order.placed", "order.ready_for_pickup", "order.collected"):
        payload = {"customer_id": jean.pk, "order_reference": values["reference"]}
        put_purchase_on_timeline(Event(uuid.uuid4(), kind, "order", payload, clock.now()))
    quiet = Shipment.objects.exclude(
        pk__in=ShipmentAlert.objects.values("shipment_id")
    ).first()  # a parcel with no incident yet: the late one's detail is ours
    assert quiet is not None
    late = LATE_DETAIL.format(day=quiet.promised_by.isoformat())
    raise_alerts(quiet, [AlertKind.LATE], detail=late, now=clock.now())
    return values


def test_every_page_reads_in_french_without_an_english_word():
    values = demo_with_history()
    names = set(Customer.objects.values_list("first_name", flat=True))
    from comptoir.catalog.models import Product
    from comptoir.locations.models import Location

    names |= set(Product.objects.values_list("name", flat=True))
    names |= set(Location.objects.values_list("name", flat=True))
    visitors = {
        "shop": "jean.martin@example.fr",
        "associate": "associate.lyon",
        "backoffice": "ops",
        "inbox": "agent",
        "service": "agent",
    }
    clients = {}
    for part, username in visitors.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.cookies["django_language"] = "fr"
        assert client.login(username=username, password=DEMO_PASSWORD)
        clients[part] = client

    visitor = Client(HTTP_ACCEPT_LANGUAGE="fr")
    offenders: dict[str, list[str]] = {}
    read, unbuilt = [], []
    for route, part in web_patterns():
        if route in SKIPPED or route.startswith(SKIPPED_PREFIXES):
            continue
        path = fill(route, {**values, **ROUTE_VALUES.get(route, {})})
        if path is None:
            unbuilt.append(route)
            continue
        answer = clients[part].get(path)
        if answer.status_code == 302 and part == "shop":
            answer = visitor.get(path)  # a page for the signed-out (sign in, sign up)
        if answer.status_code != 200 or "html" not in answer.get("Content-Type", ""):
            if answer.status_code not in (302, 405):
                offenders[path] = [f"answered {answer.status_code}"]
            continue
        read.append(path)
        found = english_in(visible_text(answer.content.decode()), names)
        if found:
            offenders[path] = found

    assert "/login/" in read
    assert len(read) >= 30, (read, unbuilt)
    assert not unbuilt, f"routes with arguments this test cannot build: {unbuilt}"
    assert not offenders, "English on French pages:\n" + "\n".join(
        f"{path}: {'; '.join(words)}" for path, words in offenders.items()
    )


def test_the_same_pages_still_read_in_english_for_who_chose_english():
    values = demo_with_history()
    jean = Customer.objects.get(email="jean.martin@example.fr")
    read = {}
    profile = f"/associate/lyon-part-dieu/customers/{jean.pk}/"
    for username, path in [
        ("associate.lyon", profile),
        ("ops", "/backoffice/exceptions/"),
        ("ops", "/backoffice/stores/"),
    ]:
        client = Client()
        client.cookies["django_language"] = "en"
        assert client.login(username=username, password=DEMO_PASSWORD)
        read[path] = visible_text(client.get(path).content.decode())

    assert f"Placed order {values['reference']}" in read[profile]
    assert "not delivered" in read["/backoffice/exceptions/"]
    assert "Click and collect" in read["/backoffice/stores/"]
    assert "Retrait en magasin" not in read["/backoffice/stores/"]

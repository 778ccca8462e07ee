"""The Google local inventory feed format, as pure rules: no Django, no database.

Google Merchant Center reads one row per (store, product) from a delimited text file, tab
separated being the recommended form, with the attribute names as its header row
(support.google.com/merchants/answer/7023001). The attributes written here, and the values
they take, follow the local inventory data specification
(support.google.com/merchants/answer/14819809; classic: answer/3061342) and the Merchant API
`LocalInventory` resource (developers.google.com/merchant/api/reference/rest/inventories_v1):

- `store_code`: the store's code as in its Business Profile; `id`: the product's id, the same
  as in the product data (max 50 characters); both required.
- `quantity`: the units available at that store, zero or more.
- `price`: the price at that store, a number and an ISO 4217 currency ("89.90 EUR").
- `availability`: `in_stock`, `limited_availability`, `on_display_to_order`, `out_of_stock`
  (required). comptoir never writes `on_display_to_order`: it has no display-only stock.
  Google's inventory feed for local feeds partnership (answer/7677785) draws the same line
  between `in_stock` and `limited_availability`: in stock is 3 items or more.
- `pickup_method` (answer/14634021): `buy` (paid online), `reserve` (paid in store),
  `ship_to_store`, `not_supported`.
- `pickup_sla` (answer/14154452): `same_day` ("subject to cut off times"), `next_day`,
  `2-day` … `6-day`, `multi-week`. It goes with `pickup_method`, except after `not_supported`.

Values are written with underscores, as the availability and pickup SLA pages name them in
brackets. The pickup method page spells `not supported` and `ship to store` with a space:
worth checking in Merchant Center's diagnostics on the first upload.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from comptoir.core.money import Money
from comptoir.locations.domain import WeeklyRange

COLUMNS = (
    "store_code",
    "id",
    "quantity",
    "price",
    "availability",
    "pickup_method",
    "pickup_sla",
)
# Below this many units a shopper may find the shelf empty on arrival: Google is told so.
LIMITED_AVAILABILITY_BELOW = 3
MINUTES_PER_DAY = 24 * 60
LINES_PER_BLOCK = 1000

# The first service a store offers, in this order, says how a shopper collects there.
PICKUP_METHODS = (("click_and_collect", "buy"), ("reserve_and_collect", "reserve"))
NOT_SUPPORTED = "not_supported"


@dataclass(frozen=True)
class PickupTerms:
    """How and when a shopper collects at one store; `sla` is empty when pickup is not offered."""

    method: str
    sla: str = ""


@dataclass(frozen=True)
class LocalInventoryItem:
    """One row of the feed: one SKU at one store, as the web shop can promise it."""

    store_code: str
    sku: str
    quantity: int
    price: Money | None
    pickup: PickupTerms


def availability_for(quantity: int) -> str:
    if quantity <= 0:
        return "out_of_stock"
    if quantity < LIMITED_AVAILABILITY_BELOW:
        return "limited_availability"
    return "in_stock"


def same_day_window(ranges: Iterable[WeeklyRange]) -> int:
    """Minutes from opening to closing on the store's shortest open day (0: no hours known).

    An order placed as the store opens with a lead time that fits in this window is ready the
    same day on any day of the week. A lunch break does not count: the order is prepared
    meanwhile. A range that closes at or before it opens runs past midnight.
    """
    spans: dict[int, tuple[int, int]] = {}
    for opening in ranges:
        opens = opening.opens.hour * 60 + opening.opens.minute
        closes = opening.closes.hour * 60 + opening.closes.minute
        if opening.runs_past_midnight:
            closes += MINUTES_PER_DAY
        first, last = spans.get(opening.weekday, (opens, closes))
        spans[opening.weekday] = (min(first, opens), max(last, closes))
    return min((last - first for first, last in spans.values()), default=0)


def pickup_sla_for(lead_minutes: int, *, same_day_window_minutes: int) -> str:
    """`same_day` when the lead time fits between opening and closing, else the day it is ready.

    A lead time that runs past closing is ready the next day, or k days later when it is
    longer than a day; a week or more is `multi-week` (the specification stops at `6-day`).
    A store whose hours are not known promises nothing for the same day.
    """
    if same_day_window_minutes > 0 and lead_minutes <= same_day_window_minutes:
        return "same_day"
    days = max(1, -(-(lead_minutes - same_day_window_minutes) // MINUTES_PER_DAY))  # ceiling
    if days == 1:
        return "next_day"
    if days < 7:
        return f"{days}-day"
    return "multi-week"


def pickup_terms_for(
    lead_minutes_by_service: dict[str, int], *, same_day_window_minutes: int
) -> PickupTerms:
    """Click & collect is `buy`, reserve & collect is `reserve`; a store offering neither says
    `not_supported`. The SLA follows the lead time of the service that was chosen."""
    for service, method in PICKUP_METHODS:
        if service in lead_minutes_by_service:
            sla = pickup_sla_for(
                lead_minutes_by_service[service], same_day_window_minutes=same_day_window_minutes
            )
            return PickupTerms(method, sla)
    return PickupTerms(NOT_SUPPORTED)


def price_at_store(
    *, store_price: tuple[Decimal, str] | None, base_price: tuple[Decimal, str] | None
) -> Money | None:
    """The store's own price when it has one, else the base price; None if neither exists.

    These are the two rules with no channel, so this is catalog's `resolve_price` (the most
    specific rule wins) asked for one store and no channel.
    """
    chosen = store_price or base_price
    return None if chosen is None else Money(*chosen)


_SEPARATORS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


def _cell(value: object) -> str:
    # A tab or a line break inside a value would shift or split the row.
    return "" if value is None else str(value).translate(_SEPARATORS)


def tsv_line(cells: Collection[object]) -> str:
    return "\t".join(_cell(cell) for cell in cells) + "\n"


def item_cells(item: LocalInventoryItem) -> tuple[object, ...]:
    return (
        item.store_code,
        item.sku,
        item.quantity,
        item.price,
        availability_for(item.quantity),
        item.pickup.method,
        item.pickup.sla,
    )


def tsv_blocks(
    items: Iterable[LocalInventoryItem], *, lines_per_block: int = LINES_PER_BLOCK
) -> Iterator[str]:
    """The header, then the rows in blocks of `lines_per_block` lines: a streamed response
    writes a block at a time instead of one write per row."""
    yield tsv_line(COLUMNS)
    block: list[str] = []
    for item in items:
        block.append(tsv_line(item_cells(item)))
        if len(block) >= lines_per_block:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)

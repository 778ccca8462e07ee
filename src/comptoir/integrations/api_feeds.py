"""Feeds that other platforms fetch from comptoir: Google's local inventory, as a streamed file."""

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router

from comptoir.core.access import authorize

from . import selectors
from .feeds import COLUMNS, tsv_blocks

router = Router(tags=["feeds"])

TSV_CONTENT_TYPE = "text/tab-separated-values; charset=utf-8"
_TSV_EXAMPLE = (
    "\t".join(COLUMNS) + "\n" + "lyon-part-dieu\tJACKET-M\t3\t89.90 EUR\tin_stock\tbuy\tsame_day\n"
)


@router.get(
    "/feeds/google-local-inventory",
    operation_id="get_google_local_inventory_feed",
    openapi_extra={
        "responses": {
            200: {
                "description": "A tab-separated file, the header row first, one row per SKU "
                "with a stock level at an active store, ordered by store then SKU.",
                "content": {
                    "text/tab-separated-values": {
                        "schema": {"type": "string"},
                        "example": _TSV_EXAMPLE,
                    }
                },
            }
        }
    },
)
def get_google_local_inventory_feed(
    request: HttpRequest,
    store: str | None = Query(None, pattern=r"^[a-z0-9][a-z0-9-]{1,39}$"),  # noqa: B008
) -> StreamingHttpResponse:
    """The Google Merchant Center local inventory feed: for each active store and each SKU it
    has a level of, what the web channel can promise there (on hand − held − safety stock),
    the availability it implies, the store's price, and how and when it can be collected.

    `store` restricts the feed to one store. The file is streamed as it is read, so that a
    feed of every store stays small in memory.
    """
    authorize(request.auth, "feeds.read")
    stores = selectors.local_inventory_stores(store=store)
    if store is not None:
        authorize(request.auth, "feeds.read", store_id=stores[0].location_id)
    items = selectors.local_inventory_items(stores=stores)
    filename = f"google-local-inventory-{store}.tsv" if store else "google-local-inventory.tsv"
    response = StreamingHttpResponse(tsv_blocks(items), content_type=TSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

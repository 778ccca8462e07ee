"""schema.org data for the shop's pages (JSON-LD), so search engines read the offer the page
shows: a product page is a `ProductGroup` of one `Product` per variant, each with its online
offer (price, availability, delivery and return policy) and one offer per nearby store; a store
page is a `Store` with its address, position, phone and hours.

What Google asks of these is checked in tests/structured_data.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from comptoir.catalog.domain import gtin13_of
from comptoir.fulfilment.offers import HOME_EXPRESS, HOME_STANDARD, DeliveryOffers
from comptoir.returns.policy import ReturnPolicy

SCHEMA = "https://schema.org/"
IN_STOCK, OUT_OF_STOCK = SCHEMA + "InStock", SCHEMA + "OutOfStock"
NEW = SCHEMA + "NewCondition"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

Absolute = Callable[[str], str]  # a path → the absolute URL a search engine can fetch


def product_ld(
    detail: dict[str, Any],
    *,
    url: str,
    absolute: Absolute,
    online: dict[str, bool],
    stores: list[dict[str, Any]],
    delivery: DeliveryOffers,
    returns: ReturnPolicy,
) -> dict[str, Any]:
    """The product as a group of its variants. `online`: SKU → whether the web channel can
    ship a unit; `stores`: the nearby stores' rows the page shows (stock per SKU)."""
    images = [absolute(image["url"]) for image in detail["images"]]
    brand = {"@type": "Brand", "name": detail["brand"]} if detail["brand"] else None
    shipping = _shipping_details(delivery)
    return_policy = _return_policy(returns)
    variants = [v for v in detail["variants"] if v["price"] is not None]
    varies_by = [
        SCHEMA + name
        for name, key in (("size", "size"), ("color", "colour"))
        if len({v[key] for v in variants}) > 1
    ]
    products = []
    for variant in variants:
        offers = [
            _offer(
                variant,
                url=url,
                availability=IN_STOCK if online.get(variant["sku"]) else OUT_OF_STOCK,
            )
            | {"shippingDetails": shipping, "hasMerchantReturnPolicy": return_policy}
        ]
        offers += _store_offers(variant, url=url, absolute=absolute, stores=stores)
        product: dict[str, Any] = {
            "@type": "Product",
            "sku": variant["sku"],
            "name": _variant_name(detail["title"], variant),
            "description": detail["description"] or detail["title"],
            "image": images,
            "inProductGroupWithID": detail["slug"],
            "offers": offers,
        }
        if gtin := gtin13_of(variant["gtin"]):
            product["gtin13"] = gtin
        if brand:
            product["brand"] = brand
        if variant["size"]:
            product["size"] = variant["size"]
        if variant["colour"]:
            product["color"] = variant["colour"]
        products.append(product)
    group: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ProductGroup",
        "@id": url + "#product",
        "url": url,
        "name": detail["title"],
        "description": detail["description"] or detail["title"],
        "image": images,
        "category": detail["category"]["name"],
        "productGroupID": detail["slug"],
        "variesBy": varies_by,
        "hasVariant": products,
    }
    if brand:
        group["brand"] = brand
    return group


def _variant_name(title: str, variant: dict[str, Any]) -> str:
    details = [part for part in (variant["size"], variant["colour"]) if part]
    return f"{title} ({', '.join(details)})" if details else title


def _offer(variant: dict[str, Any], *, url: str, availability: str) -> dict[str, Any]:
    return {
        "@type": "Offer",
        "url": url,
        "price": str(variant["price"]["amount"]),
        "priceCurrency": variant["price"]["currency"],
        "availability": availability,
        "itemCondition": NEW,
    }


def _store_offers(
    variant: dict[str, Any], *, url: str, absolute: Absolute, stores: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One offer per nearby store that lets a shopper collect: its stock of this SKU."""
    offers = []
    for row in stores:
        if not row["offers_pickup"]:
            continue
        units = next((s.figures.available for s in row["stock"] if s.sku == variant["sku"]), 0)
        store = row["store"]
        offer = _offer(variant, url=url, availability=IN_STOCK if units > 0 else OUT_OF_STOCK)
        offer["availableDeliveryMethod"] = SCHEMA + "OnSitePickup"
        offer["availableAtOrFrom"] = {
            "@type": "Store",
            "@id": absolute(reverse("shop:store", args=[store.code])) + "#store",
            "name": store.name,
        }
        offers.append(offer)
    return offers


def _shipping_details(delivery: DeliveryOffers) -> list[dict[str, Any]]:
    """Home delivery, standard and express, to France: the price the checkout charges, a day
    of handling at most (a parcel leaves the same day before the warehouse's cut-off, else the
    next) and the carrier's transit days."""
    details = []
    for code in (HOME_STANDARD, HOME_EXPRESS):
        offer = delivery[code]
        details.append(
            {
                "@type": "OfferShippingDetails",
                "shippingRate": {
                    "@type": "MonetaryAmount",
                    "value": str(offer.price),
                    "currency": delivery.currency,
                },
                "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "FR"},
                "deliveryTime": {
                    "@type": "ShippingDeliveryTime",
                    "handlingTime": _days(0, 1),
                    "transitTime": _days(offer.transit_days, offer.transit_days),
                },
            }
        )
    return details


def _days(low: int, high: int) -> dict[str, Any]:
    return {"@type": "QuantitativeValue", "minValue": low, "maxValue": high, "unitCode": "DAY"}


def _return_policy(policy: ReturnPolicy) -> dict[str, Any]:
    methods = [SCHEMA + "ReturnInStore"] if policy.in_store else []
    methods += [SCHEMA + "ReturnByMail"] if policy.by_post else []
    data: dict[str, Any] = {
        "@type": "MerchantReturnPolicy",
        "applicableCountry": list(policy.countries),
        "returnPolicyCategory": SCHEMA + "MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": policy.days,
        "returnMethod": methods,
        "returnFees": SCHEMA + ("FreeReturn" if policy.is_free else "ReturnShippingFees"),
    }
    if not policy.is_free:
        data["returnShippingFeesAmount"] = {
            "@type": "MonetaryAmount",
            "value": str(policy.post_fee),
            "currency": policy.currency,
        }
    return data


def store_ld(store: Any, *, url: str) -> dict[str, Any]:
    """A store with its address, position, phone and weekly hours (local time)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Store",
        "@id": url + "#store",
        "url": url,
        "name": store.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": store.street,
            "postalCode": store.postcode,
            "addressLocality": store.city,
            "addressCountry": store.country,
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": float(store.latitude),
            "longitude": float(store.longitude),
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA + DAYS[hours.weekday],
                "opens": hours.opens.strftime("%H:%M"),
                "closes": hours.closes.strftime("%H:%M"),
            }
            for hours in store.opening_hours.all()
        ],
    }
    if store.phone:
        data["telephone"] = store.phone
    special = [_special_day(closure) for closure in store.closures.all()]
    if special:
        data["specialOpeningHoursSpecification"] = special
    return data


def _special_day(closure: Any) -> dict[str, Any]:
    """A bank holiday or a closure: its own hours that day, 00:00–00:00 when closed."""
    day = closure.date.isoformat()
    opens, closes = (closure.opens, closure.closes) if closure.opens else (None, None)
    return {
        "@type": "OpeningHoursSpecification",
        "validFrom": day,
        "validThrough": day,
        "opens": opens.strftime("%H:%M") if opens else "00:00",
        "closes": closes.strftime("%H:%M") if closes else "00:00",
    }

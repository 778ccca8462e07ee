"""schema.org Product / Offer data for a product page, so search engines read the same offer."""

from __future__ import annotations

from typing import Any

IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"


def product_ld(detail: dict[str, Any], *, url: str, stores: list[dict[str, Any]]) -> dict:
    """One Offer per variant with its price; availability when stores near the shopper are
    known (in stock if any of them can promise a unit of that SKU)."""
    available: dict[str, bool] = {}
    for row in stores:
        for figures in row["stock"]:
            available[figures.sku] = available.get(figures.sku, False) or (
                figures.figures.available > 0
            )
    offers = []
    for variant in detail["variants"]:
        if variant["price"] is None:
            continue
        offer = {
            "@type": "Offer",
            "sku": variant["sku"],
            "gtin14": variant["gtin"],
            "price": str(variant["price"]["amount"]),
            "priceCurrency": variant["price"]["currency"],
            "url": url,
        }
        if variant["sku"] in available:
            offer["availability"] = IN_STOCK if available[variant["sku"]] else OUT_OF_STOCK
        offers.append(offer)
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": detail["title"],
        "description": detail["description"],
        "brand": {"@type": "Brand", "name": detail["brand"]},
        "category": detail["category"]["name"],
        "offers": offers,
    }

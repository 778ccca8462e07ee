"""Every JSON-LD block of the demo's product and store pages passes tests/structured_data.py,
and each rule of that validator catches a document that breaks it."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from django.test import Client

from comptoir.catalog.models import Product
from comptoir.demo.retailer import load
from comptoir.locations.models import Location
from tests.structured_data import is_valid_gtin, problems


def json_ld(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.mark.django_db
def test_the_demos_product_and_store_pages_pass_googles_requirements(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load(seed=7, customers=0, stores=3, skus=60)
    client = Client()
    lyon = Location.objects.get(code="lyon-part-dieu")
    pages = [f"/products/{slug}/" for slug in Product.objects.values_list("slug", flat=True)]
    pages += [f"/products/veste-running-trail/?near={lyon.postcode}"]
    pages += [
        f"/stores/{code}/"
        for code in Location.objects.filter(kind="store").values_list("code", flat=True)
    ]

    documents = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        (documents[page],) = json_ld(response.content.decode())

    assert {page: problems(doc) for page, doc in documents.items() if problems(doc)} == {}
    jacket = documents[f"/products/veste-running-trail/?near={lyon.postcode}"]
    assert jacket["@type"] == "ProductGroup"
    assert jacket["variesBy"] == ["https://schema.org/size"]
    small = jacket["hasVariant"][0]
    assert (small["sku"], small["size"], small["color"]) == ("JACKET-TRAIL-S", "S", "bleu")
    assert small["gtin13"] == "3700000000006"
    assert small["image"][0].startswith("http://testserver/media/products/veste-running-trail/")
    online, *in_stores = small["offers"]
    assert (online["price"], online["priceCurrency"]) == ("89.90", "EUR")
    assert [rate["shippingRate"]["value"] for rate in online["shippingDetails"]] == ["4.90", "9.90"]
    assert online["hasMerchantReturnPolicy"]["merchantReturnDays"] == 30
    assert in_stores[0]["availableAtOrFrom"]["name"] == lyon.name
    assert in_stores[0]["availability"] == "https://schema.org/InStock"  # Jean's jacket is there
    store = documents["/stores/lyon-part-dieu/"]
    assert store["address"]["streetAddress"] == lyon.street != ""
    assert store["telephone"] == lyon.phone
    assert len(store["openingHoursSpecification"]) >= 6
    every_variant = [v for doc in documents.values() for v in doc.get("hasVariant", [])]
    assert all("gtin13" in variant for variant in every_variant)


@pytest.mark.django_db
def test_a_store_page_shows_the_street_the_phone_and_a_way_there(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load(seed=7, customers=0, stores=1, skus=10)
    store = Location.objects.filter(kind="store").get()

    html = Client().get(f"/stores/{store.code}/").content.decode()

    assert store.street in html
    assert f'href="tel:{store.phone}"' in html
    assert "01 99 00 00 00" in html  # the phone as written in France
    assert "https://www.openstreetmap.org/directions?route=%3B" in html
    assert f'href="geo:{store.latitude},{store.longitude}"' in html


# --- each rule catches a broken document ------------------------------------------------------

OFFER = {
    "@type": "Offer",
    "price": "89.90",
    "priceCurrency": "EUR",
    "availability": "https://schema.org/InStock",
    "itemCondition": "https://schema.org/NewCondition",
    "shippingDetails": [
        {
            "@type": "OfferShippingDetails",
            "shippingRate": {"@type": "MonetaryAmount", "value": "4.90", "currency": "EUR"},
            "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "FR"},
            "deliveryTime": {
                "@type": "ShippingDeliveryTime",
                "handlingTime": {
                    "@type": "QuantitativeValue",
                    "minValue": 0,
                    "maxValue": 1,
                    "unitCode": "DAY",
                },
                "transitTime": {
                    "@type": "QuantitativeValue",
                    "minValue": 2,
                    "maxValue": 2,
                    "unitCode": "DAY",
                },
            },
        }
    ],
    "hasMerchantReturnPolicy": {
        "@type": "MerchantReturnPolicy",
        "applicableCountry": ["FR"],
        "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": 30,
        "returnMethod": ["https://schema.org/ReturnInStore", "https://schema.org/ReturnByMail"],
        "returnFees": "https://schema.org/FreeReturn",
    },
}


def variant(sku: str, size: str, gtin: str) -> dict[str, Any]:
    return {
        "@type": "Product",
        "sku": sku,
        "gtin13": gtin,
        "name": f"Veste de running Trail ({size})",
        "image": ["https://shop.example/media/products/veste/0.png"],
        "brand": {"@type": "Brand", "name": "Élan"},
        "size": size,
        "inProductGroupWithID": "veste-running-trail",
        "offers": [copy.deepcopy(OFFER)],
    }


GROUP = {
    "@context": "https://schema.org",
    "@type": "ProductGroup",
    "name": "Veste de running Trail",
    "productGroupID": "veste-running-trail",
    "variesBy": ["https://schema.org/size"],
    "hasVariant": [
        variant("JACKET-TRAIL-S", "S", "3700000000006"),
        variant("JACKET-TRAIL-M", "M", "3700000000013"),
    ],
}
STORE = {
    "@context": "https://schema.org",
    "@type": "Store",
    "name": "Élan Lyon Part-Dieu",
    "address": {
        "@type": "PostalAddress",
        "streetAddress": "2 rue de la République",
        "postalCode": "69003",
        "addressLocality": "Lyon",
        "addressCountry": "FR",
    },
    "geo": {"@type": "GeoCoordinates", "latitude": 45.76057, "longitude": 4.85957},
    "telephone": "+33199000000",
    "openingHoursSpecification": [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "10:00",
            "closes": "19:30",
        }
    ],
}
FIRST = ("hasVariant", 0)
FIRST_OFFER = (*FIRST, "offers", 0)
SHIPPING = (*FIRST_OFFER, "shippingDetails", 0)
RETURNS = (*FIRST_OFFER, "hasMerchantReturnPolicy")


def broken(document: dict, path: tuple, key: str, value: Any = None, *, drop: bool = False):
    changed = copy.deepcopy(document)
    target = changed
    for step in path:
        target = target[step]
    if drop:
        del target[key]
    else:
        target[key] = value
    return changed


def test_the_valid_examples_pass():
    assert problems(GROUP) == []
    assert problems(STORE) == []


@pytest.mark.parametrize(
    ("document", "caught"),
    [
        pytest.param(
            broken(GROUP, FIRST, "name", drop=True), "hasVariant[0].name: required", id="name_case"
        ),
        pytest.param(broken(GROUP, FIRST, "image", []), "image: required", id="image_case"),
        pytest.param(
            broken(GROUP, FIRST, "image", ["/media/a.png"]),
            "not an absolute URL",
            id="image_url_case",
        ),
        pytest.param(broken(GROUP, FIRST, "offers", []), "offers: required", id="offers_case"),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "price", drop=True), "price: required", id="price_case"
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "price", "89,90 €"),
            "not a plain number",
            id="price_symbol_case",
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "price", "0.00"), "not above zero", id="price_zero_case"
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "priceCurrency", "€"), "ISO 4217", id="currency_case"
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "availability", "InStock"),
            "availability: 'InStock'",
            id="availability_url_case",
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "availability", drop=True),
            "availability: required",
            id="availability_case",
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "itemCondition", "https://schema.org/New"),
            "itemCondition",
            id="condition_case",
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "shippingDetails", drop=True),
            "shippingDetails: recommended",
            id="shipping_missing_case",
        ),
        pytest.param(
            broken(GROUP, (*SHIPPING, "shippingDestination"), "addressCountry", "France"),
            "alpha-2",
            id="shipping_country_case",
        ),
        pytest.param(
            broken(GROUP, (*SHIPPING, "deliveryTime", "transitTime"), "unitCode", "HUR"),
            "unitCode: days",
            id="transit_unit_case",
        ),
        pytest.param(
            broken(GROUP, (*SHIPPING, "deliveryTime", "handlingTime"), "minValue", 3),
            "above maxValue",
            id="handling_order_case",
        ),
        pytest.param(
            broken(GROUP, (*SHIPPING, "shippingRate"), "value", "4,90 €"),
            "not a plain number",
            id="shipping_rate_case",
        ),
        pytest.param(
            broken(GROUP, FIRST_OFFER, "hasMerchantReturnPolicy", drop=True),
            "hasMerchantReturnPolicy: recommended",
            id="returns_missing_case",
        ),
        pytest.param(
            broken(GROUP, RETURNS, "merchantReturnDays", drop=True),
            "merchantReturnDays",
            id="return_days_case",
        ),
        pytest.param(
            broken(GROUP, RETURNS, "returnPolicyCategory", "30 days"),
            "returnPolicyCategory",
            id="return_category_case",
        ),
        pytest.param(
            broken(GROUP, RETURNS, "returnMethod", ["https://schema.org/ReturnByPigeon"]),
            "returnMethod",
            id="return_method_case",
        ),
        pytest.param(
            broken(GROUP, RETURNS, "returnFees", "https://schema.org/ReturnShippingFees"),
            "returnShippingFeesAmount",
            id="return_fee_amount_case",
        ),
        pytest.param(
            broken(GROUP, RETURNS, "applicableCountry", ["FRA"]),
            "applicableCountry",
            id="return_country_case",
        ),
        pytest.param(
            broken(GROUP, FIRST, "gtin13", "3700000000007"),
            "not a valid GTIN13",
            id="gtin_check_digit_case",
        ),
        pytest.param(broken(GROUP, FIRST, "brand", "Élan"), "brand: a Brand", id="brand_case"),
        pytest.param(
            broken(GROUP, (), "hasVariant", []),
            "hasVariant: a ProductGroup lists",
            id="has_variant_case",
        ),
        pytest.param(
            broken(GROUP, (), "variesBy", []), "nothing they vary by", id="varies_by_missing_case"
        ),
        pytest.param(
            broken(GROUP, (), "variesBy", ["size"]), "variesBy: 'size'", id="varies_by_url_case"
        ),
        pytest.param(
            broken(GROUP, FIRST, "size", drop=True),
            "hasVariant[0].size: the group varies by it",
            id="variant_value_case",
        ),
        pytest.param(
            broken(GROUP, FIRST, "inProductGroupWithID", "other"),
            "inProductGroupWithID: 'other'",
            id="group_id_case",
        ),
        pytest.param(
            broken(
                broken(GROUP, (), "productGroupID", drop=True),
                FIRST,
                "inProductGroupWithID",
                drop=True,
            ),
            "no productGroupID",
            id="no_group_id_case",
        ),
        pytest.param(
            broken(GROUP, ("hasVariant", 1), "sku", "JACKET-TRAIL-S"),
            "used by another variant",
            id="duplicate_sku_case",
        ),
        pytest.param(
            broken(GROUP, (), "@context", "http://example.org"), "@context", id="context_case"
        ),
        pytest.param(
            broken(STORE, (), "address", drop=True),
            "address: a PostalAddress is required",
            id="store_address_case",
        ),
        pytest.param(
            broken(STORE, ("address",), "streetAddress", ""),
            "streetAddress: required",
            id="store_street_case",
        ),
        pytest.param(
            broken(STORE, ("geo",), "latitude", "45,76"), "geo.latitude", id="store_geo_case"
        ),
        pytest.param(
            broken(STORE, (), "telephone", "04 72 00 00 00"), "country code", id="store_phone_case"
        ),
        pytest.param(
            broken(STORE, ("openingHoursSpecification", 0), "dayOfWeek", "Lundi"),
            "dayOfWeek",
            id="store_day_case",
        ),
        pytest.param(
            broken(STORE, ("openingHoursSpecification", 0), "opens", "10h"),
            "opens: '10h'",
            id="store_time_case",
        ),
        pytest.param(
            broken(STORE, (), "name", drop=True), "Store.name: required", id="store_name_case"
        ),
    ],
)
def test_a_document_breaking_a_rule_is_caught(document, caught):
    found = problems(document)

    assert any(caught in problem for problem in found), found


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        pytest.param("3700000000006", True, id="demo_case"),
        pytest.param("4006381333931", True, id="ean_case"),
        pytest.param("4006381333932", False, id="check_digit_case"),
        pytest.param("400638133393", False, id="length_case"),
        pytest.param("40063813339A1", False, id="letter_case"),
    ],
)
def test_the_validators_gtin_rule_is_gs1s(code, valid):
    assert is_valid_gtin(code) is valid

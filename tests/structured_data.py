"""A validator for the shop's JSON-LD, written from the published requirements.

Sources (read December 2026):
- Google, merchant listings (Product, Offer):
  https://developers.google.com/search/docs/appearance/structured-data/merchant-listing
  required: name, image, offers with price (or priceSpecification.price) and priceCurrency;
  recommended: brand.name, a GTIN, sku, description, availability, itemCondition,
  shippingDetails (OfferShippingDetails: shippingRate, shippingDestination, deliveryTime with
  handlingTime and transitTime in days) and hasMerchantReturnPolicy.
- Google, product variants (ProductGroup, Product):
  https://developers.google.com/search/docs/appearance/structured-data/product-variants
  a ProductGroup with hasVariant, productGroupID (or inProductGroupWithID on each variant,
  and then the same), variesBy among size, color, material, pattern, suggestedAge,
  suggestedGender; each variant a Product that meets the merchant-listing requirements, with
  its own unique id (sku or GTIN) and a value for every property the group varies by.
- Google, merchant return policy:
  https://developers.google.com/search/docs/appearance/structured-data/return-policy
  applicableCountry (ISO 3166-1 alpha-2), returnPolicyCategory; merchantReturnDays with a
  finite window; returnMethod; returnFees, with returnShippingFeesAmount for shipping fees.
- Google, local business: https://developers.google.com/search/docs/appearance/structured-data/local-business
  required: name, address (PostalAddress); recommended: geo (latitude, longitude),
  telephone, url, openingHoursSpecification (dayOfWeek, opens, closes as hh:mm[:ss]).
- schema.org's vocabulary for the types and enumerations: https://schema.org/ProductGroup,
  https://schema.org/Offer, https://schema.org/ItemAvailability,
  https://schema.org/OfferItemCondition, https://schema.org/MerchantReturnEnumeration,
  https://schema.org/ReturnMethodEnumeration, https://schema.org/ReturnFeesEnumeration,
  https://schema.org/DayOfWeek, https://schema.org/Store.
- GS1's check digit: https://www.gs1.org/services/how-calculate-check-digit-manually

Enumeration values must be written as full schema.org URLs here (Google also reads short
names; we hold our pages to the canonical form). Prices are a number, or a string of digits
with a dot for decimals: no currency symbol, no thousands separator.
"""

from __future__ import annotations

import re
from typing import Any

SCHEMA = "https://schema.org/"
AVAILABILITY = {
    "BackOrder", "Discontinued", "InStock", "InStoreOnly", "LimitedAvailability",
    "MadeToOrder", "OnlineOnly", "OutOfStock", "PreOrder", "PreSale", "Reserved", "SoldOut",
}  # fmt: skip
CONDITIONS = {"NewCondition", "UsedCondition", "RefurbishedCondition", "DamagedCondition"}
RETURN_CATEGORIES = {
    "MerchantReturnFiniteReturnWindow",
    "MerchantReturnNotPermitted",
    "MerchantReturnUnlimitedWindow",
}
RETURN_METHODS = {"ReturnAtKiosk", "ReturnByMail", "ReturnInStore"}
RETURN_FEES = {"FreeReturn", "ReturnFeesCustomerResponsibility", "ReturnShippingFees"}
VARIES_BY = {"size", "color", "material", "pattern", "suggestedAge", "suggestedGender"}
DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
DELIVERY_METHODS = {"OnSitePickup", "ParcelService", "LockerDelivery"}
LOCAL_BUSINESS = {"Store", "LocalBusiness", "SportingGoodsStore", "ShoeStore", "ClothingStore"}
CURRENCY = re.compile(r"^[A-Z]{3}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
PRICE = re.compile(r"^\d+(\.\d+)?$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
URL = re.compile(r"^https?://[^\s/]+\S*$")


def problems(document: dict[str, Any]) -> list[str]:
    """Every requirement `document` (one JSON-LD block) fails, each as "path: what"."""
    found: list[str] = []
    if document.get("@context") not in ("https://schema.org", "https://schema.org/"):
        found.append("@context: not https://schema.org")
    kind = document.get("@type")
    if kind == "ProductGroup":
        _product_group(document, "ProductGroup", found)
    elif kind == "Product":
        _product(document, "Product", found)
    elif kind in LOCAL_BUSINESS:
        _local_business(document, str(kind), found)
    else:
        found.append(f"@type: {kind!r} is not a type these pages publish")
    return found


def is_valid_gtin(code: Any) -> bool:
    """GS1: from the right, digits weigh 3, 1, 3…; the check digit tops the sum up to ten."""
    if not isinstance(code, str) or not re.fullmatch(r"\d{8}|\d{12,14}", code):
        return False
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(code[:-1])))
    return (10 - total % 10) % 10 == int(code[-1])


# --- products -------------------------------------------------------------------------------


def _product_group(group: dict[str, Any], path: str, found: list[str]) -> None:
    _required_text(group, "name", path, found)
    group_id = group.get("productGroupID")
    variants = group.get("hasVariant")
    if not isinstance(variants, list) or not variants:
        found.append(f"{path}.hasVariant: a ProductGroup lists its variants")
        variants = []
    varies_by = group.get("variesBy", [])
    if not isinstance(varies_by, list):
        varies_by = [varies_by]
    names = []
    for value in varies_by:
        name = _enum_name(value)
        if name not in VARIES_BY:
            found.append(f"{path}.variesBy: {value!r} is not a property URL Google reads")
        else:
            names.append(name)
    if len(variants) > 1 and not names:
        found.append(f"{path}.variesBy: several variants but nothing they vary by")
    ids: set[str] = set()
    for index, variant in enumerate(variants):
        where = f"{path}.hasVariant[{index}]"
        if variant.get("@type") != "Product":
            found.append(f"{where}.@type: a variant is a Product")
            continue
        _product(variant, where, found)
        in_group = variant.get("inProductGroupWithID")
        if not group_id and not in_group:
            found.append(f"{where}: no productGroupID on the group nor inProductGroupWithID")
        if group_id and in_group and in_group != group_id:
            found.append(f"{where}.inProductGroupWithID: {in_group!r} is not {group_id!r}")
        for name in names:
            if not variant.get(name):
                found.append(f"{where}.{name}: the group varies by it, the variant has none")
        key = variant.get("sku") or variant.get("gtin13") or variant.get("gtin")
        if not key:
            found.append(f"{where}: a variant needs its own id (sku or GTIN)")
        elif key in ids:
            found.append(f"{where}: id {key!r} is used by another variant")
        else:
            ids.add(key)
    if "brand" in group:
        _brand(group["brand"], f"{path}.brand", found)


def _product(product: dict[str, Any], path: str, found: list[str]) -> None:
    _required_text(product, "name", path, found)
    images = product.get("image")
    images = images if isinstance(images, list) else [images] if images else []
    if not images:
        found.append(f"{path}.image: required")
    for image in images:
        url = image.get("url") if isinstance(image, dict) else image
        if not isinstance(url, str) or not URL.match(url):
            found.append(f"{path}.image: {url!r} is not an absolute URL")
    for gtin_key in ("gtin", "gtin8", "gtin12", "gtin13", "gtin14"):
        if gtin_key in product:
            code = product[gtin_key]
            length = {"gtin8": 8, "gtin12": 12, "gtin13": 13, "gtin14": 14}.get(gtin_key)
            if not is_valid_gtin(code) or (length and len(code) != length):
                found.append(f"{path}.{gtin_key}: {code!r} is not a valid {gtin_key.upper()}")
    if "brand" in product:
        _brand(product["brand"], f"{path}.brand", found)
    offers = product.get("offers")
    offers = offers if isinstance(offers, list) else [offers] if offers else []
    if not offers:
        found.append(f"{path}.offers: required")
    for index, offer in enumerate(offers):
        _offer(offer, f"{path}.offers[{index}]", found)
    online = [o for o in offers if isinstance(o, dict) and "availableAtOrFrom" not in o]
    if offers and not online:
        found.append(f"{path}.offers: no online offer (only offers in stores)")
    for offer in online:
        where = f"{path}.offers[{offers.index(offer)}]"
        if "shippingDetails" not in offer:
            found.append(f"{where}.shippingDetails: recommended, and we publish it")
        if "hasMerchantReturnPolicy" not in offer:
            found.append(f"{where}.hasMerchantReturnPolicy: recommended, and we publish it")


def _brand(brand: Any, path: str, found: list[str]) -> None:
    if not isinstance(brand, dict) or brand.get("@type") not in ("Brand", "Organization"):
        found.append(f"{path}: a Brand (or Organization) with a name")
    elif not brand.get("name"):
        found.append(f"{path}.name: required")


def _offer(offer: Any, path: str, found: list[str]) -> None:
    if not isinstance(offer, dict) or offer.get("@type") != "Offer":
        found.append(f"{path}.@type: an Offer")
        return
    specification = offer.get("priceSpecification") or {}
    price = offer.get("price", specification.get("price"))
    if price is None:
        found.append(f"{path}.price: required (or priceSpecification.price)")
    elif isinstance(price, bool) or not (
        isinstance(price, int | float) or (isinstance(price, str) and PRICE.match(price))
    ):
        found.append(f"{path}.price: {price!r} is not a plain number")
    elif float(price) <= 0:
        found.append(f"{path}.price: {price!r} is not above zero")
    currency = offer.get("priceCurrency", specification.get("priceCurrency"))
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        found.append(f"{path}.priceCurrency: {currency!r} is not an ISO 4217 code")
    _enum(offer, "availability", AVAILABILITY, path, found, required=True)
    _enum(offer, "itemCondition", CONDITIONS, path, found, required=True)
    if "availableDeliveryMethod" in offer:
        _enum(offer, "availableDeliveryMethod", DELIVERY_METHODS, path, found)
    if "availableAtOrFrom" in offer:
        place = offer["availableAtOrFrom"]
        if not isinstance(place, dict) or place.get("@type") not in LOCAL_BUSINESS | {"Place"}:
            found.append(f"{path}.availableAtOrFrom: a Store or Place")
        elif not place.get("name") and not place.get("@id"):
            found.append(f"{path}.availableAtOrFrom: names the store or points to it (@id)")
    details = offer.get("shippingDetails", [])
    for index, detail in enumerate(details if isinstance(details, list) else [details]):
        _shipping(detail, f"{path}.shippingDetails[{index}]", found)
    if "hasMerchantReturnPolicy" in offer:
        _return_policy(offer["hasMerchantReturnPolicy"], f"{path}.hasMerchantReturnPolicy", found)


def _shipping(detail: Any, path: str, found: list[str]) -> None:
    if not isinstance(detail, dict) or detail.get("@type") != "OfferShippingDetails":
        found.append(f"{path}.@type: an OfferShippingDetails")
        return
    rate = detail.get("shippingRate")
    if not isinstance(rate, dict) or rate.get("@type") != "MonetaryAmount":
        found.append(f"{path}.shippingRate: a MonetaryAmount")
    else:
        value = rate.get("value")
        if not (isinstance(value, int | float) or (isinstance(value, str) and PRICE.match(value))):
            found.append(f"{path}.shippingRate.value: {value!r} is not a plain number")
        if not isinstance(rate.get("currency"), str) or not CURRENCY.match(rate["currency"]):
            found.append(f"{path}.shippingRate.currency: not an ISO 4217 code")
    destination = detail.get("shippingDestination")
    if not isinstance(destination, dict) or destination.get("@type") != "DefinedRegion":
        found.append(f"{path}.shippingDestination: a DefinedRegion")
    elif not COUNTRY.match(str(destination.get("addressCountry", ""))):
        found.append(f"{path}.shippingDestination.addressCountry: an ISO 3166-1 alpha-2 code")
    time = detail.get("deliveryTime")
    if not isinstance(time, dict) or time.get("@type") != "ShippingDeliveryTime":
        found.append(f"{path}.deliveryTime: a ShippingDeliveryTime")
        return
    for part in ("handlingTime", "transitTime"):
        _days(time.get(part), f"{path}.deliveryTime.{part}", found)


def _days(value: Any, path: str, found: list[str]) -> None:
    if not isinstance(value, dict) or value.get("@type") != "QuantitativeValue":
        found.append(f"{path}: a QuantitativeValue")
        return
    if value.get("unitCode") not in ("DAY", "d"):
        found.append(f"{path}.unitCode: days (DAY or d)")
    low, high = value.get("minValue"), value.get("maxValue")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (low, high)):
        found.append(f"{path}: minValue and maxValue are whole days, not negative")
    elif low > high:
        found.append(f"{path}: minValue {low} is above maxValue {high}")


def _return_policy(policy: Any, path: str, found: list[str]) -> None:
    if not isinstance(policy, dict) or policy.get("@type") != "MerchantReturnPolicy":
        found.append(f"{path}.@type: a MerchantReturnPolicy")
        return
    countries = policy.get("applicableCountry")
    countries = countries if isinstance(countries, list) else [countries]
    if not all(isinstance(c, str) and COUNTRY.match(c) for c in countries):
        found.append(f"{path}.applicableCountry: ISO 3166-1 alpha-2 codes")
    category = _enum(policy, "returnPolicyCategory", RETURN_CATEGORIES, path, found, required=True)
    if category == "MerchantReturnNotPermitted":
        return
    days = policy.get("merchantReturnDays")
    if category == "MerchantReturnFiniteReturnWindow" and not (
        isinstance(days, int) and not isinstance(days, bool) and days > 0
    ):
        found.append(f"{path}.merchantReturnDays: a finite window has its number of days")
    methods = policy.get("returnMethod", [])
    for method in methods if isinstance(methods, list) else [methods]:
        if _enum_name(method) not in RETURN_METHODS:
            found.append(f"{path}.returnMethod: {method!r} is not a ReturnMethodEnumeration URL")
    fees = _enum(policy, "returnFees", RETURN_FEES, path, found, required=True)
    if fees == "ReturnShippingFees" and "returnShippingFeesAmount" not in policy:
        found.append(f"{path}.returnShippingFeesAmount: says what shipping a return costs")


# --- stores ---------------------------------------------------------------------------------


def _local_business(store: dict[str, Any], path: str, found: list[str]) -> None:
    _required_text(store, "name", path, found)
    address = store.get("address")
    if not isinstance(address, dict) or address.get("@type") != "PostalAddress":
        found.append(f"{path}.address: a PostalAddress is required")
    else:
        for key in ("streetAddress", "addressLocality", "postalCode"):
            _required_text(address, key, f"{path}.address", found)
        if not COUNTRY.match(str(address.get("addressCountry", ""))):
            found.append(f"{path}.address.addressCountry: an ISO 3166-1 alpha-2 code")
    geo = store.get("geo")
    if not isinstance(geo, dict) or geo.get("@type") != "GeoCoordinates":
        found.append(f"{path}.geo: GeoCoordinates recommended, and we publish them")
    else:
        for key, limit in (("latitude", 90), ("longitude", 180)):
            value = geo.get(key)
            if not isinstance(value, int | float) or isinstance(value, bool) or abs(value) > limit:
                found.append(f"{path}.geo.{key}: {value!r} is not a number within ±{limit}")
    phone = store.get("telephone")
    if phone is not None and not PHONE.match(str(phone)):
        found.append(f"{path}.telephone: {phone!r} lacks the country code (E.164)")
    hours = store.get("openingHoursSpecification", [])
    if not hours:
        found.append(f"{path}.openingHoursSpecification: recommended, and we publish it")
    for index, spec in enumerate(hours):
        where = f"{path}.openingHoursSpecification[{index}]"
        if spec.get("@type") != "OpeningHoursSpecification":
            found.append(f"{where}.@type: an OpeningHoursSpecification")
        _enum(spec, "dayOfWeek", DAYS, where, found, required=True)
        _times(spec, where, found)
    for index, spec in enumerate(store.get("specialOpeningHoursSpecification", [])):
        where = f"{path}.specialOpeningHoursSpecification[{index}]"
        for key in ("validFrom", "validThrough"):
            if not DATE.match(str(spec.get(key, ""))):
                found.append(f"{where}.{key}: a date YYYY-MM-DD")
        _times(spec, where, found)


def _times(spec: dict[str, Any], path: str, found: list[str]) -> None:
    for key in ("opens", "closes"):
        if not TIME.match(str(spec.get(key, ""))):
            found.append(f"{path}.{key}: {spec.get(key)!r} is not hh:mm[:ss]")


# --- helpers --------------------------------------------------------------------------------


def _required_text(data: dict[str, Any], key: str, path: str, found: list[str]) -> None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        found.append(f"{path}.{key}: required")


def _enum_name(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(SCHEMA):
        return value.removeprefix(SCHEMA)
    return None


def _enum(
    data: dict[str, Any],
    key: str,
    allowed: set[str],
    path: str,
    found: list[str],
    *,
    required: bool = False,
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            found.append(f"{path}.{key}: required")
        return None
    name = _enum_name(value)
    if name not in allowed:
        found.append(f"{path}.{key}: {value!r} is not one of schema.org's {sorted(allowed)[:3]}…")
        return None
    return name

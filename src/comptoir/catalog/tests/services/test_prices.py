from decimal import Decimal

import pytest

from comptoir.catalog.domain import ResolvedPrice
from comptoir.catalog.errors import InvalidPrice, PriceNotFound, UnknownStore, VariantNotFound
from comptoir.catalog.models import Price, Variant
from comptoir.catalog.selectors import price_for, prices_for_skus
from comptoir.catalog.services.prices import set_price
from comptoir.catalog.tests.factories import make_product
from comptoir.core.models import OutboxEvent
from comptoir.locations.tests.factories import make_store

pytestmark = pytest.mark.django_db

CHANNELS = ["web", "app", "store", "call_centre", "marketplace"]


def test_one_price_in_every_channel_and_every_store_by_default():
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    make_product(skus=["JACKET-S"], price="89.90")

    prices = {
        (channel, store.code): price_for(sku="JACKET-S", channel=channel, location_id=store.pk)
        for channel in CHANNELS
        for store in (lyon, paris)
    }

    assert set(prices.values()) == {ResolvedPrice(Decimal("89.90"), "EUR", "base")}
    assert price_for(sku="JACKET-S") == ResolvedPrice(Decimal("89.90"), "EUR", "base")


def test_a_store_override_wins_in_that_store_only():
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    make_product(skus=["JACKET-S"], price="89.90")

    set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79.90"), reason="concurrent")

    in_lyon = price_for(sku="JACKET-S", channel="store", location_id=lyon.pk)
    assert in_lyon == ResolvedPrice(Decimal("79.90"), "EUR", "store:lyon-part-dieu", "concurrent")
    assert price_for(sku="JACKET-S", channel="store", location_id=paris.pk).source == "base"
    assert price_for(sku="JACKET-S", channel="web").source == "base"


def test_the_most_specific_override_wins():
    lyon = make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"], price="89.90")
    set_price(sku="JACKET-S", channel="app", amount=Decimal("84.90"), reason="prix appli")
    set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79.90"), reason="local")
    set_price(
        sku="JACKET-S",
        channel="app",
        store="lyon-part-dieu",
        amount=Decimal("74.90"),
        reason="appli en magasin",
    )

    def source(channel, location_id=None):
        return price_for(sku="JACKET-S", channel=channel, location_id=location_id).source

    assert source("web") == "base"
    assert source("app") == "channel:app"
    assert source("web", lyon.pk) == "store:lyon-part-dieu"
    assert source("app", lyon.pk) == "channel+store:app/lyon-part-dieu"


def test_setting_a_price_again_replaces_the_rule_and_says_so():
    make_product(skus=["JACKET-S"], price="89.90")

    first = set_price(sku="JACKET-S", channel="web", amount=Decimal("84.90"), reason="soldes")
    second = set_price(sku="JACKET-S", channel="web", amount=Decimal("79.90"), reason="soldes -2")
    base = set_price(sku="JACKET-S", amount=Decimal("99.90"))

    assert (first.created, second.created, base.created) == (True, False, False)
    assert (second.source, base.source) == ("channel:web", "base")
    assert sorted(Price.objects.values_list("channel", "amount")) == [
        ("", Decimal("99.90")),
        ("web", Decimal("79.90")),
    ]
    assert [e.payload["amount"] for e in OutboxEvent.objects.filter(type="price.set")] == [
        "84.90",
        "79.90",
        "99.90",
    ]


def test_an_override_must_say_why():
    make_store("lyon-part-dieu")
    make_product(skus=["JACKET-S"])

    with pytest.raises(InvalidPrice) as refused:
        set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79.90"), reason=" ")

    assert refused.value.errors == [{"field": "reason", "message": "say why this price differs"}]
    assert Price.objects.count() == 1


def test_a_price_for_an_unknown_store_or_a_warehouse_is_refused():
    make_store("entrepot-lyon", kind="warehouse")
    make_product(skus=["JACKET-S"])

    for code in ("no-such-store", "entrepot-lyon"):
        with pytest.raises(UnknownStore):
            set_price(sku="JACKET-S", store=code, amount=Decimal("1"), reason="test")


def test_an_unknown_sku_has_no_price_and_a_sku_without_a_rule_here_neither():
    make_product(skus=["JACKET-S"])
    Price.objects.all().delete()
    set_price(sku="JACKET-S", channel="web", amount=Decimal("84.90"), reason="web only")

    with pytest.raises(VariantNotFound):
        price_for(sku="NO-SUCH-SKU", channel="web")
    with pytest.raises(PriceNotFound):
        price_for(sku="JACKET-S", channel="app")
    assert price_for(sku="JACKET-S", channel="web").amount == Decimal("84.90")


def test_an_orders_prices_are_the_prices_each_sku_has_alone_in_every_channel_and_store():
    # prices_for_skus is written out in SQL for the order's hot path; price_for is its twin.
    lyon, paris = make_store("lyon-part-dieu"), make_store("paris-rivoli")
    make_product(skus=["JACKET-S", "JACKET-M", "JACKET-L"], price="89.00")
    set_price(sku="JACKET-S", channel="app", amount=Decimal("84.9"), reason="prix appli")
    set_price(sku="JACKET-S", store="lyon-part-dieu", amount=Decimal("79"), reason="local")
    set_price(
        sku="JACKET-S", channel="app", store="lyon-part-dieu", amount=Decimal("74.90"), reason="x"
    )
    set_price(sku="JACKET-M", store="paris-rivoli", amount=Decimal("0"), reason="destockage")
    skus = ["JACKET-S", "JACKET-M", "JACKET-L"]
    variant_ids = dict(Variant.objects.values_list("sku", "pk"))

    for channel in [None, *CHANNELS]:
        for store_id in (None, lyon.pk, paris.pk):
            together = prices_for_skus(skus=skus, channel=channel, location_id=store_id)
            alone = {
                sku: (variant_ids[sku], price_for(sku=sku, channel=channel, location_id=store_id))
                for sku in skus
            }
            assert together == alone, (channel, store_id)
            assert {str(price.amount) for _, price in together.values()} <= {
                "89.00",
                "84.90",
                "79.00",
                "74.90",
                "0.00",
            }


def test_an_order_of_an_unknown_sku_or_one_without_a_price_here_is_refused():
    make_product(skus=["JACKET-S", "JACKET-M"])
    Price.objects.filter(variant__sku="JACKET-M").delete()
    set_price(sku="JACKET-M", channel="web", amount=Decimal("84.90"), reason="web only")

    with pytest.raises(VariantNotFound):
        prices_for_skus(skus=["JACKET-S", "NO-SUCH-SKU"], channel="web")
    with pytest.raises(PriceNotFound):
        prices_for_skus(skus=["JACKET-S", "JACKET-M"], channel="app")
    assert prices_for_skus(skus=[], channel="web") == {}
    assert prices_for_skus(skus=["JACKET-M"], channel="web")["JACKET-M"][1].amount == Decimal(
        "84.90"
    )

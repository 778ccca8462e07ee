"""Properties of the pricing engine over random baskets, contexts and rule sets (Hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.pricing.domain import (
    EXCLUSIVE,
    AmountOff,
    BasketLine,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    FreeDelivery,
    PercentOff,
    PricingContext,
    Promotion,
    RuleBook,
    Scope,
    Targeting,
    TieredSpend,
    price_basket,
    price_basket_naive,
)

TODAY = date(2026, 12, 7)
SKUS = ["RETRO-CLOCK", "MUG-BLUE", "DESK-LAMP", "TEA-TIN", "SCARF-RED"]
PRODUCTS = ["clock", "mug", "lamp", "tea"]
CATEGORIES = ["home", "kitchen", "fashion"]
BRANDS = ["Horlogia", "Faience", "Lumen"]
STORES = ["LYON-PART-DIEU", "VILLEURBANNE", "PARIS-HALLES"]
GROUPS = [EXCLUSIVE, "winter", "club"]

money = st.integers(min_value=0, max_value=20_000).map(lambda c: Decimal(c) / 100)
small_money = st.integers(min_value=1, max_value=5_000).map(lambda c: Decimal(c) / 100)
subset = lambda values: st.frozensets(st.sampled_from(values), max_size=2)  # noqa: E731

lines_strategy = st.lists(
    st.builds(
        BasketLine,
        sku=st.sampled_from(SKUS),
        product=st.sampled_from(PRODUCTS),
        category=st.sampled_from(CATEGORIES),
        brand=st.sampled_from(BRANDS),
        quantity=st.integers(min_value=1, max_value=6),
        unit_price=money,
    ),
    min_size=1,
    max_size=8,
)

offers = st.one_of(
    st.builds(PercentOff, st.integers(1, 100).map(Decimal)),
    st.builds(AmountOff, small_money),
    st.builds(FixedPrice, small_money),
    st.builds(BuyXGetY, st.integers(1, 3), st.integers(1, 2)),
    st.builds(
        BundlePrice,
        st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 2)),
            min_size=1,
            max_size=3,
            unique_by=lambda c: c[0],
        ).map(tuple),
        small_money,
    ),
    st.builds(
        TieredSpend, st.lists(st.tuples(money, small_money), min_size=1, max_size=3).map(tuple)
    ),
    st.builds(FreeDelivery, money),
)

targetings = st.builds(
    Targeting,
    channels=subset(["web", "till", "app"]),
    stores=subset(STORES),
    radius_stores=st.none() | subset(STORES),
    segments=subset(["students", "staff"]),
    tiers=subset(["silver", "gold"]),
    while_local_stock_lasts=st.booleans(),
)


@st.composite
def promotion_lists(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    promotions = []
    for n in range(count):
        promotions.append(
            Promotion(
                id=f"P{n:02d}",
                offer=draw(offers),
                scope=draw(
                    st.builds(
                        Scope,
                        skus=subset(SKUS),
                        products=subset(PRODUCTS),
                        categories=subset(CATEGORIES),
                        brands=subset(BRANDS),
                    )
                ),
                targeting=draw(targetings | st.just(Targeting())),
                starts=draw(st.none() | st.integers(-3, 3).map(lambda d: TODAY + timedelta(d))),
                ends=draw(st.none() | st.integers(-3, 3).map(lambda d: TODAY + timedelta(d))),
                priority=draw(st.integers(0, 3)),
                stacking=draw(st.sampled_from(GROUPS)),
                coupon_code=draw(st.none() | st.sampled_from(["NOEL", "BIENVENUE"])),
                per_customer_cap=draw(st.none() | st.integers(0, 2)),
                budget_remaining=draw(st.none() | money),
            )
        )
    return promotions


contexts = st.builds(
    PricingContext,
    channel=st.sampled_from(["web", "till", "app"]),
    today=st.just(TODAY),
    store_id=st.none() | st.sampled_from(STORES),
    segments=subset(["students", "staff"]),
    tier=st.none() | st.sampled_from(["silver", "gold"]),
    local_stock=st.dictionaries(st.sampled_from(SKUS), st.integers(0, 5)),
    coupon_codes=subset(["noel", "BIENVENUE", "OTHER"]),
    customer_uses=st.dictionaries(
        st.sampled_from([f"P{n:02d}" for n in range(12)]), st.integers(0, 3)
    ),
    delivery_fee=st.sampled_from([Decimal("0.00"), Decimal("4.90")]),
)


@settings(max_examples=150, deadline=None)
@given(lines=lines_strategy, promotions=promotion_lists(), context=contexts)
def test_amounts_never_go_below_zero_and_add_up(lines, promotions, context):
    result = price_basket(RuleBook(promotions), lines, context)

    assert result.total >= 0
    for line in result.lines:
        assert line.amount >= 0
        assert line.amount == line.amount_before - sum(r.amount for r in line.rules)
        assert all(r.amount > 0 for r in line.rules)
    assert result.total == sum(line.amount for line in result.lines) + result.delivery_fee
    assert result.subtotal - result.line_discount - result.basket_discount == sum(
        line.amount for line in result.lines
    )


@settings(max_examples=150, deadline=None)
@given(lines=lines_strategy, promotions=promotion_lists(), context=contexts)
def test_caps_and_budgets_are_never_exceeded(lines, promotions, context):
    result = price_basket(RuleBook(promotions), lines, context)

    for promotion in promotions:
        given_away = result.rule_totals.get(promotion.id, Decimal(0))
        if promotion.budget_remaining is not None:
            assert given_away <= promotion.budget_remaining
        cap = promotion.per_customer_cap
        if cap is not None and context.customer_uses.get(promotion.id, 0) >= cap:
            assert given_away == 0


@settings(max_examples=150, deadline=None)
@given(lines=lines_strategy, promotions=promotion_lists(), context=contexts)
def test_stacking_rules_hold_on_every_line(lines, promotions, context):
    stacking = {p.id: p.stacking for p in promotions}
    result = price_basket(RuleBook(promotions), lines, context)

    for line in result.lines:
        groups = [stacking[r.rule_id] for r in line.rules]
        if EXCLUSIVE in groups:
            assert len(groups) == 1  # an exclusive rule stands alone
        assert len(set(groups)) <= 1  # otherwise one group's rules only
        assert len({r.rule_id for r in line.rules}) == len(line.rules)  # each rule once


@settings(max_examples=150, deadline=None)
@given(
    lines=lines_strategy,
    promotions=promotion_lists(),
    context=contexts,
    data=st.data(),
)
def test_the_order_rules_are_given_in_changes_nothing(lines, promotions, context, data):
    shuffled = data.draw(st.permutations(promotions))

    expected = price_basket(RuleBook(promotions), lines, context)
    assert price_basket(RuleBook(shuffled), lines, context) == expected
    assert price_basket_naive(shuffled, lines, context) == expected  # nor does the index

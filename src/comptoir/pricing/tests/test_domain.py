"""Table tests of the pricing engine: each kind of rule, each targeting condition, stacking,
caps, budgets and the rounding rule. Pure: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

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
    allocate,
    price_basket,
    price_basket_naive,
)

TODAY = date(2026, 12, 7)
CLOCK = BasketLine("RETRO-CLOCK", "retro-clock", "home", "Horlogia", 2, D("30.00"))
MUG = BasketLine("MUG-BLUE", "mug", "kitchen", "Faience", 3, D("9.99"))
LAMP = BasketLine("DESK-LAMP", "desk-lamp", "home", "Lumen", 1, D("45.00"))
BASKET = (CLOCK, MUG, LAMP)  # 60.00 + 29.97 + 45.00 = 134.97
WEB = PricingContext(channel="web", today=TODAY, delivery_fee=D("4.90"))
LYON = PricingContext(
    channel="till",
    today=TODAY,
    store_id="LYON-PART-DIEU",
    segments=frozenset({"students"}),
    tier="gold",
    local_stock={"RETRO-CLOCK": 1, "MUG-BLUE": 10},
)


def priced(promotions, lines=BASKET, context=WEB):
    result = price_basket(RuleBook(promotions), lines, context)
    assert result == price_basket_naive(promotions, lines, context)  # the index changes nothing
    return result


def amounts(result):
    return [line.amount for line in result.lines]


@pytest.mark.parametrize(
    ("offer", "scope", "expected_lines", "expected_total"),
    [
        pytest.param(
            PercentOff(D("10")),
            Scope(),
            [D("54.00"), D("26.97"), D("40.50")],
            D("126.37"),
            id="percent_off_everything_case",
        ),
        pytest.param(
            AmountOff(D("5.00")),
            Scope(categories=frozenset({"home"})),
            [D("50.00"), D("29.97"), D("40.00")],
            D("124.87"),
            id="amount_off_each_unit_case",
        ),
        pytest.param(
            AmountOff(D("50.00")),
            Scope(brands=frozenset({"Horlogia"})),
            [D("0.00"), D("29.97"), D("45.00")],
            D("79.87"),
            id="amount_off_stops_at_zero_case",
        ),
        pytest.param(
            FixedPrice(D("7.50")),
            Scope(skus=frozenset({"MUG-BLUE"})),
            [D("60.00"), D("22.50"), D("45.00")],
            D("132.40"),
            id="fixed_price_case",
        ),
        pytest.param(
            FixedPrice(D("99.00")),
            Scope(products=frozenset({"desk-lamp"})),
            [D("60.00"), D("29.97"), D("45.00")],
            D("139.87"),
            id="fixed_price_above_the_price_gives_nothing_case",
        ),
        pytest.param(
            BuyXGetY(2, 1),
            Scope(categories=frozenset({"home"})),
            # units dearest first: lamp 45, clock 30, clock 30 -> one clock free
            [D("30.00"), D("29.97"), D("45.00")],
            D("109.87"),
            id="buy_two_get_cheapest_free_case",
        ),
        pytest.param(
            BuyXGetY(1, 1),
            Scope(skus=frozenset({"MUG-BLUE"})),
            [D("60.00"), D("19.98"), D("45.00")],
            D("129.88"),
            id="buy_one_get_one_leaves_the_odd_unit_case",
        ),
        pytest.param(
            BundlePrice((("RETRO-CLOCK", 1), ("DESK-LAMP", 1)), D("60.00")),
            Scope(),
            # one bundle (75.00 -> 60.00): the 15.00 shared 30:45 -> 6.00 and 9.00
            [D("54.00"), D("29.97"), D("36.00")],
            D("124.87"),
            id="bundle_price_case",
        ),
        pytest.param(
            TieredSpend(((D("50"), D("5")), (D("100"), D("15")), (D("200"), D("40")))),
            Scope(),
            # 134.97 reaches the 100 tier: 15.00 shared by spend, largest remainder
            [D("53.33"), D("26.64"), D("40.00")],
            D("124.87"),
            id="tiered_spend_case",
        ),
    ],
)
def test_each_kind_of_rule(offer, scope, expected_lines, expected_total):
    result = priced([Promotion("promo", offer, scope=scope)])

    assert amounts(result) == expected_lines
    assert result.total == expected_total
    assert result.total == sum(amounts(result)) + result.delivery_fee


def test_every_line_says_which_rules_made_its_price():
    result = priced(
        [
            Promotion("ten-off", PercentOff(D("10")), stacking="winter"),
            Promotion("spend-100", TieredSpend(((D("100"), D("10")),)), stacking="winter"),
        ]
    )

    clock = result.lines[0]
    assert [(r.rule_id, r.amount) for r in clock.rules] == [
        ("ten-off", D("6.00")),
        ("spend-100", D("4.45")),
    ]
    assert clock.amount == clock.amount_before - sum(r.amount for r in clock.rules)
    assert result.line_discount == D("13.50")
    assert result.basket_discount == D("10.00")
    assert result.rule_totals == {"spend-100": D("10.00"), "ten-off": D("13.50")}


@pytest.mark.parametrize(
    ("fee", "minimum", "expected_fee", "applied"),
    [
        pytest.param(D("4.90"), D("100"), D("0.00"), True, id="spend_reached_case"),
        pytest.param(D("4.90"), D("150"), D("4.90"), False, id="spend_not_reached_case"),
        pytest.param(D("0.00"), D("0"), D("0.00"), False, id="collected_in_store_case"),
    ],
)
def test_free_delivery(fee, minimum, expected_fee, applied):
    context = PricingContext(channel="web", today=TODAY, delivery_fee=fee)
    result = priced([Promotion("free-ship", FreeDelivery(minimum))], context=context)

    assert result.delivery_fee == expected_fee
    assert (result.free_delivery is not None) is applied
    assert result.total == D("134.97") + expected_fee


TEN_OFF = PercentOff(D("10"))


@pytest.mark.parametrize(
    ("promotion", "context", "applies"),
    [
        pytest.param(Promotion("p", TEN_OFF, starts=TODAY), LYON, True, id="starts_today_case"),
        pytest.param(
            Promotion("p", TEN_OFF, starts=date(2026, 12, 8)), LYON, False, id="not_started_case"
        ),
        pytest.param(
            Promotion("p", TEN_OFF, ends=date(2026, 12, 6)), LYON, False, id="ended_yesterday_case"
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(channels=frozenset({"till"}))),
            LYON,
            True,
            id="channel_in_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(channels=frozenset({"web"}))),
            LYON,
            False,
            id="channel_out_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(stores=frozenset({"PARIS"}))),
            LYON,
            False,
            id="other_store_case",
        ),
        pytest.param(
            Promotion(
                "p",
                TEN_OFF,
                targeting=Targeting(radius_stores=frozenset({"LYON-PART-DIEU", "VILLEURBANNE"})),
            ),
            LYON,
            True,
            id="store_inside_radius_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(radius_stores=frozenset())),
            LYON,
            False,
            id="store_outside_radius_case",
        ),
        pytest.param(
            Promotion(
                "p", TEN_OFF, targeting=Targeting(radius_stores=frozenset({"LYON-PART-DIEU"}))
            ),
            WEB,
            False,
            id="no_store_chosen_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(segments=frozenset({"students", "staff"}))),
            LYON,
            True,
            id="segment_in_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(segments=frozenset({"staff"}))),
            LYON,
            False,
            id="segment_out_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(tiers=frozenset({"gold"}))),
            LYON,
            True,
            id="tier_in_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, targeting=Targeting(tiers=frozenset({"platinum"}))),
            LYON,
            False,
            id="tier_out_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, coupon_code="NOEL"), LYON, False, id="coupon_not_entered_case"
        ),
        pytest.param(
            Promotion("p", TEN_OFF, coupon_code="NOEL"),
            PricingContext(channel="web", today=TODAY, coupon_codes=frozenset({" noel "})),
            True,
            id="coupon_entered_any_case_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, per_customer_cap=2),
            PricingContext(channel="web", today=TODAY, customer_uses={"p": 1}),
            True,
            id="cap_not_reached_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, per_customer_cap=2),
            PricingContext(channel="web", today=TODAY, customer_uses={"p": 2}),
            False,
            id="cap_reached_case",
        ),
        pytest.param(
            Promotion("p", TEN_OFF, budget_remaining=D("0.00")), LYON, False, id="budget_spent_case"
        ),
    ],
)
def test_targeting(promotion, context, applies):
    result = priced([promotion], context=context)

    assert (result.total < D("134.97")) is applies
    assert ("p" in result.rule_totals) is applies


def test_while_local_stock_lasts_discounts_only_the_units_the_store_holds():
    # Lyon holds 1 clock of the 2 and 10 mugs: one clock and the 3 mugs at -10 %.
    promotion = Promotion(
        "lyon-10",
        TEN_OFF,
        targeting=Targeting(
            radius_stores=frozenset({"LYON-PART-DIEU"}), while_local_stock_lasts=True
        ),
    )
    result = priced([promotion], context=LYON)

    assert amounts(result) == [D("57.00"), D("26.97"), D("45.00")]  # the lamp: no stock there


def test_the_promotion_disappears_when_the_store_sells_out():
    promotion = Promotion("lyon-10", TEN_OFF, targeting=Targeting(while_local_stock_lasts=True))
    sold_out = PricingContext(channel="till", today=TODAY, store_id="LYON-PART-DIEU")

    assert priced([promotion], context=sold_out).total == D("134.97")


def test_a_budget_caps_what_a_rule_gives():
    result = priced([Promotion("p", TEN_OFF, budget_remaining=D("5.00"))])

    assert result.rule_totals == {"p": D("5.00")}
    assert result.total == D("129.97") + D("4.90")  # and the delivery fee


def test_an_exclusive_rule_keeps_its_lines_to_itself():
    result = priced(
        [
            Promotion(
                "clock-half",
                PercentOff(D("50")),
                scope=Scope(skus=frozenset({"RETRO-CLOCK"})),
                priority=10,
                stacking=EXCLUSIVE,
            ),
            Promotion("all-10", TEN_OFF, stacking="winter"),
            Promotion("all-5", AmountOff(D("1.00")), stacking="winter"),
        ]
    )

    assert [[r.rule_id for r in line.rules] for line in result.lines] == [
        ["clock-half"],
        ["all-10", "all-5"],  # the same group stacks
        ["all-10", "all-5"],
    ]


def test_rules_of_two_groups_do_not_stack_on_a_line():
    result = priced(
        [
            Promotion("a-winter", TEN_OFF, stacking="winter"),
            Promotion("b-club", AmountOff(D("1.00")), stacking="club", priority=5),
        ]
    )

    assert [[r.rule_id for r in line.rules] for line in result.lines] == [["b-club"]] * 3


def test_an_exclusive_rule_does_not_join_a_line_already_discounted():
    result = priced(
        [
            Promotion("a-all", TEN_OFF, stacking="winter", priority=5),
            Promotion("b-clock", PercentOff(D("50")), scope=Scope(skus=frozenset({"RETRO-CLOCK"}))),
        ]
    )

    assert "b-clock" not in result.rule_totals


def test_rounding_splits_a_rule_by_largest_remainder():
    # Three lines of 0.01: 10 % is 0.003 in all, which rounds to 0.00: nobody pays less.
    cents = [BasketLine(f"PIN-{n}", "pin", "misc", "X", 1, D("0.01")) for n in range(3)]
    assert priced([Promotion("p", TEN_OFF)], lines=cents, context=LYON).total == D("0.03")
    # 1/3 off 1.00 + 1.00 + 1.00 is exactly 1.00: the cent left goes to the first largest
    # remainder, the lines pay 0.66, 0.67, 0.67 and add up to 2.00.
    ones = [BasketLine(f"PIN-{n}", "pin", "misc", "X", 1, D("1.00")) for n in range(3)]
    result = priced(
        [Promotion("p", AmountOff(D("1.00")), budget_remaining=D("1.00"))], lines=ones, context=LYON
    )
    assert amounts(result) == [D("0.66"), D("0.67"), D("0.67")]
    assert result.total == D("2.00")


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        pytest.param(100, {0: 1, 1: 1, 2: 1}, {0: 34, 1: 33, 2: 33}, id="ties_to_the_first_case"),
        pytest.param(10, {0: 1, 1: 2}, {0: 3, 1: 7}, id="largest_remainder_case"),
        pytest.param(0, {0: 1}, {0: 0}, id="nothing_to_split_case"),
    ],
)
def test_allocate(total, weights, expected):
    from fractions import Fraction

    assert allocate(total, {k: Fraction(v) for k, v in weights.items()}) == expected


def test_two_rules_with_one_id_are_refused():
    with pytest.raises(ValueError, match="share an id"):
        RuleBook([Promotion("p", TEN_OFF), Promotion("p", AmountOff(D("1.00")))])


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: PercentOff(D("0")), id="no_percent_case"),
        pytest.param(lambda: PercentOff(D("101")), id="over_a_hundred_percent_case"),
        pytest.param(lambda: AmountOff(D("-1.00")), id="negative_amount_case"),
        pytest.param(lambda: AmountOff(D("0.001")), id="part_of_a_cent_case"),
        pytest.param(lambda: BuyXGetY(2, 0), id="get_nothing_case"),
        pytest.param(lambda: BundlePrice((), D("10.00")), id="empty_bundle_case"),
        pytest.param(lambda: TieredSpend(()), id="no_tier_case"),
        pytest.param(lambda: BasketLine("X", "x", "x", "x", 0, D("1.00")), id="no_unit_case"),
    ],
)
def test_an_offer_or_line_that_makes_no_sense_is_refused(make):
    with pytest.raises(ValueError):  # noqa: PT011
        make()

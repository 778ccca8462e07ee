from decimal import Decimal

import pytest

from comptoir.catalog.domain import (
    PriceRule,
    ResolvedPrice,
    corrections,
    gtin13_check_digit,
    gtin13_of,
    gtin_check_digit,
    gtin_problem,
    import_row_problems,
    is_valid_gtin,
    is_valid_gtin13,
    normalise_gtin,
    price_problem,
    resolve_price,
    search_words,
    within_one_edit,
)


@pytest.mark.parametrize(
    "gtin",
    [
        pytest.param("96385074", id="gtin_8_case"),
        pytest.param("036000291452", id="gtin_12_upc_a_case"),
        pytest.param("4006381333931", id="gtin_13_ean_case"),
        pytest.param("5901234123457", id="gtin_13_gs1_example_case"),
        pytest.param("10036000291459", id="gtin_14_case"),
        pytest.param("00036000291452", id="gtin_14_padded_upc_case"),
    ],
)
def test_real_gtins_pass_their_check_digit(gtin):
    assert is_valid_gtin(gtin)
    assert gtin_problem(gtin) is None


@pytest.mark.parametrize(
    ("gtin", "problem"),
    [
        pytest.param("4006381333932", "the check digit should be 1, not 2", id="wrong_check_case"),
        pytest.param("036000291453", "the check digit should be 2, not 3", id="upc_typo_case"),
        pytest.param("96385075", "the check digit should be 4, not 5", id="gtin_8_typo_case"),
        pytest.param("400638133393", "the check digit should be 0, not 3", id="ean_13_short_case"),
        pytest.param("4006381", "a GTIN has 8, 12, 13 or 14 digits", id="too_short_case"),
        pytest.param("40063813339310", "the check digit should be 4, not 0", id="too_long_case"),
        pytest.param("400638133393A", "a GTIN has digits only", id="letter_case"),
        pytest.param("4006-381-3339", "a GTIN has digits only", id="dashes_case"),
        pytest.param("٤٠٠٦٣٨١٣٣٣٩٣١", "a GTIN has digits only", id="arabic_digits_case"),
        pytest.param("", "a GTIN has digits only", id="empty_case"),
    ],
)
def test_a_gtin_that_fails_says_why(gtin, problem):
    assert not is_valid_gtin(gtin)
    assert gtin_problem(gtin) == problem


def test_the_check_digit_weights_digits_three_and_one_from_the_right():
    # 400638133393: from the right 3·3+9·1+3·3+3·1+3·3+1·1+8·3+3·1+6·3+0·1+0·3+4·1 = 89 → 1
    assert gtin_check_digit("400638133393") == 1


def test_upc_a_and_its_ean_13_form_are_one_trade_item():
    assert normalise_gtin("036000291452") == normalise_gtin("0036000291452") == "00036000291452"


WEB_JACKET = PriceRule(Decimal("89.90"), "EUR")
PRICE_LIST = [
    WEB_JACKET,
    PriceRule(Decimal("84.90"), "EUR", channel="web", reason="prix web"),
    PriceRule(Decimal("79.90"), "EUR", store="lyon-part-dieu", reason="concurrent local"),
    PriceRule(Decimal("74.90"), "EUR", channel="app", store="lyon-part-dieu", reason="appli"),
]


@pytest.mark.parametrize(
    ("channel", "store", "expected"),
    [
        pytest.param(None, None, ResolvedPrice(Decimal("89.90"), "EUR", "base"), id="base_case"),
        pytest.param(
            "store", None, ResolvedPrice(Decimal("89.90"), "EUR", "base"), id="other_channel_case"
        ),
        pytest.param(
            "web",
            None,
            ResolvedPrice(Decimal("84.90"), "EUR", "channel:web", "prix web"),
            id="channel_case",
        ),
        pytest.param(
            "web",
            "lyon-part-dieu",
            ResolvedPrice(Decimal("79.90"), "EUR", "store:lyon-part-dieu", "concurrent local"),
            id="store_beats_channel_case",
        ),
        pytest.param(
            "app",
            "lyon-part-dieu",
            ResolvedPrice(Decimal("74.90"), "EUR", "channel+store:app/lyon-part-dieu", "appli"),
            id="channel_and_store_beats_all_case",
        ),
        pytest.param(
            "app",
            "paris-rivoli",
            ResolvedPrice(Decimal("89.90"), "EUR", "base"),
            id="other_store_case",
        ),
    ],
)
def test_the_most_specific_rule_that_applies_sets_the_price(channel, store, expected):
    assert resolve_price(PRICE_LIST, channel=channel, store=store) == expected


def test_the_order_of_the_rules_does_not_matter():
    assert resolve_price(reversed(PRICE_LIST), channel="app", store="lyon-part-dieu") == (
        resolve_price(PRICE_LIST, channel="app", store="lyon-part-dieu")
    )


def test_a_sku_with_no_rule_that_applies_has_no_price():
    only_web = [PriceRule(Decimal("84.90"), "EUR", channel="web")]

    assert resolve_price([], channel="web") is None
    assert resolve_price(only_web, channel="app") is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("89.90", None, id="dot_case"),
        pytest.param("89,90", None, id="french_comma_case"),
        pytest.param("0", None, id="free_case"),
        pytest.param("", "the price is empty", id="empty_case"),
        pytest.param("quatre-vingts", "'quatre-vingts' is not a number", id="words_case"),
        pytest.param("NaN", "'NaN' is not a number", id="nan_case"),
        pytest.param("-5", "a price cannot be negative", id="negative_case"),
        pytest.param("89.999", "a price has at most two decimals", id="three_decimals_case"),
        pytest.param("1e12", "a price is at most 9999999999.99", id="too_big_case"),
    ],
)
def test_a_price_in_a_file_is_a_number_of_euros_and_cents(text, problem):
    assert price_problem(text) == problem


def jacket_row(**changes):
    return {
        "product_slug": "veste-running",
        "product_name": "Veste de running",
        "brand": "Élan",
        "category_slug": "running",
        "sku": "JACKET-S",
        "gtin": "4006381333931",
        "size": "S",
        "colour": "bleu",
        "price_eur": "89.90",
        **changes,
    }


def test_a_good_import_row_has_no_problem():
    assert import_row_problems(jacket_row()) == []
    assert import_row_problems(jacket_row(gtin="")) == []


def test_an_import_row_lists_every_problem_it_has():
    row = jacket_row(sku="JACKET S", gtin="4006381333932", price_eur="-1", size="X" * 21)

    assert import_row_problems(row) == [
        "bad SKU 'JACKET S': 1-40 letters, digits, '.', '_' or '-'",
        "bad GTIN 4006381333932: the check digit should be 1, not 2",
        "bad price '-1': a price cannot be negative",
        "size is longer than 20 characters",
    ]


# --- search words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        pytest.param("Écouteurs", ["ecouteur"], id="accent capital plural"),
        pytest.param("veste de trail", ["veste", "trail"], id="stop word dropped"),
        pytest.param("Chaussures  chaussure", ["chaussure"], id="each word once"),
        pytest.param("watches boxes", ["watch", "box"], id="english es plurals"),
        pytest.param("tennis bus", ["tennis", "bus"], id="not plurals"),
        pytest.param("Cœur d'Œil", ["coeur", "oeil"], id="ligatures and apostrophe"),
        pytest.param("TRAIL-JKT-M", ["trail", "jkt", "m"], id="a sku in its parts"),
    ],
)
def test_search_words_are_unaccented_singular_and_without_stop_words(query, words):
    assert search_words(query) == words


@pytest.mark.parametrize(
    ("typed", "known", "close"),
    [
        pytest.param("ecoutuer", "ecouteur", True, id="swap"),
        pytest.param("ecoteur", "ecouteur", True, id="missing"),
        pytest.param("ecouteeur", "ecouteur", True, id="extra"),
        pytest.param("ecoutear", "ecouteur", True, id="changed"),
        pytest.param("ecuotuer", "ecouteur", False, id="two swaps"),
        pytest.param("ecout", "ecouteur", False, id="three missing"),
        pytest.param("abcd", "badc", False, id="two far swaps"),
    ],
)
def test_one_edit_is_a_letter_added_removed_changed_or_two_neighbours_swapped(typed, known, close):
    assert within_one_edit(typed, known) is close
    assert within_one_edit(known, typed) is close


def test_corrections_leave_short_words_alone_and_prefer_the_same_length():
    assert corrections("camrea", ["camera", "cameras", "carrea", "casque"]) == ["camera", "carrea"]
    assert corrections("sac", ["sec", "sacs"]) == []


# GS1's own and well-known published GTIN-13s: the GS1 General Specifications' worked example
# (629104150021 → 3), the GS1 check digit calculator's 590123412345 → 7, and retail barcodes.
@pytest.mark.parametrize(
    ("body", "check"),
    [
        pytest.param("629104150021", 3, id="gs1_general_specifications_case"),
        pytest.param("590123412345", 7, id="gs1_calculator_example_case"),
        pytest.param("400638133393", 1, id="faber_castell_case"),
        pytest.param("978030640615", 7, id="isbn_13_case"),
        pytest.param("301762042200", 3, id="french_prefix_case"),
        pytest.param("000000000000", 0, id="all_zero_case"),
    ],
)
def test_a_gtin13_check_digit_follows_gs1(body, check):
    assert gtin13_check_digit(body) == check
    assert is_valid_gtin13(body + str(check))
    assert not is_valid_gtin13(body + str((check + 1) % 10))


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("96385074", id="gtin_8_case"),
        pytest.param("036000291452", id="gtin_12_case"),
        pytest.param("10036000291459", id="gtin_14_case"),
        pytest.param("629104150021３", id="fullwidth_digit_case"),
    ],
)
def test_only_thirteen_digits_are_a_gtin13(code):
    assert not is_valid_gtin13(code)


def test_a_gtin13_body_must_have_twelve_digits():
    with pytest.raises(ValueError, match="12 digits"):
        gtin13_check_digit("62910415002")


def test_the_stored_fourteen_digits_give_back_the_gtin13():
    assert gtin13_of(normalise_gtin("6291041500213")) == "6291041500213"
    assert gtin13_of("10036000291459") is None
    assert gtin13_of(None) is None

"""Pure cart rules: summing lines, reading a hand-off code back."""

from comptoir.carts.domain import (
    HANDOFF_ALPHABET,
    HANDOFF_CODE_LENGTH,
    handoff_qr_svg,
    merged_quantities,
    new_handoff_code,
    normalise_handoff_code,
)


def test_merging_sums_the_same_sku_and_keeps_the_others():
    assert merged_quantities({1: 2, 2: 1}, [(1, 3), (3, 1)]) == {1: 5, 2: 1, 3: 1}


def test_merging_nothing_changes_nothing():
    assert merged_quantities({1: 2}, []) == {1: 2}


def test_a_handoff_code_uses_only_letters_that_cannot_be_misread():
    code = new_handoff_code()

    assert len(code) == HANDOFF_CODE_LENGTH
    assert set(code) <= set(HANDOFF_ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(HANDOFF_ALPHABET)


def test_a_code_typed_with_spaces_dashes_and_small_letters_is_read_back():
    assert normalise_handoff_code("ac d-efg") == "ACDEFG"


def test_the_qr_is_an_svg_of_the_code():
    svg = handoff_qr_svg("ACDEFG")

    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")

"""The associate app finds a variant from what was scanned or typed: a SKU or a barcode."""

import pytest

from comptoir.catalog.errors import VariantNotFound
from comptoir.catalog.selectors import variant_by_scan
from comptoir.catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_a_scanned_ean13_finds_its_variant():
    make_product()
    assert variant_by_scan("5901234123457").sku == "JACKET-M"


def test_a_sku_typed_in_lower_case_finds_its_variant():
    make_product()
    assert variant_by_scan("  jacket-l ").sku == "JACKET-L"


def test_an_unknown_code_says_it_is_neither_a_sku_nor_a_barcode():
    make_product()
    with pytest.raises(VariantNotFound, match="neither a SKU nor a barcode"):
        variant_by_scan("0000000000000")

from datetime import date
from decimal import Decimal

from django.utils import translation

from comptoir.core.words import language_of, spoken_amount, spoken_date


def test_a_date_is_said_in_french_and_in_english_by_the_locale_library():
    day = date(2026, 12, 7)
    assert spoken_date(day, language="fr") == "lundi 7 décembre"
    assert spoken_date(day, language="en") == "Monday 7 December"


def test_without_a_language_the_active_one_speaks():
    with translation.override("en"):
        assert spoken_date(date(2026, 8, 1)) == "Saturday 1 August"
    with translation.override("fr"):
        assert spoken_date(date(2026, 8, 1)) == "samedi 1 août"


def test_money_in_french_and_in_english():
    assert spoken_amount(Decimal("1234.5"), "EUR", language="fr") == "1\u00a0234,50\u00a0€"
    assert spoken_amount("12.5", "EUR", language="en") == "€12.50"
    assert spoken_amount("abc", "EUR", language="fr") == "abc EUR"


def test_an_unknown_language_is_french():
    assert language_of("de") == "fr"
    assert language_of("en-gb") == "en"

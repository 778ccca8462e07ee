"""Pure catalogue rules: GTIN check digits, price resolution, the shape of an import row, and
the words a search compares.

No Django here: these functions take and return plain values, so they are tested without a
database (tests/test_domain.py) and reused by the services, the selectors and the import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

GTIN_LENGTHS = (8, 12, 13, 14)
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_PRICE = Decimal("9999999999.99")  # what a DecimalField(max_digits=12, decimal_places=2) holds


# --- GTIN -----------------------------------------------------------------------------------


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit of a GTIN without its last digit.

    From the right, digits are weighted 3, 1, 3, 1…; the check digit tops the sum up to the
    next multiple of ten. The same rule serves GTIN-8, -12, -13 and -14.
    """
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(body[::-1]))
    return (10 - total % 10) % 10


def gtin_problem(code: str) -> str | None:
    """Why `code` is not a GTIN, or None when it is one."""
    if not code.isascii() or not code.isdigit():
        return "a GTIN has digits only"
    if len(code) not in GTIN_LENGTHS:
        return "a GTIN has 8, 12, 13 or 14 digits"
    if gtin_check_digit(code[:-1]) != int(code[-1]):
        return f"the check digit should be {gtin_check_digit(code[:-1])}, not {code[-1]}"
    return None


def is_valid_gtin(code: str) -> bool:
    return gtin_problem(code) is None


def gtin13_check_digit(body: str) -> int:
    """The check digit of an EAN/GTIN-13 from its first twelve digits (GS1 General
    Specifications, 7.9.1: weights 1, 3, 1, 3… from the left, i.e. 3, 1… from the right)."""
    if len(body) != 12 or not body.isascii() or not body.isdigit():
        raise ValueError(f"a GTIN-13 body has 12 digits, not {body!r}")
    return gtin_check_digit(body)


def is_valid_gtin13(code: str) -> bool:
    """True for thirteen ASCII digits whose last is the GS1 check digit of the first twelve."""
    return len(code) == 13 and is_valid_gtin(code)


def gtin13_of(stored: str | None) -> str | None:
    """The GTIN-13 a stored 14-digit GTIN spells, when it is one (a leading zero): what
    schema.org's `gtin13` carries. None for a GTIN-14 proper or no GTIN."""
    if not stored:
        return None
    code = stored[1:] if len(stored) == 14 and stored.startswith("0") else stored
    return code if is_valid_gtin13(code) else None


def normalise_gtin(code: str) -> str:
    """The 14-digit form GS1 asks databases to keep: the UPC-A 036000291452 and the EAN-13
    0036000291452 are one trade item, so they must collide on the unique index."""
    return code.zfill(14)


# --- prices ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceRule:
    """One row of a SKU's price list. An empty channel or store applies to all of them."""

    amount: Decimal
    currency: str
    channel: str = ""
    store: str = ""  # the store's code, e.g. "lyon-part-dieu"
    reason: str = ""

    @property
    def specificity(self) -> int:
        # channel+store > store > channel > base: a store manager's price beats a channel's,
        # and a price set for one channel in one store beats both.
        return (2 if self.store else 0) + (1 if self.channel else 0)

    @property
    def source(self) -> str:
        if self.channel and self.store:
            return f"channel+store:{self.channel}/{self.store}"
        if self.store:
            return f"store:{self.store}"
        if self.channel:
            return f"channel:{self.channel}"
        return "base"

    def applies_to(self, *, channel: str | None, store: str | None) -> bool:
        return self.channel in ("", channel) and self.store in ("", store)


@dataclass(frozen=True)
class ResolvedPrice:
    amount: Decimal
    currency: str
    source: str  # "base", "channel:web", "store:lyon-part-dieu", "channel+store:app/lyon-…"
    reason: str = ""


def resolve_price(
    rules: Iterable[PriceRule], *, channel: str | None = None, store: str | None = None
) -> ResolvedPrice | None:
    """The price a customer pays on `channel` in `store`: the most specific rule that applies.

    None when no rule applies (a SKU with no base price is not for sale there).
    """
    applicable = [rule for rule in rules if rule.applies_to(channel=channel, store=store)]
    if not applicable:
        return None
    rule = max(applicable, key=lambda candidate: candidate.specificity)
    return ResolvedPrice(rule.amount, rule.currency, rule.source, rule.reason)


def price_problem(text: str) -> str | None:
    """Why `text` is not a price in euros with cents, or None when it is one."""
    if not text.strip():
        return "the price is empty"
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return f"{text!r} is not a number"
    if not amount.is_finite():
        return f"{text!r} is not a number"
    if amount < 0:
        return "a price cannot be negative"
    if amount > MAX_PRICE:
        return f"a price is at most {MAX_PRICE}"
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
        return "a price has at most two decimals"
    return None


def parse_price(text: str) -> Decimal:
    """A valid price (see `price_problem`) as a Decimal with two places."""
    return Decimal(text.strip().replace(",", ".")).quantize(Decimal("0.01"))


# --- import rows ----------------------------------------------------------------------------

IMPORT_COLUMNS = (
    "product_slug",
    "product_name",
    "brand",
    "category_slug",
    "sku",
    "gtin",
    "size",
    "colour",
    "price_eur",
)
_LIMITS = {"product_name": 200, "brand": 80, "category_slug": 80, "size": 20, "colour": 40}


def import_row_problems(row: dict[str, str]) -> list[str]:
    """What is wrong with one CSV row on its own (the database is checked by the service)."""
    problems = []
    if not re.fullmatch(SLUG_PATTERN, row["product_slug"]) or len(row["product_slug"]) > 120:
        problems.append(f"bad product_slug {row['product_slug']!r}: lowercase words and dashes")
    if not row["product_name"]:
        problems.append("product_name is empty")
    if not re.fullmatch(SKU_PATTERN, row["sku"]):
        problems.append(f"bad SKU {row['sku']!r}: 1-40 letters, digits, '.', '_' or '-'")
    if row["gtin"] and (problem := gtin_problem(row["gtin"])):
        problems.append(f"bad GTIN {row['gtin']}: {problem}")
    if problem := price_problem(row["price_eur"]):
        problems.append(f"bad price {row['price_eur']!r}: {problem}")
    problems.extend(
        f"{column} is longer than {limit} characters"
        for column, limit in _LIMITS.items()
        if len(row[column]) > limit
    )
    return problems


# --- search words ---------------------------------------------------------------------------

# Words that say nothing about a product, in French and English: a shopper typing "veste de
# trail" wants the words "veste" and "trail", whichever database answers.
STOP_WORDS = frozenset(
    {
        *("a", "au", "aux", "avec", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"),
        *("pour", "sans", "sur", "un", "une"),
        *("an", "and", "for", "in", "of", "on", "the", "to", "with"),
    }
)
MIN_TYPO_LENGTH = 4  # a shorter word is one letter away from too many others


def unaccented(text: str) -> str:
    """`text` in lower case without its accents: "Écouteurs" → "ecouteurs", "Œil" → "oeil"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def singular(word: str) -> str:
    """A French or English plural brought back to the start of its singular.

    The result is searched as a prefix, so it only has to be the beginning of every form:
    "chaussures" → "chaussure", "écouteurs" → "ecouteur", "watches" → "watch".
    """
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith(("s", "x")):
        return word[:-1]
    return word


def search_words(text: str) -> list[str]:
    """The words of a shopper's query as they are searched: lower case, unaccented, singular,
    without stop words, each once, in the order typed."""
    words = re.findall(r"[a-z0-9]+", unaccented(text))
    kept = [singular(word) for word in words if word not in STOP_WORDS]
    return list(dict.fromkeys(kept))


def document_terms(text: str) -> set[str]:
    """The distinct words of a product's text as the typo fallback compares them."""
    return {singular(word) for word in re.findall(r"[a-z0-9]+", unaccented(text)) if len(word) > 1}


def within_one_edit(typed: str, known: str) -> bool:
    """True when `known` is `typed` with at most one letter added, removed, changed, or two
    neighbours swapped ("ecoutuer" and "ecouteur")."""
    if typed == known:
        return True
    if abs(len(typed) - len(known)) > 1:
        return False
    if len(typed) == len(known):
        differ = [index for index, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and typed[differ[0]] == known[differ[1]]
            and typed[differ[1]] == known[differ[0]]
        )
    shorter, longer = sorted((typed, known), key=len)
    index = next(
        (i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter)
    )
    return shorter[index:] == longer[index + 1 :]


def corrections(typed: str, known_terms: Iterable[str]) -> list[str]:
    """The catalogue's words one typo away from `typed`, best first (same length first)."""
    if len(typed) < MIN_TYPO_LENGTH:
        return []
    close = {term for term in known_terms if term != typed and within_one_edit(typed, term)}
    return sorted(close, key=lambda term: (abs(len(term) - len(typed)), term))


# --- pictures -------------------------------------------------------------------------------

# The widths a listing card (about 300 px wide), a phone (360–430 px at 2–3× density) and the
# product page's main picture ask for; a browser picks one from `srcset` and `sizes`.
RENDITION_WIDTHS = (160, 320, 640, 960)


def rendition_widths(original_width: int) -> tuple[int, ...]:
    """The smaller copies worth making of a picture `original_width` pixels wide: every
    standard width below it (the original itself serves the largest)."""
    return tuple(width for width in RENDITION_WIDTHS if width < original_width)


def scaled_height(width: int, *, original_width: int, original_height: int) -> int:
    """The height that keeps the picture's proportions at `width`, never below one pixel."""
    return max(1, round(original_height * width / original_width))

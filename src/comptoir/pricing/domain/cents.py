"""Money in integer cents, and how a rule's cents are split over lines (ADR 0048)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def allocate(total: int, weights: dict[int, Fraction | int]) -> dict[int, int]:
    """Split `total` cents over the keys in proportion to `weights`, by largest remainder.

    Each key gets the floor of its exact quota; the cents left go one each to the largest
    remainders (ties to the lower key). The shares add up to `total` exactly.
    """
    weight = sum(weights.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(weights, 0)
    quotas = {key: total * w / weight for key, w in weights.items()}
    shares = {key: int(q) for key, q in quotas.items()}  # quotas are >= 0: int() is floor
    left = total - sum(shares.values())
    for key in sorted(quotas, key=lambda k: (-(quotas[k] - shares[k]), k))[:left]:
        shares[key] += 1
    return shares


def split(total: int, raw: dict[int, Fraction | int]) -> dict[int, int]:
    """`total`, the rounded sum of `raw`, split by largest remainder on the exact amounts: each
    line gets its amount's floor, and the cents left go one each to the largest fractions
    (ties to the first line). A line gets at most its amount rounded up."""
    shares = {i: int(r) for i, r in raw.items()}  # amounts are > 0: int() is floor
    left = total - sum(shares.values())
    if left > 0:
        ranked = sorted(
            (i for i, r in raw.items() if r != shares[i]), key=lambda i: (shares[i] - raw[i], i)
        )
        for i in ranked[:left]:
            shares[i] += 1
    return shares


def exact(numerator: int, denominator: int) -> Fraction | int:
    whole, rest = divmod(numerator, denominator)
    return whole if rest == 0 else Fraction(numerator, denominator)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_EVEN))


def euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)

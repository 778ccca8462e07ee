"""Pure rules about carts: merging lines, hand-off codes."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from enum import StrEnum

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud on the phone or typed from a screen, it survives.
HANDOFF_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
HANDOFF_CODE_LENGTH = 6  # 25**6 ≈ 244 million, and a code lives half an hour
HANDOFF_MINUTES = 30


class CartStatus(StrEnum):
    OPEN = "open"
    MERGED = "merged"  # folded into another cart (login, or two profiles merged)
    ORDERED = "ordered"  # checked out: its lines became an order


def new_handoff_code() -> str:
    return "".join(secrets.choice(HANDOFF_ALPHABET) for _ in range(HANDOFF_CODE_LENGTH))


def normalise_handoff_code(raw: str) -> str:
    """What a person typed: spaces and dashes ignored, any case."""
    return raw.replace(" ", "").replace("-", "").upper()


def merged_quantities(
    into: Mapping[int, int], incoming: Iterable[tuple[int, int]]
) -> dict[int, int]:
    """Variant id → quantity after adding `incoming` to `into`: quantities summed, none lost."""
    merged = dict(into)
    for variant_id, quantity in incoming:
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return merged


def handoff_qr_svg(code: str) -> str:
    """The code as a QR code in SVG, for a screen the associate's phone scans."""
    import segno  # imported here: only the hand-off answer needs it

    return str(segno.make(f"COMPTOIR-CART:{code}", error="m").svg_inline(scale=4))

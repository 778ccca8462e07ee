"""The sales channels every app speaks of."""

CHANNELS = [
    ("web", "Web shop"),
    ("app", "Mobile app"),
    ("store", "Store"),
    ("call_centre", "Call centre"),
    ("marketplace", "Marketplace"),
]
CHANNEL_CODES = frozenset(code for code, _ in CHANNELS)

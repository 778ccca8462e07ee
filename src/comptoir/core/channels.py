"""The sales channels every app speaks of."""

from .access import Actor, Role

CHANNELS = [
    ("web", "Web shop"),
    ("app", "Mobile app"),
    ("store", "Store"),
    ("call_centre", "Call centre"),
    ("marketplace", "Marketplace"),
]
CHANNEL_CODES = frozenset(code for code, _ in CHANNELS)


def channel_of(actor: Actor, declared: str) -> str:
    """Where an action happens: staff act in their own channel (an associate in the store, an
    agent in the call centre); a shopper says whether it is the web or the app."""
    if Role.ASSOCIATE in actor.roles:
        return "store"
    if Role.AGENT in actor.roles:
        return "call_centre"
    return declared if declared in {"web", "app"} else "web"

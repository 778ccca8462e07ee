"""Every event type the wiring puts on a customer's timeline has a sentence of its own, in
French and in English: no raw event name, no payload, on the associate's customer page."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from comptoir.customers import handlers
from comptoir.notifications.events import MESSAGE_KIND_FOR
from comptoir.web.associate.timeline import SENTENCES, by_day_and_channel, sentence
from comptoir.wiring import HANDLERS

ON_TIMELINE = {
    handlers.put_event_on_timeline,
    handlers.put_purchase_on_timeline,
    handlers.put_registration_on_timeline,
}
DETAILS = {
    "sku": "JACKET-TRAIL-M",
    "quantity": 2,
    "purpose": "marketing_email",
    "granted": True,
    "method": "checkbox",
    "location_code": "lyon-part-dieu",
    "kind": "loyalty_card",
    "verified": True,
    "order_reference": "CO-ABCDEFGH",
    "amount": "129.00",
    "currency": "EUR",
}


def entry(kind: str, channel: str = "web", **at: int) -> SimpleNamespace:
    moment = timezone.now().replace(**at) if at else timezone.now()
    return SimpleNamespace(
        kind=kind, channel=channel, details=DETAILS, summary="", occurred_at=moment
    )


def timeline_kinds() -> list[str]:
    """What the wiring's handlers put on a timeline, and every message notifications sends."""
    handled = {kind for kind, reactions in HANDLERS.items() if ON_TIMELINE.intersection(reactions)}
    return sorted(handled | {f"message.{kind}" for kind in MESSAGE_KIND_FOR.values()})


@pytest.mark.parametrize("kind", timeline_kinds())
@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_timeline_event_reads_as_a_sentence(kind, language):
    assert kind in SENTENCES
    with translation.override(language):
        words = sentence(entry(kind))
    assert words
    assert kind not in words
    assert "{" not in words
    assert "%(" not in words
    assert "_" not in words.replace("JACKET-TRAIL-M", "")


def test_a_refund_says_its_amount_as_money_in_the_readers_language():
    with translation.override("fr"):
        assert sentence(entry("refund.issued")) == (
            "Remboursé de 129,00\xa0€ pour la commande CO-ABCDEFGH"
        )


def test_a_day_groups_its_entries_by_channel_newest_day_first():
    today = [entry("order.placed", "web"), entry("cart.line_added", "store"),
             entry("customer.checked_in", "web")]  # fmt: skip
    earlier = timezone.now() - timedelta(days=3)
    old = SimpleNamespace(
        kind="order.collected", channel="store", details=DETAILS, summary="", occurred_at=earlier
    )

    days = by_day_and_channel([*today, old])

    assert [[g.channel for g in day.groups] for day in days] == [["web", "store"], ["store"]]
    assert [len(g.lines) for g in days[0].groups] == [2, 1]


def test_an_entry_of_an_unknown_type_keeps_its_stored_words():
    unknown = SimpleNamespace(
        kind="till.sale_recorded", channel="store", details={}, summary="Sale at the till",
        occurred_at=timezone.now(), event_id=uuid.uuid4(),
    )  # fmt: skip

    assert sentence(unknown) == "Sale at the till"


@pytest.mark.parametrize(
    ("kind", "summary", "french"),
    [
        pytest.param(
            "customer.consent_changed",
            "Consent given: in store recognition (checkbox)",
            "A donné son accord : Être reconnu quand je me signale en magasin",
            id="consent_case",
        ),
        pytest.param(
            "customer.checked_in",
            "Checked in at lyon-part-dieu",
            "A signalé son arrivée au magasin lyon-part-dieu",
            id="check_in_case",
        ),
        pytest.param(
            "customer.identity_added",
            "New loyalty card (verified)",
            "Nouveau moyen d'être reconnu (carte de fidélité), vérifié",
            id="identity_case",
        ),
        pytest.param(
            "message.shipped",
            "Votre commande CO-NYP4HZX5 est en route",
            "A été prévenu que la commande CO-NYP4HZX5 est en route",
            id="message_case",
        ),
        pytest.param(
            "cart.line_added",
            "Cart line added: JACKET-TRAIL-M",
            "A mis JACKET-TRAIL-M dans son panier",
            id="cart_case",
        ),
    ],
)
def test_an_entry_written_before_details_were_kept_is_read_back_from_its_summary(
    kind, summary, french
):
    old = SimpleNamespace(
        kind=kind, channel="web", details={}, summary=summary, occurred_at=timezone.now()
    )

    with translation.override("fr"):
        assert sentence(old) == french

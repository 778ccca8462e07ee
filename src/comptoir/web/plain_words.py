"""What a refused request means, in the reader's language.

Services explain a refusal in English for integrators (problem+json `detail`). Pages say it in
the shopper's or associate's language when the error's stable `code` is one people meet; any
other refusal keeps its English detail, marked lang="en" in the page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError

MESSAGES = {
    "place-not-found": _("We do not know this place: give a French postcode or a town."),
    "location-not-found": _("There is no store with this code."),
    "product-not-found": _("There is no such product, or it is no longer sold."),
    "variant-not-found": _("No product has this code: check the SKU or scan the barcode again."),
    "unknown-category": _("There is no such category."),
    "out-of-stock": _(
        "Not enough units left to sell here: the rest are set aside for customers or gone."
    ),
    "hold-not-active": _("This set-aside has already ended (sold, released or expired)."),
    "email-already-registered": _("An account already uses this email: sign in instead."),
    "customer-not-found": _("There is no such customer."),
    "handoff-code-not-found": _("No open cart has this code: it may have expired (30 minutes)."),
    "cart-not-found": _("There is no such cart."),
    "order-not-found": _("There is no such order."),
    "empty-reply": _("Write an answer before sending it."),
    "conversation-not-found": _("There is no such conversation."),
    "invalid-return": _(
        "This return is not possible as asked: choose at least one item, no more than you "
        "can send back, and where it goes."
    ),
    "units-already-returned": _("These items are already on their way back or returned."),
    "delivery-option-unavailable": _(
        "This way of delivery is not possible for your cart now: choose another one."
    ),
    "wrong-pickup-code": _(
        "This pickup code does not match: check it with the customer. Nothing was handed over."
    ),
    "payment-declined": _("The card was declined: nothing was ordered and nothing is held."),
    "invalid-webhook-url": _(
        "comptoir does not send webhooks to this address: it must be an https address on the"
        " internet (or in a network the operator allowed), with no password in it."
    ),
    "unknown-event-types": _("Choose events from the list."),
    "webhook-subscription-disabled": _("This webhook is disabled: enable it first."),
    "webhook-subscription-not-found": _("There is no such webhook."),
    "webhook-delivery-not-found": _("This webhook never had this delivery."),
    "capacity-full": _(
        "No capacity is left for this order (a full time slot, or a store that can pick no"
        " more today): choose another delivery. Nothing was ordered and nothing is held."
    ),
    "terminal-cancelled": _("The payment was cancelled on the card terminal: nothing was sold."),
    "terminal-not-answered": _(
        "The card terminal did not answer: nothing was sold or taken. Try the card again."
    ),
    "terminal-hold-left-open": _(
        "Nothing was sold, but the card terminal did not cancel the payment: cancel it on the "
        "terminal. It stays listed for the store until it is."
    ),
    "pickup-code-locked": _(
        "Too many wrong codes for this order: no code is checked for a quarter of an hour. Ask "
        "the customer for the message with their code, or their ID, and tell the store manager."
    ),
    "tenders-do-not-cover": _(
        "Card and cash do not pay the total (or the card part is more than the total): "
        "nothing was sold."
    ),
    "tender-required": _(
        "Say how the customer paid at the till (cash or card). Nothing was handed over."
    ),
}


def plain_words(error: DomainError) -> tuple[str, bool]:
    """(the message to show, whether it is translated); untranslated ones are English."""
    message = MESSAGES.get(error.code)
    return (str(message), True) if message is not None else (error.detail, False)

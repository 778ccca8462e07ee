"""Write use cases for customer profiles, one module per topic, all reachable from here."""

from .consent import record_consent, request_marketing_message, require_consent
from .identities import add_identity
from .merge import merge_profiles
from .profiles import (
    add_to_timeline,
    choose_favourite_store,
    record_customer_profile,
    register_shopper,
)

__all__ = [
    "add_identity",
    "add_to_timeline",
    "choose_favourite_store",
    "merge_profiles",
    "record_consent",
    "record_customer_profile",
    "register_shopper",
    "request_marketing_message",
    "require_consent",
]

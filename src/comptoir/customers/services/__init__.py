"""Write use cases for customer profiles, one module per topic, all reachable from here."""

from .consent import record_consent, request_marketing_message, require_consent
from .gdpr import erase_customer, export_personal_data
from .identities import add_identity
from .merge import merge_profiles
from .preferences import declare_preferences, infer_from_wished_sku, infer_preference
from .profiles import (
    add_to_timeline,
    choose_favourite_store,
    record_customer_profile,
    record_walk_up_profile,
    register_shopper,
)
from .visits import check_in, check_in_by_loyalty_card
from .wishlist import add_to_wishlist, remove_from_wishlist

__all__ = [
    "add_identity",
    "add_to_wishlist",
    "check_in",
    "check_in_by_loyalty_card",
    "declare_preferences",
    "erase_customer",
    "export_personal_data",
    "infer_from_wished_sku",
    "infer_preference",
    "remove_from_wishlist",
    "add_to_timeline",
    "choose_favourite_store",
    "merge_profiles",
    "record_consent",
    "record_customer_profile",
    "record_walk_up_profile",
    "register_shopper",
    "request_marketing_message",
    "require_consent",
]

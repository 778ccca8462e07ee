CUSTOMER_REGISTERED = "customer.registered"
FAVOURITE_STORE_CHANGED = "customer.favourite_store_changed"
CONSENT_CHANGED = "customer.consent_changed"
IDENTITY_ADDED = "customer.identity_added"
# Payload: survivor_id, merged_id, merged_by_id, reason. Later apps (carts, orders) move what
# they hold of `merged_id` onto `survivor_id` when they receive it; wired in comptoir.wiring.
CUSTOMER_MERGED = "customer.merged"
# Payload: customer_id. Later apps drop or anonymise what they hold on the person, keeping the
# financial records the law requires.
CUSTOMER_ERASED = "customer.erased"
CHECKED_IN = "customer.checked_in"
WISHLIST_ITEM_ADDED = "customer.wishlist_item_added"
WISHLIST_ITEM_REMOVED = "customer.wishlist_item_removed"
PREFERENCE_DECLARED = "customer.preference_declared"
MARKETING_MESSAGE_REQUESTED = "customer.marketing_message_requested"
DATA_EXPORTED = "customer.data_exported"

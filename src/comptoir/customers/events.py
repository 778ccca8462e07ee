CUSTOMER_REGISTERED = "customer.registered"
FAVOURITE_STORE_CHANGED = "customer.favourite_store_changed"

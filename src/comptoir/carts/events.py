CART_LINE_ADDED = "cart.line_added"
CART_MERGED = "cart.merged"  # payload: cart_id, into_cart_id, customer_id, reason
CART_HANDED_OFF = "cart.handoff_code_issued"

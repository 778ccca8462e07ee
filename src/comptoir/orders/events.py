"""Events the orders app records; payload keys are a contract with other apps (docs/api.md).

Every payload carries `order_id`, `order_reference` and `customer_id` (int or null).
"""

ORDER_PLACED = "order.placed"  # + channel, fulfilment_mode, total, currency, location_id
ORDER_CANCELLED = "order.cancelled"  # + reason
ORDER_LINES_CANCELLED = "order.lines_cancelled"  # + reason, lines [{sku, quantity}]
ORDER_READY_FOR_PICKUP = "order.ready_for_pickup"  # + location_id, pickup_code, collect_by
ORDER_PICKUP_REMINDER = "order.pickup_reminder"  # same keys as ready_for_pickup
ORDER_COLLECTED = "order.collected"  # + location_id
# Too many wrong pickup codes: the store's associates should look at who is asking.
ORDER_PICKUP_CODE_LOCKED = "order.pickup_code_locked"  # + location_id, tries, until
PAYMENT_CAPTURED = "payment.captured"  # + amount, currency
# A sale at a store's till: + location_id, channel, total, currency, lines [{sku, name,
# quantity, unit_price}], card, cash, cash_given, change (the receipt needs every one)
ORDER_SOLD_AT_TILL = "order.sold_at_till"
ORDER_AWAITING_PAYMENT = "order.awaiting_payment"  # same keys as order.placed
ORDER_PAYMENT_LINK_SENT = "order.payment_link_sent"  # + payment_link, total, currency
# + sku, quantity, from/to_location_id, pieces (one per new line), explanation
ORDER_LINE_RESOURCED = "order.line_resourced"
# A sale the till made offline, recorded when the network came back, some of whose units were
# not free on the shelf any more (sold online or held meanwhile): + location_id, lines [{sku,
# quantity}] (the units short). The store is asked to check its shelf.
ORDER_SOLD_OFFLINE_SHORT = "order.sold_offline_short"

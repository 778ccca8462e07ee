"""The events customers hear about, by message kind. Names and payloads are the contract in
the brief; orders and returns publish theirs, shipping publishes shipment.*."""

ORDER_PLACED = "order.placed"
ORDER_READY_FOR_PICKUP = "order.ready_for_pickup"
ORDER_PICKUP_REMINDER = "order.pickup_reminder"
ORDER_PAYMENT_LINK_SENT = "order.payment_link_sent"
ORDER_SOLD_AT_TILL = "order.sold_at_till"
REFUND_ISSUED = "refund.issued"
SHIPMENT_CREATED = "shipment.created"
SHIPMENT_OUT_FOR_DELIVERY = "shipment.out_for_delivery"
SHIPMENT_DELAYED = "shipment.delayed"
SHIPMENT_DELIVERED = "shipment.delivered"

MESSAGE_KIND_FOR = {
    ORDER_PLACED: "order_confirmed",
    ORDER_READY_FOR_PICKUP: "ready_for_pickup",
    SHIPMENT_CREATED: "shipped",
    SHIPMENT_OUT_FOR_DELIVERY: "out_for_delivery",
    SHIPMENT_DELAYED: "delayed",
    SHIPMENT_DELIVERED: "delivered",
    ORDER_PICKUP_REMINDER: "pickup_reminder",
    REFUND_ISSUED: "refund_issued",
    ORDER_PAYMENT_LINK_SENT: "payment_link",
    ORDER_SOLD_AT_TILL: "till_receipt",
}

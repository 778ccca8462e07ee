"""Events the shipping app records (payloads carry order_id, order_reference, customer_id)."""

SHIPMENT_CREATED = "shipment.created"  # the parcel left: "shipped" message
SHIPMENT_CARRIER_SWITCHED = "shipment.carrier_switched"
SHIPMENT_OUT_FOR_DELIVERY = "shipment.out_for_delivery"
SHIPMENT_DELIVERED = "shipment.delivered"
SHIPMENT_AVAILABLE_FOR_PICKUP = "shipment.available_for_pickup"
SHIPMENT_DELAYED = "shipment.delayed"  # + new_date, promised_by
# A parcel's incident (+ alert_id, kind: its strongest, previous_kind, kinds: its history).
SHIPMENT_INCIDENT_OPENED = "shipment.incident_opened"
SHIPMENT_INCIDENT_UPGRADED = "shipment.incident_upgraded"
SHIPMENT_INCIDENT_CLOSED = "shipment.incident_closed"  # + reason: moved, delivered
# Kept for integrators who had it before incidents: sent beside opened and upgraded (+ kind).
SHIPMENT_ALERT_RAISED = "shipment.alert_raised"

# Published by fulfilment (contract in the brief); shipping reacts to it.
FULFILMENT_DISPATCHED = "fulfilment.dispatched"

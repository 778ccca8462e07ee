# + from_location_id, promised_by (ISO date), destination {kind, location_id, name, line1,
#   postcode, city, country, lat, lon}, lines [{sku, quantity}]; the shipping app reacts to it.
DISPATCHED = "fulfilment.dispatched"

# + from_location_id, promised_by (ISO date), destination {kind, location_id, name, line1,
#   postcode, city, country, lat, lon}, lines [{sku, quantity}], slot {starts_at, ends_at} or
#   null (the delivery window chosen at checkout); the shipping app reacts to it.
DISPATCHED = "fulfilment.dispatched"

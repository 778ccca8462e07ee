# + return_id, location_id, method, lines [{sku, quantity, reason, sellable, exchange_sku}]
RETURN_RECEIVED = "return.received"
REFUND_ISSUED = "refund.issued"  # + return_id, amount (string decimal), currency

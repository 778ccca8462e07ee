STOCK_CHANGED = "stock.changed"
BACK_IN_STOCK = "stock.back_in_stock"
HOLD_PLACED = "stock.hold_placed"
HOLD_ENDED = "stock.hold_ended"

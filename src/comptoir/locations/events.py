LOCATION_OPENED = "location.opened"
OPENING_HOURS_CHANGED = "location.opening_hours_changed"
CLOSURE_DECLARED = "location.closure_declared"
SERVICES_CHANGED = "location.services_changed"

LOCATION_OPENED = "location.opened"

"""comptoir: an omnichannel commerce hub."""

"""Catalogue write use cases, one module per topic: products (with categories, listings and
relations), prices, and CSV imports."""

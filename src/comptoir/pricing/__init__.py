"""Pricing: one engine that prices a basket for every channel (ADR 0048)."""

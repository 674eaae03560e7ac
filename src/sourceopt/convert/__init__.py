"""Converters from public benchmark formats to sourceopt scenarios (scenario dicts)."""

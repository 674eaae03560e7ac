"""Solver backends: the Backend protocol, the lazy registry, one adapter module per solver."""

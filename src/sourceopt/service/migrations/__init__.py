"""Alembic migrations of the job store (run programmatically at startup, see store.py)."""

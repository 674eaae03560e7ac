"""Alembic environment: migrate the connection handed over by the store (or the URL)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from sourceopt.service.tables import metadata

config = context.config


def _run(connection: Any) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)

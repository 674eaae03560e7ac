"""A running analysis job's progress: figures done and in all.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two progress columns (NULL: no progress reported)."""
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("progress_done", sa.Integer, nullable=True))
        batch.add_column(sa.Column("progress_total", sa.Integer, nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("progress_total")
        batch.drop_column("progress_done")

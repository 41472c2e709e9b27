"""recomputed due days: a provisional due day recomputed when a year's official holiday
schedule was loaded, with the day it had before (append-only)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "due_recompute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_table", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("limit_code", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("old_date", sa.Date(), nullable=False),
        sa.Column("new_date", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=1000), nullable=False),
        sa.Column("at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_recompute")),
    )
    op.create_index(
        op.f("ix_due_recompute_record_table"), "due_recompute", ["record_table"], unique=False
    )
    op.create_index(
        op.f("ix_due_recompute_record_id"), "due_recompute", ["record_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_due_recompute_record_id"), table_name="due_recompute")
    op.drop_index(op.f("ix_due_recompute_record_table"), table_name="due_recompute")
    op.drop_table("due_recompute")

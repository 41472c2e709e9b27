"""scheduled jobs: one lease row per job, so that two workers never run the same job

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_lease",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("lease_until", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_report", sa.String(length=500), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_lease")),
    )


def downgrade() -> None:
    op.drop_table("job_lease")

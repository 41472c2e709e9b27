"""login throttle: failed sign-ins per client, account and known device; the account
lock-out columns go (a lock anyone could trigger)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("wait_until", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_index(
        op.f("ix_login_throttle_last_failure_at"),
        "login_throttle",
        ["last_failure_at"],
        unique=False,
    )
    # Not part of any ledger snapshot (they were volatile), so no entry changes meaning.
    op.drop_column("user_account", "failed_logins")
    op.drop_column("user_account", "locked_until")


def downgrade() -> None:
    op.add_column(
        "user_account",
        sa.Column("locked_until", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "user_account",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.drop_index(op.f("ix_login_throttle_last_failure_at"), table_name="login_throttle")
    op.drop_table("login_throttle")

"""correction form: spent anti-spam questions; the certificate lookup window by time

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "correction_challenge_spent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=40), nullable=False),
        sa.Column("expires_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_challenge_spent")),
        sa.UniqueConstraint("nonce", name=op.f("uq_correction_challenge_spent_nonce")),
    )
    with op.batch_alter_table("correction_challenge_spent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correction_challenge_spent_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("portal_lookup", schema=None) as batch_op:
        batch_op.create_index("ix_portal_lookup_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("portal_lookup", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_lookup_at")
    with op.batch_alter_table("correction_challenge_spent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_challenge_spent_expires_at"))
    op.drop_table("correction_challenge_spent")

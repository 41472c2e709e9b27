"""record grants: explicit read access to one record, granted by whom, why, until when

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grantee_id", sa.Integer(), nullable=False),
        sa.Column(
            "record_type",
            sa.Enum("action", "party", name="grantrecord", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=False),
        sa.Column("granted_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["grantee_id"],
            ["user_account.id"],
            name=op.f("fk_record_grant_grantee_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["user_account.id"],
            name=op.f("fk_record_grant_granted_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["user_account.id"],
            name=op.f("fk_record_grant_revoked_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_grant")),
    )
    with op.batch_alter_table("record_grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_grant_grantee_id"), ["grantee_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("record_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_grant_grantee_id"))
    op.drop_table("record_grant")

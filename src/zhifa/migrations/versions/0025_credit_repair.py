"""credit publicity apart from publication: why a 轻微 penalty's credit publicity is
确有必要 (publication.credit_necessity), and the 信用修复 decisions that end it

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("publication") as batch:
        batch.add_column(
            sa.Column("credit_necessity", sa.String(length=500), nullable=False, server_default="")
        )
    op.create_table(
        "credit_repair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["publication_obligation.id"],
            name=op.f("fk_credit_repair_obligation_id_publication_obligation"),
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_credit_repair_publication_id_publication"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["user_account.id"],
            name=op.f("fk_credit_repair_recorded_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_repair")),
        sa.UniqueConstraint("obligation_id", name=op.f("uq_credit_repair_obligation_id")),
    )


def downgrade() -> None:
    op.drop_table("credit_repair")
    with op.batch_alter_table("publication") as batch:
        batch.drop_column("credit_necessity")

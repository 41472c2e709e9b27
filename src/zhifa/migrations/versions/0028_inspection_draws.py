"""inspection draws (双随机抽取): one write-once row per plan and batch (announcement,
checkpoint, beacon, result, substitutions) and the portal's frozen public rows of plans
and draws

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = zhifa.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inspection_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("batch_index", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("announced", "drawn", name="drawstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("announcement", sa.JSON(), nullable=False),
        sa.Column("announcement_sha256", sa.String(length=64), nullable=False),
        sa.Column("announced_at", UTC, nullable=False),
        sa.Column("announced_by", sa.Integer(), nullable=True),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.Column("checkpoint_id", sa.Integer(), nullable=True),
        sa.Column("checkpoint_at", UTC, nullable=True),
        sa.Column("beacon_values", sa.JSON(), nullable=True),
        sa.Column("randomness", sa.Text(), nullable=True),
        sa.Column("outputs", sa.JSON(), nullable=True),
        sa.Column("drawn_at", UTC, nullable=True),
        sa.Column("drawn_by", sa.Integer(), nullable=True),
        sa.Column("substitutions", sa.JSON(), nullable=False),
        sa.Column("substitution_notes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plan.id"],
            name=op.f("fk_inspection_draw_plan_id_inspection_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["announced_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_draw_announced_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["drawn_by"], ["user_account.id"], name=op.f("fk_inspection_draw_drawn_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_draw")),
        sa.UniqueConstraint("plan_id", "batch_index", name=op.f("uq_inspection_draw_plan_id")),
    )
    op.create_index(
        op.f("ix_inspection_draw_plan_id"), "inspection_draw", ["plan_id"], unique=False
    )
    op.create_table(
        "public_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_inspection")),
        sa.UniqueConstraint("key", name=op.f("uq_public_inspection_key")),
    )


def downgrade() -> None:
    op.drop_table("public_inspection")
    op.drop_index(op.f("ix_inspection_draw_plan_id"), table_name="inspection_draw")
    op.drop_table("inspection_draw")

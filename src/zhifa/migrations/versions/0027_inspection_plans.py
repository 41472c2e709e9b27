"""inspection plans (年度监督检查计划): one row per plan, its batches as validated JSON,
drafted, edited and approved (then frozen), each change ledgered

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspection_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("batches", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "approved", name="planstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_plan_approved_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_plan_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_inspection_plan_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plan")),
    )
    op.create_index(op.f("ix_inspection_plan_year"), "inspection_plan", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_inspection_plan_year"), table_name="inspection_plan")
    op.drop_table("inspection_plan")

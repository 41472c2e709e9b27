"""yearly enforcement figures: entered figures, reviews, reports

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 23:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account")
    )


def upgrade() -> None:
    op.create_table(
        "yearly_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "approved",
                "returned",
                name="partstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.String(length=500), nullable=False),
        _user_fk("yearly_part", "reviewed_by"),
        _user_fk("yearly_part", "submitted_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearly_part")),
        sa.UniqueConstraint("year", "part", name=op.f("uq_yearly_part_year")),
    )
    op.create_index(op.f("ix_yearly_part_year"), "yearly_part", ["year"], unique=False)
    op.create_table(
        "yearly_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        _user_fk("yearly_report", "recorded_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearly_report")),
    )
    op.create_index(op.f("ix_yearly_report_year"), "yearly_report", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_yearly_report_year"), table_name="yearly_report")
    op.drop_table("yearly_report")
    op.drop_index(op.f("ix_yearly_part_year"), table_name="yearly_part")
    op.drop_table("yearly_part")

"""The weak-points dashboard's fact table and the ledger cursor of its refresh
(记录办法 第十二条)

Revision ID: 0036
Revises: 0033
Create Date: 2026-12-10 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weak_point_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("action_kind", sa.String(length=20), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weak_point_fact")),
        sa.UniqueConstraint(
            "kind", "record_type", "record_id", name=op.f("uq_weak_point_fact_kind")
        ),
    )
    op.create_index(
        "ix_weak_point_fact_kind_day",
        "weak_point_fact",
        ["kind", "day", "unit_id", "state", "due_on", "done_on"],
    )
    op.create_index("ix_weak_point_fact_unit", "weak_point_fact", ["unit_id", "kind", "day"])
    op.create_index("ix_weak_point_fact_person", "weak_point_fact", ["person_id", "kind", "day"])
    op.create_index(
        "ix_weak_point_fact_reader",
        "weak_point_fact",
        ["kind", "person_id", "unit_id", "action_id"],
    )
    op.create_index(op.f("ix_weak_point_fact_action_id"), "weak_point_fact", ["action_id"])
    op.create_table(
        "weak_point_cursor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "ledger_index", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weak_point_cursor")),
    )


def downgrade() -> None:
    op.drop_table("weak_point_cursor")
    op.drop_index(op.f("ix_weak_point_fact_action_id"), table_name="weak_point_fact")
    op.drop_index("ix_weak_point_fact_reader", table_name="weak_point_fact")
    op.drop_index("ix_weak_point_fact_person", table_name="weak_point_fact")
    op.drop_index("ix_weak_point_fact_unit", table_name="weak_point_fact")
    op.drop_index("ix_weak_point_fact_kind_day", table_name="weak_point_fact")
    op.drop_table("weak_point_fact")

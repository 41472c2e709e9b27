"""The accountability report: failing verify runs' findings and the leader's decisions

Revision ID: 0037
Revises: 0033
Create Date: 2026-12-07 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verify_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("instance_key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verify_failure")),
    )
    op.create_index(op.f("ix_verify_failure_run_at"), "verify_failure", ["run_at"])
    op.create_index(op.f("ix_verify_failure_instance_key"), "verify_failure", ["instance_key"])
    op.create_table(
        "accountability_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_key", sa.String(length=120), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "not_pursued",
                "education",
                "rectify",
                "notice",
                "refer",
                name="outcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["accountability_decision.id"],
            name=op.f("fk_accountability_decision_supersedes_id_accountability_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_accountability_decision_decided_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accountability_decision")),
    )
    op.create_index(
        op.f("ix_accountability_decision_instance_key"),
        "accountability_decision",
        ["instance_key"],
    )


def downgrade() -> None:
    op.drop_table("accountability_decision")
    op.drop_table("verify_failure")

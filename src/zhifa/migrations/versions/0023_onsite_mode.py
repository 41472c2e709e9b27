"""on-site mode: the versioned standard words to say (规范执法用语) and the steps done at
an activity with the script versions shown; the statement a party signed

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "onsite_script",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_onsite_script_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onsite_script")),
        sa.UniqueConstraint("topic", "version", name=op.f("uq_onsite_script_topic")),
    )
    op.create_index(op.f("ix_onsite_script_topic"), "onsite_script", ["topic"], unique=False)
    op.create_table(
        "onsite_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("script_ids", sa.JSON(), nullable=False),
        sa.Column("done_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_onsite_step_activity_id_activity")
        ),
        sa.ForeignKeyConstraint(
            ["done_by"], ["user_account.id"], name=op.f("fk_onsite_step_done_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onsite_step")),
    )
    op.create_index(
        op.f("ix_onsite_step_activity_id"), "onsite_step", ["activity_id"], unique=False
    )
    with op.batch_alter_table("acknowledgement") as batch:
        batch.add_column(
            sa.Column("statement", sa.String(length=1000), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("acknowledgement") as batch:
        batch.drop_column("statement")
    op.drop_index(op.f("ix_onsite_step_activity_id"), table_name="onsite_step")
    op.drop_table("onsite_step")
    op.drop_index(op.f("ix_onsite_script_topic"), table_name="onsite_script")
    op.drop_table("onsite_script")

"""the legal section's desk: who holds a correction request (claimed or the default
holder); the platform's start, before which duties are 历史遗留

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import zhifa.core.db
from zhifa.core.calendar import SHANGHAI

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("correction_request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "correction_desk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("default_holder_id", sa.Integer(), nullable=True),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["default_holder_id"],
            ["user_account.id"],
            name=op.f("fk_correction_desk_default_holder_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by"], ["user_account.id"], name=op.f("fk_correction_desk_set_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_desk")),
    )
    table = op.create_table(
        "platform_start",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_start")),
    )
    op.bulk_insert(table, [{"id": 1, "started_on": _started_on()}])


def _started_on() -> date:
    """The Beijing day of the first ledger entry: the platform's first recorded act; on a
    new installation (no entry yet) the day of this migration."""
    entry = sa.table("ledger_entry", sa.column("time", zhifa.core.db.UTCDateTime()))
    first = op.get_bind().scalar(sa.select(sa.func.min(entry.c.time)))
    if first is None:
        return datetime.now(SHANGHAI).date()
    if isinstance(first, str):  # SQLite hands back text for an aggregate
        first = datetime.fromisoformat(first)
    if first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return first.astimezone(SHANGHAI).date()  # type: ignore[no-any-return]


def downgrade() -> None:
    op.drop_table("platform_start")
    op.drop_table("correction_desk")
    with op.batch_alter_table("correction_request", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")

"""channels and the transactional outbox

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("publication_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=1000), nullable=False))
    with op.batch_alter_table("publication_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim", sa.String(length=32), nullable=False))
        batch_op.add_column(
            sa.Column("last_attempt_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_publication_delivery_message_id"), ["message_id"], unique=False
        )
    op.create_table(
        "credit_export_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="creditbatchstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("opened_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_export_batch")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_export_batch_number")),
    )
    with op.batch_alter_table("credit_export_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_export_batch_status"), ["status"], unique=False)
    op.create_table(
        "credit_export_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=10), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["credit_export_batch.id"],
            name=op.f("fk_credit_export_row_batch_id_credit_export_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["publication_delivery.id"],
            name=op.f("fk_credit_export_row_delivery_id_publication_delivery"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_export_row")),
        sa.UniqueConstraint(
            "batch_id", "kind", "row_number", name=op.f("uq_credit_export_row_batch_id")
        ),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_credit_export_row_delivery_id")),
    )
    with op.batch_alter_table("credit_export_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_export_row_batch_id"), ["batch_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("credit_export_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_export_row_batch_id"))
    op.drop_table("credit_export_row")
    with op.batch_alter_table("credit_export_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_export_batch_status"))
    op.drop_table("credit_export_batch")
    with op.batch_alter_table("publication_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_delivery_message_id"))
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("claim")
    with op.batch_alter_table("publication_outbox", schema=None) as batch_op:
        batch_op.drop_column("note")

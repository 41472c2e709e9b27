"""The archive chapter's holds (保全) and disposal (销毁批次, items, appraisal opinions,
监销人, per-blob outcomes)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 19:51:52.279316
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "review",
                "litigation",
                "complaint",
                "discipline",
                name="holdkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "target_kind",
            sa.Enum(
                "archive_file", "media", "action", name="holdtarget", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("placed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=True),
        sa.Column("locked_until", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.Integer(), nullable=True),
        sa.Column("release_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["placed_by"], ["user_account.id"], name=op.f("fk_archive_hold_placed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["released_by"],
            ["user_account.id"],
            name=op.f("fk_archive_hold_released_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_hold")),
    )
    with op.batch_alter_table("archive_hold", schema=None) as batch_op:
        batch_op.create_index("ix_archive_hold_target", ["target_kind", "target_id"], unique=False)

    op.create_table(
        "disposal_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "appraisal",
                "approval",
                "supervision",
                "ready",
                "executed",
                "rejected",
                name="batchstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("appraised_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("executed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("executed_by", sa.Integer(), nullable=True),
        sa.Column("register_digest", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_disposal_batch_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_disposal_batch_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["executed_by"],
            ["user_account.id"],
            name=op.f("fk_disposal_batch_executed_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["register_digest"],
            ["stored_blob.digest"],
            name=op.f("fk_disposal_batch_register_digest_stored_blob"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_batch")),
        sa.UniqueConstraint("number", name=op.f("uq_disposal_batch_number")),
    )
    with op.batch_alter_table("disposal_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_batch_status"), ["status"], unique=False)

    op.create_table(
        "disposal_witness",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.String(length=500), nullable=False),
        sa.Column("at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disposal_batch.id"],
            name=op.f("fk_disposal_witness_batch_id_disposal_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_disposal_witness_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_witness")),
        sa.UniqueConstraint("batch_id", "user_id", name=op.f("uq_disposal_witness_batch_id")),
    )
    with op.batch_alter_table("disposal_witness", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposal_witness_batch_id"), ["batch_id"], unique=False
        )

    op.create_table(
        "disposal_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column(
            "target_kind",
            sa.Enum("archive_file", "media", name="targetkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "extended",
                "withdrawn",
                "destroyed",
                "locked",
                name="itemstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("new_keep_until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_disposal_item_action_id_action")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disposal_batch.id"],
            name=op.f("fk_disposal_item_batch_id_disposal_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_item")),
        sa.UniqueConstraint(
            "batch_id", "target_kind", "target_id", name=op.f("uq_disposal_item_batch_id")
        ),
    )
    with op.batch_alter_table("disposal_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_item_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disposal_item_target_id"), ["target_id"], unique=False)

    op.create_table(
        "disposal_opinion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "opinion",
            sa.Enum("destroy", "extend", name="opinion", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("extend_years", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disposal_batch.id"],
            name=op.f("fk_disposal_opinion_batch_id_disposal_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["disposal_item.id"],
            name=op.f("fk_disposal_opinion_item_id_disposal_item"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["user_account.id"],
            name=op.f("fk_disposal_opinion_member_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_opinion")),
        sa.UniqueConstraint("item_id", "member_id", name=op.f("uq_disposal_opinion_item_id")),
    )
    with op.batch_alter_table("disposal_opinion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposal_opinion_batch_id"), ["batch_id"], unique=False
        )

    op.create_table(
        "disposal_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=80), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "removed",
                "shared",
                "locked",
                "missing",
                name="bloboutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"], ["stored_blob.digest"], name=op.f("fk_disposal_outcome_digest_stored_blob")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["disposal_item.id"],
            name=op.f("fk_disposal_outcome_item_id_disposal_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposal_outcome")),
    )
    with op.batch_alter_table("disposal_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_outcome_digest"), ["digest"], unique=False)
        batch_op.create_index(batch_op.f("ix_disposal_outcome_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("disposal_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_outcome_item_id"))
        batch_op.drop_index(batch_op.f("ix_disposal_outcome_digest"))

    op.drop_table("disposal_outcome")
    with op.batch_alter_table("disposal_opinion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_opinion_batch_id"))

    op.drop_table("disposal_opinion")
    with op.batch_alter_table("disposal_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_item_target_id"))
        batch_op.drop_index(batch_op.f("ix_disposal_item_batch_id"))

    op.drop_table("disposal_item")
    with op.batch_alter_table("disposal_witness", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_witness_batch_id"))

    op.drop_table("disposal_witness")
    with op.batch_alter_table("disposal_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposal_batch_status"))

    op.drop_table("disposal_batch")
    with op.batch_alter_table("archive_hold", schema=None) as batch_op:
        batch_op.drop_index("ix_archive_hold_target")

    op.drop_table("archive_hold")

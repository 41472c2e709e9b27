"""四性检测 runs of archive files and their transfers (移交)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("warned", sa.Integer(), nullable=False),
        sa.Column("failed_items", sa.JSON(), nullable=False),
        sa.Column("checkpoint_size", sa.Integer(), nullable=False),
        sa.Column("report_digest", sa.String(length=80), nullable=False),
        sa.Column("checked_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_by"],
            ["user_account.id"],
            name=op.f("fk_archive_check_checked_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["archive_file.id"], name=op.f("fk_archive_check_file_id_archive_file")
        ),
        sa.ForeignKeyConstraint(
            ["report_digest"],
            ["stored_blob.digest"],
            name=op.f("fk_archive_check_report_digest_stored_blob"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_check")),
    )
    op.create_index(
        op.f("ix_archive_check_checked_at"), "archive_check", ["checked_at"], unique=False
    )
    op.create_index(op.f("ix_archive_check_file_id"), "archive_check", ["file_id"], unique=False)
    op.create_table(
        "archive_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column(
            "payload_bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("tagmanifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("list_digest", sa.String(length=80), nullable=False),
        sa.Column("signed_note", sa.Text(), nullable=False),
        sa.Column("exported_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("exported_by", sa.Integer(), nullable=True),
        sa.Column("received_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("received_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["archive_check.id"],
            name=op.f("fk_archive_transfer_check_id_archive_check"),
        ),
        sa.ForeignKeyConstraint(
            ["exported_by"],
            ["user_account.id"],
            name=op.f("fk_archive_transfer_exported_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["archive_file.id"], name=op.f("fk_archive_transfer_file_id_archive_file")
        ),
        sa.ForeignKeyConstraint(
            ["list_digest"],
            ["stored_blob.digest"],
            name=op.f("fk_archive_transfer_list_digest_stored_blob"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_transfer")),
    )
    op.create_index(
        op.f("ix_archive_transfer_exported_at"), "archive_transfer", ["exported_at"], unique=False
    )
    op.create_index(
        op.f("ix_archive_transfer_file_id"), "archive_transfer", ["file_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("archive_transfer")
    op.drop_table("archive_check")

"""The archive chapter's first tables: the retention schedule (versions and rows), the
档号 scheme, archive files and their items

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_code_scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fonds", sa.String(length=20), nullable=False),
        sa.Column("fonds_name", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("org_code", sa.String(length=20), nullable=False),
        sa.Column("pattern", sa.String(length=120), nullable=False),
        sa.Column("seq_width", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("set_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_by"], ["user_account.id"], name=op.f("fk_archive_code_scheme_set_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_code_scheme")),
    )
    op.create_table(
        "retention_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "rejected",
                name="schedulestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("proposed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_retention_schedule_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["user_account.id"],
            name=op.f("fk_retention_schedule_proposed_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_schedule")),
        sa.UniqueConstraint("version", name=op.f("uq_retention_schedule_version")),
    )
    op.create_index(
        op.f("ix_retention_schedule_status"), "retention_schedule", ["status"], unique=False
    )
    op.create_table(
        "retention_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column(
            "record_class",
            sa.Enum(
                "case.penalty.decided",
                "case.penalty.summary",
                "case.penalty.not_decided",
                "case.compulsion",
                "case.inspection",
                "case.levy",
                "case.license",
                "case.other",
                "media.inspection_unfiled",
                "access_log",
                "ledger",
                "check_report",
                "transfer_list",
                "disposal_register",
                name="recordclass",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "period_kind",
            sa.Enum(
                "permanent",
                "years",
                "months",
                name="periodkind",
                native_enum=False,
                length=20,  # not a legal limit: column length
            ),
            nullable=False,
        ),
        sa.Column("period_n", sa.Integer(), nullable=False),
        sa.Column(
            "starts",
            sa.Enum(
                "closed_next_year",
                "recorded",
                "created_next_year",
                name="startevent",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["retention_schedule.id"],
            name=op.f("fk_retention_rule_schedule_id_retention_schedule"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rule")),
        sa.UniqueConstraint(
            "schedule_id", "record_class", name=op.f("uq_retention_rule_schedule_id")
        ),
    )
    op.create_index(
        op.f("ix_retention_rule_schedule_id"), "retention_rule", ["schedule_id"], unique=False
    )
    op.create_table(
        "archive_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("archival_code", sa.String(length=120), nullable=False),
        sa.Column("fonds", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("org_code", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "record_class",
            sa.Enum(
                "case.penalty.decided",
                "case.penalty.summary",
                "case.penalty.not_decided",
                "case.compulsion",
                "case.inspection",
                "case.levy",
                "case.license",
                "case.other",
                "media.inspection_unfiled",
                "access_log",
                "ledger",
                "check_report",
                "transfer_list",
                "disposal_register",
                name="recordclass",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column(
            "period_kind",
            sa.Enum(
                "permanent",
                "years",
                "months",
                name="periodkind",
                native_enum=False,
                length=20,  # not a legal limit: column length
            ),
            nullable=False,
        ),
        sa.Column("period_n", sa.Integer(), nullable=False),
        sa.Column("retention_starts_on", sa.Date(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=True),
        sa.Column("retention_basis", sa.String(length=1000), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("filing_due", sa.Date(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column(
            "total_bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("classified_count", sa.Integer(), nullable=False),
        sa.Column("filed_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_archive_file_action_id_action")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"], ["user_account.id"], name=op.f("fk_archive_file_filed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["retention_schedule.id"],
            name=op.f("fk_archive_file_schedule_id_retention_schedule"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["archive_code_scheme.id"],
            name=op.f("fk_archive_file_scheme_id_archive_code_scheme"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_file")),
        sa.UniqueConstraint("action_id", name=op.f("uq_archive_file_action_id")),
        sa.UniqueConstraint("archival_code", name=op.f("uq_archive_file_archival_code")),
        sa.UniqueConstraint(
            "year", "period_code", "org_code", "seq", name=op.f("uq_archive_file_year")
        ),
    )
    op.create_index(op.f("ix_archive_file_filed_at"), "archive_file", ["filed_at"], unique=False)
    op.create_table(
        "archive_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "document",
                "receipt",
                "media",
                "process",
                name="itemkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=False),
        sa.Column("responsible", sa.String(length=100), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("digest", sa.String(length=80), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sm3", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("classified", sa.Boolean(), nullable=False),
        sa.Column("item_metadata", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"], ["stored_blob.digest"], name=op.f("fk_archive_item_digest_stored_blob")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["archive_file.id"], name=op.f("fk_archive_item_file_id_archive_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_item")),
        sa.UniqueConstraint("file_id", "item_no", name=op.f("uq_archive_item_file_id")),
    )
    op.create_index(op.f("ix_archive_item_digest"), "archive_item", ["digest"], unique=False)
    op.create_index(op.f("ix_archive_item_file_id"), "archive_item", ["file_id"], unique=False)


def downgrade() -> None:
    op.drop_table("archive_item")
    op.drop_table("archive_file")
    op.drop_table("retention_rule")
    op.drop_table("retention_schedule")
    op.drop_table("archive_code_scheme")

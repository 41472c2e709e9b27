"""Archive use: use requests (查阅、复制、借出) with their decision, grant, revocation,
lending and return, and the tie of each use to its access-log row

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archive_use_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("item_nos", sa.JSON(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("read", "copy", "borrow", name="usekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("wanted_until", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "approver",
            sa.Enum("archivist", "leader", name="approver", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "approved", "refused", name="requeststatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=300), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("revoke_note", sa.String(length=300), nullable=False),
        sa.Column("lent_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lent_by", sa.Integer(), nullable=True),
        sa.Column("returned_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_archive_use_request_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["archive_file.id"],
            name=op.f("fk_archive_use_request_file_id_archive_file"),
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["record_grant.id"],
            name=op.f("fk_archive_use_request_grant_id_record_grant"),
        ),
        sa.ForeignKeyConstraint(
            ["lent_by"],
            ["user_account.id"],
            name=op.f("fk_archive_use_request_lent_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_account.id"],
            name=op.f("fk_archive_use_request_requested_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["returned_by"],
            ["user_account.id"],
            name=op.f("fk_archive_use_request_returned_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_use_request")),
    )
    op.create_index(
        op.f("ix_archive_use_request_file_id"), "archive_use_request", ["file_id"], unique=False
    )
    op.create_index(
        op.f("ix_archive_use_request_requested_by"),
        "archive_use_request",
        ["requested_by"],
        unique=False,
    )
    op.create_index(
        op.f("ix_archive_use_request_status"), "archive_use_request", ["status"], unique=False
    )
    op.create_table(
        "archive_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("access_id", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum("view", "copy", name="usemode", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("used_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["access_id"], ["access_log.id"], name=op.f("fk_archive_use_access_id_access_log")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["archive_item.id"], name=op.f("fk_archive_use_item_id_archive_item")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["archive_use_request.id"],
            name=op.f("fk_archive_use_request_id_archive_use_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_use")),
        sa.UniqueConstraint("access_id", name=op.f("uq_archive_use_access_id")),
    )
    op.create_index(op.f("ix_archive_use_request_id"), "archive_use", ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_archive_use_request_id"), table_name="archive_use")
    op.drop_table("archive_use")
    op.drop_index(op.f("ix_archive_use_request_status"), table_name="archive_use_request")
    op.drop_index(op.f("ix_archive_use_request_requested_by"), table_name="archive_use_request")
    op.drop_index(op.f("ix_archive_use_request_file_id"), table_name="archive_use_request")
    op.drop_table("archive_use_request")

"""correction requests, withdrawals and updates of publications

The two tables designed in 0009 (no rows were ever written: they had no behaviour) are
replaced by their final shape: a correction case names the publication by its public id
(the obligation), so the public portal's intake needs no internal table; withdrawals and
the new update obligations carry their due day, basis, person and unit responsible.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW = ("correction_request", "publication_withdrawal", "publication_update")


def upgrade() -> None:
    op.drop_table("correction_request")
    op.drop_table("publication_withdrawal")
    op.create_table(
        "correction_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("requester_name", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("what_is_wrong", sa.String(length=5000), nullable=False),
        sa.Column("evidence_digest", sa.String(length=80), nullable=True),
        sa.Column("evidence_type", sa.String(length=40), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("received_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("limit_code", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "proposed",
                "corrected",
                "rejected",
                name="casestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.String(length=1000), nullable=False),
        sa.Column("new_publication_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_correction_request_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["evidence_digest"],
            ["stored_blob.digest"],
            name=op.f("fk_correction_request_evidence_digest_stored_blob"),
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"],
            ["user_account.id"],
            name=op.f("fk_correction_request_handler_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["new_publication_id"],
            ["publication.id"],
            name=op.f("fk_correction_request_new_publication_id_publication"),
        ),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["publication_obligation.id"],
            name=op.f("fk_correction_request_obligation_id_publication_obligation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["user_account.id"],
            name=op.f("fk_correction_request_proposed_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_request")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_correction_request_receipt_number")),
    )
    op.create_index(
        op.f("ix_correction_request_client_key"), "correction_request", ["client_key"], unique=False
    )
    op.create_index(
        op.f("ix_correction_request_due_on"), "correction_request", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_correction_request_handler_id"), "correction_request", ["handler_id"], unique=False
    )
    op.create_index(
        op.f("ix_correction_request_obligation_id"),
        "correction_request",
        ["obligation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_correction_request_received_at"),
        "correction_request",
        ["received_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_correction_request_status"), "correction_request", ["status"], unique=False
    )
    op.create_table(
        "publication_withdrawal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column(
            "cause",
            sa.Enum(
                "changed",
                "revoked",
                "unlawful",
                "void",
                "redo",
                name="withdrawalcause",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("decision_ref", sa.String(length=200), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("limit_code", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=1000), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "proposed", "done", name="taskstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("done_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["user_account.id"],
            name=op.f("fk_publication_withdrawal_done_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["publication_obligation.id"],
            name=op.f("fk_publication_withdrawal_obligation_id_publication_obligation"),
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_publication_withdrawal_publication_id_publication"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_account.id"],
            name=op.f("fk_publication_withdrawal_requested_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["user_account.id"],
            name=op.f("fk_publication_withdrawal_responsible_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_publication_withdrawal_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_withdrawal")),
    )
    op.create_index(
        op.f("ix_publication_withdrawal_due_on"), "publication_withdrawal", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_publication_withdrawal_obligation_id"),
        "publication_withdrawal",
        ["obligation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_publication_withdrawal_responsible_id"),
        "publication_withdrawal",
        ["responsible_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_publication_withdrawal_status"), "publication_withdrawal", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_publication_withdrawal_unit_id"),
        "publication_withdrawal",
        ["unit_id"],
        unique=False,
    )
    op.create_table(
        "publication_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("withdrawal_id", sa.Integer(), nullable=True),
        sa.Column("decision_ref", sa.String(length=200), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("limit_code", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=1000), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "proposed", "done", name="taskstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("new_publication_id", sa.Integer(), nullable=True),
        sa.Column("done_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["user_account.id"],
            name=op.f("fk_publication_update_done_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["new_publication_id"],
            ["publication.id"],
            name=op.f("fk_publication_update_new_publication_id_publication"),
        ),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["publication_obligation.id"],
            name=op.f("fk_publication_update_obligation_id_publication_obligation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["user_account.id"],
            name=op.f("fk_publication_update_proposed_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["user_account.id"],
            name=op.f("fk_publication_update_responsible_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_publication_update_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawal_id"],
            ["publication_withdrawal.id"],
            name=op.f("fk_publication_update_withdrawal_id_publication_withdrawal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_update")),
    )
    op.create_index(
        op.f("ix_publication_update_due_on"), "publication_update", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_publication_update_obligation_id"),
        "publication_update",
        ["obligation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_publication_update_responsible_id"),
        "publication_update",
        ["responsible_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_publication_update_status"), "publication_update", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_publication_update_unit_id"), "publication_update", ["unit_id"], unique=False
    )


def downgrade() -> None:
    for name in reversed(_NEW):
        op.drop_table(name)
    op.create_table(
        "correction_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("requester_name", sa.String(length=100), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("what_is_wrong", sa.String(length=5000), nullable=False),
        sa.Column("evidence_digest", sa.String(length=80), nullable=True),
        sa.Column("received_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=1000), nullable=False),
        sa.Column("new_publication_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_correction_request_decided_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["evidence_digest"],
            ["stored_blob.digest"],
            name=op.f("fk_correction_request_evidence_digest_stored_blob"),
        ),
        sa.ForeignKeyConstraint(
            ["new_publication_id"],
            ["publication.id"],
            name=op.f("fk_correction_request_new_publication_id_publication"),
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_correction_request_publication_id_publication"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_request")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_correction_request_receipt_number")),
    )
    with op.batch_alter_table("correction_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_correction_request_publication_id"), ["publication_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_correction_request_status"), ["status"], unique=False)

    op.create_table(
        "publication_withdrawal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("limit_code", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["user_account.id"],
            name=op.f("fk_publication_withdrawal_done_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
            name=op.f("fk_publication_withdrawal_publication_id_publication"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_account.id"],
            name=op.f("fk_publication_withdrawal_requested_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_withdrawal")),
    )
    with op.batch_alter_table("publication_withdrawal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_withdrawal_publication_id"), ["publication_id"], unique=False
        )

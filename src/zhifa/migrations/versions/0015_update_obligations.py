"""update obligations of the catalogue (law, organisation and certificate changes)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 23:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = (
    "cause",
    "certificate_id",
    "due_on",
    "law_change_id",
    "organisation_change_id",
    "responsible_id",
    "status",
    "unit_id",
)


def upgrade() -> None:
    op.create_table(
        "organisation_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("approval_number", sa.String(length=100), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_organisation_change_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_change")),
    )
    op.create_table(
        "catalogue_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "cause",
            sa.Enum(
                "law_change",
                "organisation",
                "certificate",
                name="updatecause",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("law_change_id", sa.Integer(), nullable=True),
        sa.Column("organisation_change_id", sa.Integer(), nullable=True),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("certificate_version", sa.Integer(), nullable=True),
        sa.Column("target_kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("review", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("limit_code", sa.String(length=60), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("basis", sa.String(length=1000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "published", "unchanged", name="updatestatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("done_note", sa.String(length=1000), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificate.id"],
            name=op.f("fk_catalogue_update_certificate_id_certificate"),
        ),
        sa.ForeignKeyConstraint(
            ["done_by"], ["user_account.id"], name=op.f("fk_catalogue_update_done_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["law_change_id"],
            ["law_change.id"],
            name=op.f("fk_catalogue_update_law_change_id_law_change"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_change_id"],
            ["organisation_change.id"],
            name=op.f("fk_catalogue_update_organisation_change_id_organisation_change"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["user_account.id"],
            name=op.f("fk_catalogue_update_responsible_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["public_snapshot.id"],
            name=op.f("fk_catalogue_update_snapshot_id_public_snapshot"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_catalogue_update_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_update")),
    )
    for column in _INDEXED:
        op.create_index(
            op.f(f"ix_catalogue_update_{column}"), "catalogue_update", [column], unique=False
        )


def downgrade() -> None:
    for column in _INDEXED:
        op.drop_index(op.f(f"ix_catalogue_update_{column}"), table_name="catalogue_update")
    op.drop_table("catalogue_update")
    op.drop_table("organisation_change")

"""inspection directories (一单两库): the 检查对象名录库 (entries of parties, versioned,
with the GB/T 4754 industry code, risk grade, 属地, special flags, licence and operating
state) and the 执法检查人员名录库's absences and declared 回避 relations (versioned)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspector_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspector_absence_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["user_account.id"],
            name=op.f("fk_inspector_absence_officer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector_absence")),
    )
    op.create_index(
        op.f("ix_inspector_absence_officer_id"), "inspector_absence", ["officer_id"], unique=False
    )
    op.create_table(
        "inspection_subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_subject_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_inspection_subject_party_id_party")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_subject")),
        sa.UniqueConstraint("party_id", name=op.f("uq_inspection_subject_party_id")),
    )
    op.create_table(
        "inspector_absence_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("absence_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "leave",
                "training",
                "secondment",
                "sick",
                "other",
                name="absencekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["absence_id"],
            ["inspector_absence.id"],
            name=op.f("fk_inspector_absence_version_absence_id_inspector_absence"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspector_absence_version_created_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector_absence_version")),
        sa.UniqueConstraint(
            "absence_id", "version", name=op.f("uq_inspector_absence_version_absence_id")
        ),
    )
    op.create_index(
        op.f("ix_inspector_absence_version_absence_id"),
        "inspector_absence_version",
        ["absence_id"],
        unique=False,
    )
    op.create_table(
        "inspector_recusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspector_recusal_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["user_account.id"],
            name=op.f("fk_inspector_recusal_officer_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_inspector_recusal_party_id_party")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector_recusal")),
    )
    op.create_index(
        op.f("ix_inspector_recusal_officer_id"), "inspector_recusal", ["officer_id"], unique=False
    )
    op.create_index(
        op.f("ix_inspector_recusal_party_id"), "inspector_recusal", ["party_id"], unique=False
    )
    op.create_table(
        "inspection_subject_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("industry_code", sa.String(length=5), nullable=False),
        sa.Column(
            "risk_grade",
            sa.Enum("A", "B", "C", "D", name="riskgrade", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("street", sa.String(length=20), nullable=False),
        sa.Column("special_flags", sa.JSON(), nullable=False),
        sa.Column(
            "licence_state",
            sa.Enum(
                "valid",
                "expired",
                "revoked",
                "not_required",
                name="licencestate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "operating",
                "suspended",
                "deregistered",
                name="operatingstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspection_subject_version_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["inspection_subject.id"],
            name=op.f("fk_inspection_subject_version_subject_id_inspection_subject"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_subject_version")),
        sa.UniqueConstraint(
            "subject_id", "version", name=op.f("uq_inspection_subject_version_subject_id")
        ),
    )
    op.create_index(
        op.f("ix_inspection_subject_version_subject_id"),
        "inspection_subject_version",
        ["subject_id"],
        unique=False,
    )
    op.create_table(
        "inspector_recusal_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recusal_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ground", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user_account.id"],
            name=op.f("fk_inspector_recusal_version_created_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["recusal_id"],
            ["inspector_recusal.id"],
            name=op.f("fk_inspector_recusal_version_recusal_id_inspector_recusal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector_recusal_version")),
        sa.UniqueConstraint(
            "recusal_id", "version", name=op.f("uq_inspector_recusal_version_recusal_id")
        ),
    )
    op.create_index(
        op.f("ix_inspector_recusal_version_recusal_id"),
        "inspector_recusal_version",
        ["recusal_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_inspector_recusal_version_recusal_id"), table_name="inspector_recusal_version"
    )
    op.drop_table("inspector_recusal_version")
    op.drop_index(
        op.f("ix_inspection_subject_version_subject_id"), table_name="inspection_subject_version"
    )
    op.drop_table("inspection_subject_version")
    op.drop_index(op.f("ix_inspector_recusal_party_id"), table_name="inspector_recusal")
    op.drop_index(op.f("ix_inspector_recusal_officer_id"), table_name="inspector_recusal")
    op.drop_table("inspector_recusal")
    op.drop_index(
        op.f("ix_inspector_absence_version_absence_id"), table_name="inspector_absence_version"
    )
    op.drop_table("inspector_absence_version")
    op.drop_table("inspection_subject")
    op.drop_index(op.f("ix_inspector_absence_officer_id"), table_name="inspector_absence")
    op.drop_table("inspector_absence")

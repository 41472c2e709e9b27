"""published catalogue and other public snapshots (catalogue, officers, yearly figures) and their portal pages

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 23:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEDGER_INDEX = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ONE_SUBJECT = "(publication_id IS NULL) <> (public_snapshot_id IS NULL)"


def upgrade() -> None:
    op.create_table(
        "public_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("ledger_index", _LEDGER_INDEX, nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "published",
                "superseded",
                "withdrawn",
                name="snapshotstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_reason", sa.String(length=1000), nullable=False),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["user_account.id"],
            name=op.f("fk_public_snapshot_published_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["public_snapshot.id"],
            name=op.f("fk_public_snapshot_supersedes_id_public_snapshot"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by"],
            ["user_account.id"],
            name=op.f("fk_public_snapshot_withdrawn_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_snapshot")),
        sa.UniqueConstraint("kind", "subject", "version", name=op.f("uq_public_snapshot_kind")),
    )
    with op.batch_alter_table("public_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_snapshot_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_snapshot_status"), ["status"], unique=False)

    op.create_table(
        "portal_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("ledger_index", _LEDGER_INDEX, nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_snapshot")),
        sa.UniqueConstraint("kind", "subject", name=op.f("uq_portal_snapshot_kind")),
    )
    with op.batch_alter_table("portal_snapshot", schema=None) as batch_op:
        batch_op.create_index("ix_portal_snapshot_kind_unit", ["kind", "unit_name"], unique=False)

    op.create_table(
        "portal_snapshot_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("ledger_index", _LEDGER_INDEX, nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_snapshot_version")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_portal_snapshot_version_idempotency_key")
        ),
    )
    with op.batch_alter_table("portal_snapshot_version", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_snapshot_version_subject", ["kind", "subject"], unique=False
        )

    op.create_table(
        "portal_lookup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_lookup")),
    )
    with op.batch_alter_table("portal_lookup", schema=None) as batch_op:
        batch_op.create_index("ix_portal_lookup_client_at", ["client_key", "at"], unique=False)

    with op.batch_alter_table("publication_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_snapshot_id", sa.Integer(), nullable=True))
        batch_op.alter_column("publication_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_publication_outbox_public_snapshot_id"),
            ["public_snapshot_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_publication_outbox_public_snapshot_id_public_snapshot"),
            "public_snapshot",
            ["public_snapshot_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            op.f("ck_publication_outbox_one_subject"), sa.text(_ONE_SUBJECT)
        )


def downgrade() -> None:
    # Messages about public snapshots have no publication: they go with the snapshots.
    op.execute(
        "DELETE FROM publication_delivery WHERE message_id IN (SELECT id FROM publication_outbox WHERE public_snapshot_id IS NOT NULL)"
    )
    op.execute("DELETE FROM publication_outbox WHERE public_snapshot_id IS NOT NULL")
    with op.batch_alter_table("publication_outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_publication_outbox_one_subject"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_publication_outbox_public_snapshot_id_public_snapshot"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_publication_outbox_public_snapshot_id"))
        batch_op.alter_column("publication_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("public_snapshot_id")

    with op.batch_alter_table("portal_lookup", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_lookup_client_at")
    op.drop_table("portal_lookup")
    with op.batch_alter_table("portal_snapshot_version", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_snapshot_version_subject")
    op.drop_table("portal_snapshot_version")
    with op.batch_alter_table("portal_snapshot", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_snapshot_kind_unit")
    op.drop_table("portal_snapshot")
    with op.batch_alter_table("public_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_snapshot_status"))
        batch_op.drop_index(batch_op.f("ix_public_snapshot_kind"))
    op.drop_table("public_snapshot")

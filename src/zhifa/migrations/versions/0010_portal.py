"""public portal read model (published snapshots only) and its search index

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db
import zhifa.publicity.portal.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEDGER_INDEX = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "portal_entry",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sort_key", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("party_name", sa.String(length=200), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("public_until", sa.Date(), nullable=True),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("ledger_index", _LEDGER_INDEX, nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=True),
        sa.Column("search_vector", zhifa.publicity.portal.models.SearchVector(), nullable=True),
        sa.Column("updated_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_entry")),
        sa.UniqueConstraint("seq", name=op.f("uq_portal_entry_seq")),
        sa.UniqueConstraint("sort_key", name=op.f("uq_portal_entry_sort_key")),
    )
    with op.batch_alter_table("portal_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_entry_status_sort_key", ["status", "sort_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_portal_entry_kind"), ["kind"], unique=False)
        batch_op.create_index(
            "ix_portal_entry_search_vector",
            ["search_vector"],
            unique=False,
            postgresql_using="gin",
        )
    op.create_table(
        "portal_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("ledger_index", _LEDGER_INDEX, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_version")),
    )
    with op.batch_alter_table("portal_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_version_entry_id"), ["entry_id"], unique=False)
    op.create_table(
        "portal_receipt",
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(length=200), nullable=False),
        sa.Column("applied_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_portal_receipt")),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Bigram tokens are space-separated, so unicode61 splits them as written; a
        # prefix index of one character serves one-character queries.
        op.execute(
            "CREATE VIRTUAL TABLE portal_search USING fts5("
            "body, party, unit, kind, tokenize = 'unicode61', prefix = '1')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE portal_search")
    op.drop_table("portal_receipt")
    with op.batch_alter_table("portal_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_version_entry_id"))
    op.drop_table("portal_version")
    with op.batch_alter_table("portal_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_entry_search_vector")
        batch_op.drop_index(batch_op.f("ix_portal_entry_kind"))
        batch_op.drop_index("ix_portal_entry_status_sort_key")
    op.drop_table("portal_entry")

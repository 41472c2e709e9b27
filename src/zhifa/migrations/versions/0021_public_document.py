"""public verification of issued documents: their public facts by digest, so that the
portal process can answer /verify/document without the internal document table

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import zhifa.core.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "public_document",
        sa.Column("digest", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column(
            "issue_entry", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("corrected_by", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", zhifa.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_public_document")),
    )
    _copy_issued_documents(table)


def _copy_issued_documents(table: sa.Table) -> None:
    """Documents issued before this revision become verifiable the same way."""
    from zhifa.recording.documents.verification import UNNUMBERED_CORRECTION, title_of

    document = sa.table(
        "document",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("variant", sa.String()),
        sa.column("status", sa.String()),
        sa.column("doc_number", sa.String()),
        sa.column("issue_date", sa.Date()),
        sa.column("issue_entry", sa.BigInteger()),
        sa.column("pdf_digest", sa.String()),
        sa.column("supersedes_id", sa.Integer()),
    )
    bind = op.get_bind()
    issued = bind.execute(
        sa.select(document).where(document.c.status == "issued").order_by(document.c.id)
    ).all()
    corrections = {row.supersedes_id: row for row in issued if row.supersedes_id is not None}
    rows, seen = [], set()
    for doc in issued:
        if not doc.pdf_digest or doc.pdf_digest in seen:
            continue
        seen.add(doc.pdf_digest)
        newer = corrections.get(doc.id)
        rows.append(
            {
                "digest": doc.pdf_digest,
                "title": title_of(doc),  # reads kind and variant, as of a Document
                "doc_number": doc.doc_number,
                "issue_date": doc.issue_date,
                "issue_entry": doc.issue_entry,
                "corrected_by": (newer.doc_number or UNNUMBERED_CORRECTION) if newer else None,
                "recorded_at": zhifa.core.db.utcnow(),
            }
        )
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("public_document")

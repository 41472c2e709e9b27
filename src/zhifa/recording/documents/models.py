"""Tables of documents (文书): drafts and issued documents, their numbering counters and
patterns, and how each issued document was served (送达).

An issued document row is never changed again: a correction is a new row whose
``supersedes_id`` names the old one, and "已更正" is derived from that link. Every
change of every table here goes into the ledger (`core.audit.record_change`), except
``PublicDocument``: the public verification page's copy of what anyone may learn of an
issued document from its digest (name, number, day, ledger entry, its correction), written
in the issuing transaction from the document's own ledgered entry, so that the public
portal process can answer /verify/document without reading the internal document table.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow


class DocumentStatus(StrEnum):
    draft = "draft"  # 草稿: editable, not yet a record
    issued = "issued"  # 已签发: numbered, rendered, frozen
    discarded = "discarded"  # 已作废草稿 (never issued)


STATUS_LABELS = {
    DocumentStatus.draft: "草稿",
    DocumentStatus.issued: "已签发",
    DocumentStatus.discarded: "草稿已作废",
}


class Document(Base):
    """One version of one document of an action."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("kind", "number_year", "number_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    variant: Mapped[str] = mapped_column(String(20), default="")  # template by party kind
    status: Mapped[DocumentStatus] = mapped_column(enum_type(DocumentStatus), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what the officer filled
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # action/party/officers
    revision: Mapped[int] = mapped_column(default=1)  # draft saves
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    correction_reason: Mapped[str] = mapped_column(String(500), default="")
    doc_number: Mapped[str | None] = mapped_column(String(80), unique=True)
    number_year: Mapped[int | None]
    number_seq: Mapped[int | None]
    issue_date: Mapped[date | None]
    issued_at: Mapped[datetime | None]
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    pdf_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"), index=True)
    # Index of the ledger entry that records the issue (this row, frozen).
    issue_entry: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    discard_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class DocumentCounter(Base):
    """The last 文号 sequence number used for a kind in a year. Taken with a row lock
    (PostgreSQL) or under the write lock (SQLite) by the issuing transaction only, so a
    number is used exactly when a document is issued: no gap, no duplicate."""

    __tablename__ = "document_counter"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class DocumentNumberPattern(Base):
    """A 文号 pattern set for a kind (append-only; the newest applies)."""

    __tablename__ = "document_number_pattern"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    pattern: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ServiceMethod(StrEnum):
    direct = "direct"  # 直接送达
    left = "left"  # 留置送达
    post = "post"  # 邮寄送达
    announcement = "announcement"  # 公告送达
    electronic = "electronic"  # 电子送达 (only with the party's consent)


SERVICE_METHOD_LABELS = {
    ServiceMethod.direct: "直接送达",
    ServiceMethod.left: "留置送达",
    ServiceMethod.post: "邮寄送达",
    ServiceMethod.announcement: "公告送达",
    ServiceMethod.electronic: "电子送达",
}


class DocumentService(Base):
    """How an issued document was served (append-only)."""

    __tablename__ = "document_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    method: Mapped[ServiceMethod] = mapped_column(enum_type(ServiceMethod))
    served_on: Mapped[date]
    recipient: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(300), default="")  # address, e-mail, 公告载体
    receipt_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    receipt_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    consent: Mapped[bool] = mapped_column(default=False)  # 电子送达: party agreed in writing
    consent_evidence: Mapped[str] = mapped_column(String(300), default="")
    consent_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class PublicDocument(Base):
    """What /verify/document may tell anyone about an issued document: nothing personal."""

    __tablename__ = "public_document"

    digest: Mapped[str] = mapped_column(String(80), primary_key=True)  # the issued PDF's
    title: Mapped[str] = mapped_column(String(200))
    doc_number: Mapped[str | None] = mapped_column(String(100))
    issue_date: Mapped[date]
    issue_entry: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    corrected_by: Mapped[str | None] = mapped_column(String(100))  # 文号 of its correction
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

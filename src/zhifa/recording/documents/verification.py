"""Public verification of an issued document by its digest (/verify/document): anyone
holding a printed or electronic copy can check that the bureau issued it, and whether a
correction replaced it. Answered from `PublicDocument` only — the issued document's name,
number, day and ledger entry, never its content or its party — so the public portal
process serves it without reading the internal document table (invariant 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from zhifa.blobs import is_valid_digest
from zhifa.core.errors import DomainError
from zhifa.recording.documents.kinds import document_kind
from zhifa.recording.documents.models import Document, PublicDocument

UNNUMBERED_CORRECTION = "无文号的更正文书"


@dataclass(frozen=True)
class PublicVerification:
    """What anyone may learn from a digest: nothing personal."""

    doc_number: str | None
    title: str
    issue_date: date
    issue_entry: int
    corrected_by: str | None  # 文号 (or 无文号) of the correction that replaced it
    bureau: str


def title_of(doc: Document) -> str:
    """The document's name as printed on it (its kind, and its variant if any)."""
    kind = document_kind(doc.kind)
    if doc.variant and doc.variant in kind.variants:
        return f"{kind.title}（{kind.variants[doc.variant][0]}）"
    return kind.title


def publish_verification(db: Session, doc: Document, original: Document | None) -> None:
    """In the issuing transaction: make ``doc`` verifiable by its digest, and mark the
    document it corrects (if any) as replaced."""
    assert doc.pdf_digest and doc.issue_date and doc.issue_entry is not None
    db.add(
        PublicDocument(
            digest=doc.pdf_digest,
            title=title_of(doc),
            doc_number=doc.doc_number,
            issue_date=doc.issue_date,
            issue_entry=doc.issue_entry,
        )
    )
    if original is not None and original.pdf_digest:
        replaced = db.get(PublicDocument, original.pdf_digest)
        if replaced is not None:
            replaced.corrected_by = doc.doc_number or UNNUMBERED_CORRECTION


def verify_digest(db: Session, bureau: str, digest: str) -> PublicVerification | None:
    """The issued document whose PDF has ``digest``, as the public may see it; None when
    the bureau issued none."""
    digest = digest.strip().lower()
    if not is_valid_digest(digest):
        raise DomainError("摘要格式不正确，应为 sha256:（或 sm3:）加 64 位十六进制字符", "digest")
    row = db.get(PublicDocument, digest)
    if row is None:
        return None
    return PublicVerification(
        doc_number=row.doc_number,
        title=row.title,
        issue_date=row.issue_date,
        issue_entry=row.issue_entry,
        corrected_by=row.corrected_by,
        bureau=bureau,
    )

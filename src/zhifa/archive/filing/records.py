"""Which records of a closed case are filed (记录办法 第十条): every issued document and
its service receipts, and every medium except the inspection video that is neither
evidence nor disputed (第十条第三款: kept at least 6 months, may stay unfiled). Filing
uses it to make the items; 四性检测 uses it to find what is missing (归档范围)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing.rules import Candidate
from zhifa.core.calendar import SHANGHAI
from zhifa.core.errors import DomainError
from zhifa.core.models import StoredBlob
from zhifa.enforcement.models import Action
from zhifa.recording.access.rules import Restriction
from zhifa.recording.access.service import restrictions_of
from zhifa.recording.av.marks import current_marks, marks_of
from zhifa.recording.av.models import MarkKind
from zhifa.recording.av.rules import Retention, retention_rule
from zhifa.recording.documents.kinds import document_kind
from zhifa.recording.documents.models import Document, DocumentService, DocumentStatus
from zhifa.recording.media.models import Media


def document_records(db: Session, action: Action) -> list[Candidate]:
    """Every issued document of the case (corrections too) and its service receipts."""
    query = select(Document).where(
        Document.action_id == action.id, Document.status == DocumentStatus.issued
    )
    candidates = []
    for doc in db.scalars(query.order_by(Document.id)):
        if doc.pdf_digest is None or doc.issue_date is None:
            continue
        title = document_kind(doc.kind).title
        size = _size(db, doc.pdf_digest)
        candidates.append(
            Candidate(
                "document",
                f"document:{doc.id}",
                title + ("（更正）" if doc.supersedes_id else ""),
                doc.doc_number or "",
                doc.issue_date,
                doc.pdf_digest,
                size,
                "application/pdf",
                f"{title}.pdf",
            )
        )
        candidates += _receipts(db, doc, title)
    return candidates


def _receipts(db: Session, doc: Document, title: str) -> list[Candidate]:
    query = select(DocumentService).where(DocumentService.document_id == doc.id)
    out = []
    for service in db.scalars(query.order_by(DocumentService.id)):
        for suffix, digest, what in (
            ("receipt", service.receipt_digest, "送达凭证"),
            ("consent", service.consent_digest, "电子送达确认书"),
        ):
            if digest is None:
                continue
            out.append(
                Candidate(
                    "receipt",
                    f"document_service:{service.id}/{suffix}",
                    f"{title}{what}",
                    doc.doc_number or "",
                    service.served_on,
                    digest,
                    _size(db, digest),
                    "application/pdf",
                    f"{title}{what}.pdf",
                )
            )
    return out


def media_records(db: Session, action: Action) -> tuple[list[Candidate], list[Media]]:
    """The case's media to file, and the inspection video left unfiled (第十条第三款)."""
    media = list(db.scalars(select(Media).where(Media.action_id == action.id).order_by(Media.id)))
    flags = restrictions_of(db, [m.id for m in media])
    filed, unfiled = [], []
    for row in media:
        marks = current_marks(marks_of(db, row.id))
        rule = retention_rule(
            action.kind.value,
            row.kind.value,
            MarkKind.evidence in marks,
            MarkKind.disputed in marks,
        )
        if rule is Retention.keep_six_months:
            unfiled.append(row)
            continue
        made = row.recorded_at or row.uploaded_at
        filed.append(
            Candidate(
                "media",
                f"media:{row.id}",
                f"{row.filename}",
                "",
                made.astimezone(SHANGHAI).date(),
                row.digest,
                row.size,
                row.content_type,
                row.filename,
                classified=Restriction.state_secret in flags.get(row.id, frozenset()),
                extra={
                    "作为证据": MarkKind.evidence in marks,
                    "发生争议": MarkKind.disputed in marks,
                    "设备编号": row.device_serial or "",
                },
            )
        )
    return filed, unfiled


def _size(db: Session, digest: str) -> int:
    blob = db.get(StoredBlob, digest)
    if blob is None:
        raise DomainError(f"文件 {digest} 未登记，不能归档")
    return blob.size

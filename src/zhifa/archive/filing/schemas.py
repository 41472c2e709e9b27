"""What the filing API answers: the cases due, the 档号 scheme, archive files and their
卷内目录 (a classified item carries only its number and title for a reader without
``media.restricted_read``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile
from zhifa.archive.filing.reading import FileView, ItemView
from zhifa.archive.filing.service import DueCase
from zhifa.archive.retention.rules import CLASS_LABELS, Period


class DueCaseOut(BaseModel):
    action_id: int
    title: str
    closed_on: date
    filing_due: date
    overdue: bool

    @classmethod
    def of(cls, row: DueCase) -> DueCaseOut:
        return cls(
            action_id=row.action.id, title=row.action.title, closed_on=row.closed_on,
            filing_due=row.filing_due, overdue=row.overdue,
        )  # fmt: skip


class SchemeOut(BaseModel):
    id: int
    fonds: str
    fonds_name: str
    category: str
    org_code: str
    code_pattern: str
    seq_width: int
    reason: str
    set_at: datetime
    set_by: int | None

    @classmethod
    def of(cls, row: ArchiveCodeScheme) -> SchemeOut:
        return cls(
            id=row.id, fonds=row.fonds, fonds_name=row.fonds_name, category=row.category,
            org_code=row.org_code, code_pattern=row.pattern, seq_width=row.seq_width,
            reason=row.reason, set_at=row.set_at, set_by=row.set_by,
        )  # fmt: skip


class ItemOut(BaseModel):
    item_no: int
    title: str
    classified: bool
    kind: str | None = None
    doc_number: str | None = None
    responsible: str | None = None
    made_on: date | None = None
    pages: int | None = None
    content_type: str | None = None
    size: int | None = None
    digest: str | None = None
    link: str | None = None

    @classmethod
    def of(cls, view: ItemView) -> ItemOut:
        i = view.item
        if not view.shown:
            return cls(item_no=i.item_no, title=i.title, classified=True)
        return cls(
            item_no=i.item_no, title=i.title, classified=i.classified, kind=i.kind,
            doc_number=i.doc_number, responsible=i.responsible, made_on=i.made_on,
            pages=i.pages, content_type=i.content_type, size=i.size, digest=i.digest,
            link=view.link,
        )  # fmt: skip


class FileOut(BaseModel):
    id: int
    action_id: int
    archival_code: str
    title: str
    record_class: str
    class_label: str
    period_label: str
    retention_starts_on: date
    keep_until: date | None
    retention_basis: str
    closed_on: date
    filing_due: date
    filed_at: datetime
    filed_by: int | None
    item_count: int
    classified_count: int
    items: list[ItemOut] | None = None

    @classmethod
    def of(cls, row: ArchiveFile, view: FileView | None = None) -> FileOut:
        return cls(
            id=row.id, action_id=row.action_id, archival_code=row.archival_code,
            title=row.title, record_class=row.record_class,
            class_label=CLASS_LABELS[row.record_class],
            period_label=Period(row.period_kind, row.period_n).label,
            retention_starts_on=row.retention_starts_on, keep_until=row.keep_until,
            retention_basis=row.retention_basis, closed_on=row.closed_on,
            filing_due=row.filing_due, filed_at=row.filed_at, filed_by=row.filed_by,
            item_count=row.item_count, classified_count=row.classified_count,
            items=[ItemOut.of(i) for i in view.items] if view else None,
        )  # fmt: skip

"""Reading an archive file: its header and 卷内目录 as the reader may see them (a
classified item — 国家秘密 — shows only its 件号, title and 涉密 to anyone without
``media.restricted_read``), a link to each item's record page, and the read logged
(调阅留痕) before anything is shown."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing.models import ArchiveCodeScheme, ArchiveFile, ArchiveItem
from zhifa.archive.filing.rules import format_label, source_link
from zhifa.archive.retention.rules import CLASS_LABELS, Period
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.permissions import Permission
from zhifa.enforcement.models import Action
from zhifa.recording.documents.models import DocumentService


@dataclass(frozen=True)
class ItemView:
    item: ArchiveItem
    shown: bool  # False: classified, shown as 涉密 with its title only
    link: str | None
    format: str


@dataclass(frozen=True)
class FileView:
    archive: ArchiveFile
    scheme: ArchiveCodeScheme
    action: Action
    period: Period
    class_label: str
    items: list[ItemView]


def _served(db: Session, items: list[ArchiveItem]) -> dict[int, int]:
    """Service record id -> the served document, for the receipts among ``items``."""
    ids = {
        int(i.source.partition(":")[2].partition("/")[0])
        for i in items
        if i.source.startswith("document_service:")
    }
    if not ids:
        return {}
    query = select(DocumentService.id, DocumentService.document_id)
    return {service: doc for service, doc in db.execute(query.where(DocumentService.id.in_(ids)))}


def _item(
    item: ArchiveItem, sees_classified: bool, action_id: int, served: dict[int, int]
) -> ItemView:
    shown = sees_classified or not item.classified
    link = source_link(item.source, action_id, served) if shown else None
    return ItemView(item, shown, link, format_label(item.content_type))


def file_view(db: Session, archive: ArchiveFile, who: Principal) -> FileView:
    scheme = db.get(ArchiveCodeScheme, archive.scheme_id)
    action = db.get(Action, archive.action_id)
    assert scheme is not None and action is not None  # foreign keys
    served = _served(db, archive.items)
    sees_classified = who.can(Permission.media_restricted_read)
    items = [_item(item, sees_classified, action.id, served) for item in archive.items]
    period = Period(archive.period_kind, archive.period_n)
    return FileView(archive, scheme, action, period, CLASS_LABELS[archive.record_class], items)


def log_read(db: Session, who: Principal, view: FileView, via: str = "page") -> None:
    """Log (ledger and commit) one read of the archive file, before it is shown."""
    log_access(
        db,
        who,
        "archive_file",
        view.archive.id,
        f"查看档案 {view.archive.archival_code}",
        via,
        action_id=view.action.id,
        party_id=view.action.party_id,
    )

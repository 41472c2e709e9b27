"""Which blobs an item of a batch holds, and whether a blob is still needed by a record
that stays. Content is addressed by its digest, so the same bytes may back several
records (a PDF filed in two cases, a clip uploaded twice): it may leave the store only
when every row that refers to it is being disposed of, or was before."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Column, Table, select
from sqlalchemy.orm import Session

from zhifa.archive.disposal.models import DisposalItem
from zhifa.archive.disposal.rules import ItemState, TargetKind, shared_elsewhere
from zhifa.archive.filing.models import ArchiveItem
from zhifa.core.models import StoredBlob
from zhifa.core.schema import all_metadata
from zhifa.recording.media.models import Media

#: (digest, size, 件号, title): one blob of an item, as the register lists it.
Blob = tuple[str, int, int | None, str]
#: Tables whose rows point at blobs without being records of them.
_NOT_REFERENCES = frozenset({"disposal_outcome"})


def _thumbnail(db: Session, media_id: int) -> list[Blob]:
    media = db.get(Media, media_id)
    if media is None or media.thumbnail_digest is None:
        return []
    blob = db.get(StoredBlob, media.thumbnail_digest)
    size = blob.size if blob else 0
    return [(media.thumbnail_digest, size, None, f"{media.filename}（缩略图）")]


def item_blobs(db: Session, item: DisposalItem) -> list[Blob]:
    """The blobs of an archive file (its items, and the thumbnails of its media) or of
    one medium (its content and thumbnail), each once."""
    found: list[Blob] = []
    if item.target_kind is TargetKind.archive_file:
        query = select(ArchiveItem).where(ArchiveItem.file_id == item.target_id)
        for row in db.scalars(query.order_by(ArchiveItem.item_no)):
            found.append((row.digest, row.size, row.item_no, row.title))
            table, row_id = _source(row.source)
            if table == "media":
                found += _thumbnail(db, row_id)
    else:
        media = db.get(Media, item.target_id)
        if media is not None:
            found.append((media.digest, media.size, None, media.filename))
            found += _thumbnail(db, media.id)
    unique: dict[str, Blob] = {}
    for blob in found:
        unique.setdefault(blob[0], blob)
    return list(unique.values())


def _source(source: str) -> tuple[str, int]:
    """An archive item's source ("document:12", "document_service:3/receipt") as
    (table, row id)."""
    table, _, rest = source.partition(":")
    number = rest.split("/", 1)[0]
    return table, int(number) if number.isdigit() else 0


def _rows_of(db: Session, item: DisposalItem) -> Iterator[tuple[str, int]]:
    """The rows whose records go with an item: an archive file's items and the records
    they were filed from; a medium's own row."""
    if item.target_kind is TargetKind.media:
        yield "media", item.target_id
        return
    query = select(ArchiveItem.id, ArchiveItem.source).where(ArchiveItem.file_id == item.target_id)
    for row_id, source in db.execute(query):
        yield "archive_item", row_id
        yield _source(source)


def _disposed_rows(db: Session, item: DisposalItem) -> dict[str, set[int]]:
    """Rows of this item and of every item destroyed before."""
    gone = select(DisposalItem).where(DisposalItem.state == ItemState.destroyed)
    rows: dict[str, set[int]] = {}
    for each in [item, *db.scalars(gone)]:
        for table, row_id in _rows_of(db, each):
            rows.setdefault(table, set()).add(row_id)
    return rows


def _blob_columns() -> Iterator[tuple[Table, Column[str]]]:
    """Every column of every table that refers to a stored blob by a foreign key."""
    for metadata in all_metadata():
        for table in metadata.sorted_tables:
            if table.name in _NOT_REFERENCES:
                continue
            for column in table.columns:
                if any(fk.target_fullname == "stored_blob.digest" for fk in column.foreign_keys):
                    yield table, column


def references(db: Session, digest: str) -> list[tuple[str, object]]:
    """(table, primary key) of every row that refers to ``digest``."""
    found: list[tuple[str, object]] = []
    for table, column in _blob_columns():
        key = next(iter(table.primary_key.columns))
        for row_id in db.scalars(select(key).where(column == digest)):
            found.append((table.name, row_id))
    return found


def shared(db: Session, digest: str, item: DisposalItem) -> bool:
    """Whether a record that stays still refers to ``digest``."""
    return shared_elsewhere(references(db, digest), _disposed_rows(db, item))

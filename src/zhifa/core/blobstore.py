"""The project's blob store: opened from the settings; every stored file is registered
(and so ledgered), which is what lets `zhifa verify` notice a file that went missing.

Lock dates come from the records, not the store (`zhifa.blobs.retention`): a caller that
knows how long its content must be kept passes ``retain_until``; `lock_after` turns the
last day a record must be kept into that date, `extend_lock` moves a lock later (a
filing, a hold). The store's own default period stays the floor."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import BinaryIO

from sqlalchemy.orm import Session

from zhifa.blobs import BlobError, BlobStore, BlobTooLarge, open_store
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI
from zhifa.core.errors import DomainError
from zhifa.core.models import StoredBlob
from zhifa.core.settings import Settings


def open_blob_store(settings: Settings) -> BlobStore:
    options: dict[str, object] = {"algorithm": settings.blob_digest}
    if settings.resolved_blob_url.startswith("file:"):
        options["create"] = True
    try:
        return open_store(settings.resolved_blob_url, **options)
    except BlobError as exc:
        raise DomainError(f"文件存储无法打开：{exc}") from exc


#: How far ahead content kept 永久 is locked. A lock can never be shortened (S3 Object
#: Lock in COMPLIANCE mode), so "永久" cannot be written as "until released"; 100 years
#: outlives any system this content will sit in, and a later job may roll it on again.
PERMANENT_LOCK_YEARS = 100  # not a legal limit: how far ahead 永久 is locked


def lock_after(last_day: date | None, now: datetime | None = None) -> datetime:
    """The lock date of content that must be kept through ``last_day`` (Beijing): the
    start of the next day there. None (永久): `PERMANENT_LOCK_YEARS` from ``now``."""
    if last_day is None:
        start = (now or datetime.now(UTC)).astimezone(SHANGHAI)
        last_day = start.date().replace(year=start.year + PERMANENT_LOCK_YEARS, day=1)
    # not a legal limit: the day after the last day kept
    day_after = last_day + timedelta(days=1)
    return datetime.combine(day_after, time(), SHANGHAI).astimezone(UTC)


def lock_for(store: BlobStore, until: datetime | None) -> datetime | None:
    """``until`` if it is later than the store's own default lock; else None, so that
    the default (the floor) applies."""
    if until is None:
        return None
    now = datetime.now(UTC)
    default: timedelta | None = getattr(store, "retention", None)
    floor = now + default if default is not None else now
    return until if until > floor else None


def extend_lock(store: BlobStore, digest: str, until: datetime) -> datetime | None:
    """Keep ``digest`` locked at least until ``until`` (extend-only); nothing to do for
    a date already past. Returns the lock now in force (None: none asked, none known)."""
    if until <= datetime.now(UTC):
        return store.retained_until(digest)
    return store.retain(digest, until)


def store_blob(
    db: Session,
    store: BlobStore,
    stream: BinaryIO,
    who: Principal | None,
    max_bytes: int,
    retain_until: datetime | None = None,
) -> StoredBlob:
    """Put the bytes (once per content) and register them in the caller's transaction.
    ``retain_until``: the lock the record's period asks for (the store's default period
    is the floor; content already stored keeps the later of its lock and this)."""
    try:
        info = store.put(stream, max_bytes=max_bytes, retain_until=lock_for(store, retain_until))
    except BlobTooLarge as exc:
        raise DomainError(f"文件过大，超过上限 {max_bytes} 字节", "file") from exc
    existing = db.get(StoredBlob, info.digest)
    if existing is not None:
        return existing
    row = StoredBlob(digest=info.digest, size=info.size, created_by=actor_name(who))
    db.add(row)
    record_change(db, actor_name(who), "blob.store", row)
    return row

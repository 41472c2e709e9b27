"""The project's blob store: opened from the settings; every stored file is registered
(and so ledgered), which is what lets `zhifa verify` notice a file that went missing."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from zhifa.blobs import BlobError, BlobStore, BlobTooLarge, open_store
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
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


def store_blob(
    db: Session, store: BlobStore, stream: BinaryIO, who: Principal | None, max_bytes: int
) -> StoredBlob:
    """Put the bytes (once per content) and register them in the caller's transaction."""
    try:
        info = store.put(stream, max_bytes=max_bytes)
    except BlobTooLarge as exc:
        raise DomainError(f"文件过大，超过上限 {max_bytes} 字节", "file") from exc
    existing = db.get(StoredBlob, info.digest)
    if existing is not None:
        return existing
    row = StoredBlob(digest=info.digest, size=info.size, created_by=actor_name(who))
    db.add(row)
    record_change(db, actor_name(who), "blob.store", row)
    return row

"""A received file becomes a record: checked, stored once, registered, ledgered.

The order matters for invariant 6 (bad input changes nothing): the file is probed and the
uploader's right to the action checked *before* anything is put into the blob store, and
the database transactions are short — never held while a multi-gigabyte file is copied.

    probe (PyAV / Pillow)  ->  may the uploader add to the action?  ->  blob put
    (skipped when the content is already stored)  ->  one transaction: StoredBlob rows,
    the Media row, their ledger entries.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from zhifa.blobs import BlobInfo, BlobStore, BlobTooLarge
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.blobstore import extend_lock, lock_after, lock_for
from zhifa.core.calendar import SHANGHAI
from zhifa.core.calendar_store import working_calendar
from zhifa.core.db import transaction, utcnow
from zhifa.core.errors import DomainError, Forbidden
from zhifa.core.models import StoredBlob
from zhifa.core.permissions import Permission
from zhifa.core.time_limits import due
from zhifa.enforcement.actions import get_action
from zhifa.enforcement.models import Action, ActionStatus, Activity
from zhifa.recording.av.rules import RETENTION_CODE, Retention, retention_rule
from zhifa.recording.media.metadata import EXTENSIONS, FALLBACK_EXTENSION, MediaFacts, probe
from zhifa.recording.media.models import Media, UploadChannel

MAX_FILENAME = 200
MAX_DEVICE = 100


# ---- input rules ----------------------------------------------------------------------------


def clean_filename(name: str) -> str:
    """The file's own name, as the uploader's device called it. A name with a path in it
    (``../../x``, ``a/b.jpg``, ``C:\\x.jpg``) is refused rather than silently cut down:
    the record must show the name the device gave, or none of it."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise DomainError("缺少文件名", "filename")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise DomainError("文件名不能包含路径（如 ../ 或 /），请只提供文件本身的名称", "filename")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in name):
        raise DomainError("文件名含有控制字符", "filename")
    if len(name) > MAX_FILENAME:
        raise DomainError(f"文件名过长（最多 {MAX_FILENAME} 个字符）", "filename")
    return name


def agreeing_name(filename: str, content_type: str) -> str:
    """The name with an extension that agrees with the detected type: kept if it does,
    else the stem with the type's own extension (``poly.html`` holding a JPEG becomes
    ``poly.jpg``), so that nobody's browser or desktop opens a photo as a web page."""
    allowed = EXTENSIONS.get(content_type, (FALLBACK_EXTENSION,))
    stem, dot, extension = filename.rpartition(".")
    if dot and f".{extension.lower()}" in allowed:
        return filename
    stem = (stem if dot else filename) or "media"
    return stem[: MAX_FILENAME - len(allowed[0])] + allowed[0]


def clean_device(value: str | None) -> str | None:
    """The device serial the uploader states (e.g. the body camera's number)."""
    value = unicodedata.normalize("NFC", value or "").strip()
    if not value:
        return None
    if len(value) > MAX_DEVICE or any(unicodedata.category(ch)[0] == "C" for ch in value):
        raise DomainError(f"设备编号无效（最多 {MAX_DEVICE} 个字符，不含控制字符）", "device")
    return value


@dataclass(frozen=True)
class Target:
    """Where a record goes: a visible, open action (and one of its activities)."""

    action_id: int
    activity_id: int | None
    party_id: int


def check_target(db: Session, who: Principal, action_id: int, activity_id: int | None) -> Target:
    """The uploader may add records to this action: 403 if not one's action, 404 if none."""
    if not who.can(Permission.action_write):
        raise Forbidden("您没有上传执法记录的权限")
    action = get_action(db, action_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再上传音视频记录", "action")
    if activity_id is not None:
        activity = db.get(Activity, activity_id)
        if activity is None or activity.action_id != action.id:
            raise DomainError("所选执法活动不属于该案件", "activity")
    return Target(action.id, activity_id, action.party_id)


# ---- ingest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """A whole file that arrived, with the digest computed while it arrived."""

    path: Path
    digest: str  # "<algorithm>:<hex>", the blob store's algorithm
    size: int
    filename: str
    action_id: int
    activity_id: int | None = None
    device: str | None = None
    channel: UploadChannel = UploadChannel.tus
    upload_id: str | None = None


def media_of_upload(db: Session, upload_id: str) -> Media | None:
    return db.scalar(select(Media).where(Media.upload_id == upload_id))


def ingest(
    factory: sessionmaker[Session],
    store: BlobStore,
    who: Principal,
    received: Received,
    max_bytes: int,
) -> Media:
    """Turn a received file into a ``Media`` record; ``NotMedia``/``DomainError`` leave
    nothing behind. Idempotent per tus upload: a repeated call returns the first record."""
    facts = probe(received.path)
    with transaction(factory) as db:
        if received.upload_id and (done := media_of_upload(db, received.upload_id)):
            return done
        check_target(db, who, received.action_id, received.activity_id)
        lock = _minimum_lock(db, received.action_id, facts)
    content = _put(store, received, max_bytes, lock)
    thumbnail = store.put(io.BytesIO(facts.thumbnail)) if facts.thumbnail else None
    for attempt in (1, 2):
        try:
            return _record(factory, who, received, facts, content, thumbnail)
        except IntegrityError:
            # Two uploads of the same content registered its blob at the same moment
            # (PostgreSQL); the second try finds the row and links to it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _record(
    factory: sessionmaker[Session],
    who: Principal,
    received: Received,
    facts: MediaFacts,
    content: BlobInfo,
    thumbnail: BlobInfo | None,
) -> Media:
    """One short transaction: new StoredBlob rows, the Media row, their ledger entries."""
    with transaction(factory) as db:
        if received.upload_id and (done := media_of_upload(db, received.upload_id)):
            return done
        target = check_target(db, who, received.action_id, received.activity_id)
        for info in (content, thumbnail):
            if row := _register(db, info, who):
                record_change(db, who.username, "blob.store", row)
        media = _media_row(received, facts, target, content, thumbnail, who)
        db.add(media)
        record_change(db, who.username, "media.ingest", media)
    return media


def _minimum_lock(db: Session, action_id: int, facts: MediaFacts) -> datetime | None:
    """An inspection's video may stay unfiled and is then kept at least 6 months from
    its recording (第十条第三款, the rule table's row): its blob is locked that long from
    the start (a mark or a filing later only lengthens the lock). None: the store's
    default lock until the case is filed."""
    action = db.get(Action, action_id)
    assert action is not None  # check_target found it
    unfiled = retention_rule(action.kind.value, facts.kind.value, False, False)
    if unfiled is not Retention.keep_six_months:
        return None
    day = (facts.recorded_at or utcnow()).astimezone(SHANGHAI).date()
    return lock_after(due(working_calendar(db), RETENTION_CODE, day).date)


def _put(store: BlobStore, received: Received, max_bytes: int, lock: datetime | None) -> BlobInfo:
    """Put the file unless the same content is stored already (then nothing is copied,
    and its lock is extended to ``lock`` if that is later)."""
    if received.digest.startswith(f"{store.algorithm}:") and store.exists(received.digest):
        if lock is not None:
            extend_lock(store, received.digest, lock)
        return BlobInfo(received.digest, received.size)
    # Hashed as the bytes arrived: a local store adopts the file by a link, no second copy.
    ours = received.digest if received.digest.startswith(f"{store.algorithm}:") else None
    try:
        return store.put_file(
            received.path, digest=ours, max_bytes=max_bytes, retain_until=lock_for(store, lock)
        )
    except BlobTooLarge as exc:
        raise DomainError(f"文件过大，超过上限 {max_bytes} 字节", "file") from exc
    except ValueError as exc:
        # The store hashed what it read; ours was hashed as the bytes arrived.
        raise DomainError("服务器暂存的文件与接收时的摘要不一致，请重新上传", "file") from exc


def _register(db: Session, info: BlobInfo | None, who: Principal) -> StoredBlob | None:
    """A StoredBlob row for a blob not registered yet; None if it is registered."""
    if info is None or db.get(StoredBlob, info.digest) is not None:
        return None
    row = StoredBlob(digest=info.digest, size=info.size, created_by=who.username)
    db.add(row)
    return row


def _media_row(
    received: Received,
    facts: MediaFacts,
    target: Target,
    content: BlobInfo,
    thumbnail: BlobInfo | None,
    who: Principal,
) -> Media:
    details = dict(facts.details)
    filename = agreeing_name(received.filename, facts.content_type)
    if filename != received.filename:
        details["uploaded_filename"] = received.filename  # renamed to agree with its type
    serial, source = facts.device_serial, "file" if facts.device_serial else None
    if received.device and not serial:
        serial, source = received.device, "uploader"
    elif received.device and received.device != serial:
        details["uploader_device"] = received.device  # both kept; the file's own wins
    return Media(
        action_id=target.action_id,
        activity_id=target.activity_id,
        party_id=target.party_id,
        kind=facts.kind,
        filename=filename,
        content_type=facts.content_type,
        container=facts.container,
        size=content.size,
        digest=content.digest,
        thumbnail_digest=thumbnail.digest if thumbnail else None,
        duration_ms=facts.duration_ms,
        video_codec=facts.video_codec,
        audio_codec=facts.audio_codec,
        width=facts.width,
        height=facts.height,
        recorded_at=facts.recorded_at,
        recorded_at_source=facts.recorded_at_source,
        device_serial=serial,
        device_serial_source=source,
        latitude_e6=_scaled(facts.latitude, 1_000_000),
        longitude_e6=_scaled(facts.longitude, 1_000_000),
        altitude_mm=_scaled(facts.altitude, 1000),
        details={k: v for k, v in details.items() if v is not None},
        channel=received.channel,
        upload_id=received.upload_id,
        uploaded_by=who.user_id,
    )


def _scaled(value: float | None, factor: int) -> int | None:
    return None if value is None else round(value * factor)

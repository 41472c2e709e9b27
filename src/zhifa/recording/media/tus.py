"""Resumable uploads by the tus 1.0 protocol (https://tus.io/protocols/resumable-upload):
core, creation, termination and checksum, at ``/api/v1/uploads/``.

Own implementation, not ``tuspyserver``: that library has no checksum extension, no way
to hash the bytes as they arrive, and its completion hook has no notion of our rights
checks or Chinese error messages; adding all of that would have meant patching its
internals. The protocol part is small; the care is in the storage below.

Partial uploads live in ``<data>/uploads/`` (shared by all app processes):

    <id>.json   the state: length, committed offset, metadata, owner, expiry, outcome
    <id>.part   the bytes received so far (also the lock: ``flock`` while a PATCH writes)

**Restart-safe.** A PATCH appends the body to ``<id>.part`` and hashes it on the way,
then fsyncs the file and only then writes the new offset into ``<id>.json`` (atomic
rename). The committed offset therefore never runs ahead of durable bytes; bytes past it
(a server killed mid-request) are cut off before the next PATCH writes. After a restart
the client asks HEAD for the offset and goes on.

**One pass for the digest.** The blob digest (SHA-256 or SM3, as the blob store uses) is
updated while each PATCH arrives and kept in this process, keyed by upload and offset.
``hashlib`` state cannot be saved to disk, so after a restart — or when another app
process served the previous PATCH — the first PATCH re-reads the partial file once to
rebuild it; on the normal path no received byte is read again to hash it. (The blob
store's ``put`` then copies the finished file into the write-once store, hashing what
it writes, as every store write does; when the content is stored already it is skipped.)

**Checksum extension.** ``Upload-Checksum: sha1|sha256 <base64>`` covers one PATCH body.
On a mismatch (460) the body is discarded: the file is truncated back and the running
digest restored from a copy taken before the request. A PATCH whose connection drops
keeps what arrived — unless it carried a checksum, which cannot be checked on half a body.

**Memory** stays constant: the body is taken from ``request.stream()`` and written in
buffers of ``WRITE_BUFFER`` bytes by a worker thread while the next buffer fills; each
buffer's writeback to disk starts at once (``sync_file_range``), so the fsync closing a
PATCH finds little left to do.

**No database transaction** is open while a body streams (SQLite's write lock would
stop every other writer): the request's session is closed first, and the ingest at the
end opens its own short transactions.

**Expiry.** An upload expires ``upload_expiry_hours`` after its last PATCH; expired
uploads and stray files are removed at start-up and then every ``CLEANUP_INTERVAL``.

**Space and quotas.** Creating an upload promises the space for all of its bytes: it is
refused (507) unless the disk's free space covers every open upload's bytes still to
come, the new one's length and ``upload_disk_reserve_bytes``; and one person may hold at
most ``uploads_open_per_user`` open uploads (429). Both are decided under a lock on the
upload folder, so two creations at the same moment cannot both take the last space.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from zhifa.blobs.digests import CHUNK_SIZE, Hasher, format_digest, new_hasher
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.http import Config, Db, require
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.recording.media.ingest import (
    Received,
    check_target,
    clean_device,
    clean_filename,
    ingest,
)
from zhifa.recording.media.metadata import NotMedia

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
WRITE_BUFFER = 8 * 1024 * 1024
_IOV_MAX = 1024  # buffers per pwritev(2) call (Linux's limit)
LOCK_WAIT_SECONDS = 10.0
CLEANUP_INTERVAL = timedelta(minutes=15)
# not a legal limit: temp files of a crashed write are older than this
STRAY_AGE = timedelta(hours=1)
MAX_METADATA_HEADER = 4096
MEDIA_ID_HEADER = "Zhifa-Media-Id"

_ID = re.compile(r"[0-9a-f]{32}")
_METADATA_KEY = re.compile(r"[!-+\--~]+")  # visible ASCII without the comma


class ChecksumMismatch(DomainError):
    status_code = 460


class PreconditionFailed(DomainError):
    status_code = 412


class UnsupportedContent(DomainError):
    status_code = 415


class TooLarge(DomainError):
    status_code = 413


class Gone(DomainError):
    status_code = 410


class Locked(DomainError):
    status_code = 423


class InsufficientStorage(DomainError):
    status_code = 507


class TooManyUploads(DomainError):
    status_code = 429


# ---- upload state on disk -------------------------------------------------------------------


def _now() -> datetime:
    return utcnow()


@dataclass
class UploadState:
    """What is known about one upload; stored as ``<id>.json``."""

    id: str
    owner_id: int
    owner: str
    length: int
    algorithm: str
    action_id: int
    filename: str
    metadata: str  # the Upload-Metadata header as sent, echoed by HEAD
    expires_at: str
    activity_id: int | None = None
    device: str | None = None
    offset: int = 0
    created_at: str = field(default_factory=lambda: _now().isoformat())
    media_id: int | None = None  # set once the upload became a record

    @property
    def expires(self) -> datetime:
        return datetime.fromisoformat(self.expires_at)

    @property
    def done(self) -> bool:
        return self.media_id is not None

    @property
    def promised(self) -> int:
        """Bytes still to come: the disk space this upload may yet take."""
        return 0 if self.done else max(0, self.length - self.offset)


class UploadArea:
    """The folder of partial uploads and the running digests of this process."""

    _running: dict[str, tuple[int, Hasher]] = {}  # noqa: RUF012 - shared by all instances
    _running_lock = threading.Lock()

    def __init__(self, root: Path, expiry: timedelta) -> None:
        self.root = root
        self.expiry = expiry
        root.mkdir(parents=True, exist_ok=True)

    def json_path(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.json"

    def part_path(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.part"

    # -- state files --

    def load(self, upload_id: str) -> UploadState | None:
        if not _ID.fullmatch(upload_id):
            return None
        try:
            return UploadState(**json.loads(self.json_path(upload_id).read_text()))
        except (OSError, ValueError, TypeError):
            return None  # absent, torn or foreign: treated as absent, removed by cleanup

    def save(self, state: UploadState) -> None:
        _write_atomic(self.json_path(state.id), json.dumps(asdict(state)).encode())

    def create(self, state: UploadState) -> None:
        fd = os.open(self.part_path(state.id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        self.save(state)

    def open_uploads(self, now: datetime | None = None) -> list[UploadState]:
        """Uploads not yet a record and not expired (torn or foreign states skipped)."""
        now = now or _now()
        found = []
        for path in self.root.glob("*.json"):
            state = self.load(path.name[:-5])
            if state is not None and not state.done and state.expires > now:
                found.append(state)
        return found

    @contextlib.contextmanager
    def creating(self) -> Iterator[None]:
        """Serialise creations (in every app process) while space and quotas are
        decided: a lock on the upload folder itself, which cleanup can never remove."""
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing drops the lock

    def remove(self, upload_id: str) -> None:
        """Remove an upload's files (the caller holds its lock or it has none)."""
        self.forget_digest(upload_id)
        for path in (self.part_path(upload_id), self.json_path(upload_id)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    # -- running digests --

    def digest_at(self, upload_id: str, fd: int, offset: int, algorithm: str) -> Hasher:
        """The digest of the first ``offset`` bytes: kept from the previous PATCH, or
        rebuilt by reading the partial file once (after a restart)."""
        with self._running_lock:
            kept = self._running.get(upload_id)
        if kept is not None and kept[0] == offset:
            return kept[1]
        hasher = new_hasher(algorithm)
        position = 0
        while position < offset:
            chunk = os.pread(fd, min(CHUNK_SIZE, offset - position), position)
            if not chunk:
                raise OSError(errno.EIO, "partial upload shorter than its offset")
            hasher.update(chunk)
            position += len(chunk)
        return hasher

    def keep_digest(self, upload_id: str, offset: int, hasher: Hasher) -> None:
        with self._running_lock:
            self._running[upload_id] = (offset, hasher)

    def forget_digest(self, upload_id: str) -> None:
        with self._running_lock:
            self._running.pop(upload_id, None)

    # -- cleanup --

    def remove_expired(self, now: datetime | None = None) -> int:
        """Remove expired uploads, and files no upload owns; skip uploads being written.
        Returns how many uploads or stray files were removed."""
        now = now or _now()
        removed = 0
        for path in sorted(self.root.iterdir()):
            name = path.name
            if name.endswith(".json") and _ID.fullmatch(name[:-5]):
                state = self.load(name[:-5])
                if (state is None or state.expires <= now) and self._remove_unlocked(name[:-5]):
                    removed += 1
            elif name.endswith(".part") and _ID.fullmatch(name[:-5]):
                orphan = not self.json_path(name[:-5]).exists()
                if orphan and _older(path, now, self.expiry) and self._remove_unlocked(name[:-5]):
                    removed += 1
            elif _older(path, now, STRAY_AGE) and path.is_file():
                path.unlink(missing_ok=True)  # temp files of an interrupted write
                removed += 1
        return removed

    def _remove_unlocked(self, upload_id: str) -> bool:
        try:
            fd = os.open(self.part_path(upload_id), os.O_RDWR)
        except FileNotFoundError:
            self.remove(upload_id)
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False  # a PATCH is writing it right now
        try:
            self.remove(upload_id)
        finally:
            os.close(fd)
        return True

    # -- the lock a PATCH, DELETE or cleanup holds --

    @contextlib.asynccontextmanager
    async def locked(self, upload_id: str) -> AsyncIterator[int]:
        """Open and lock ``<id>.part``; 423 if another request holds it too long."""
        try:
            fd = os.open(self.part_path(upload_id), os.O_RDWR)
        except FileNotFoundError:
            raise NotFound("上传不存在或已结束") from None
        try:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Locked("该上传正被另一请求写入，请稍后重试") from None
                    await asyncio.sleep(0.05)
            if os.fstat(fd).st_nlink == 0:
                raise NotFound("上传不存在或已结束")  # removed while we waited
            yield fd
        finally:
            os.close(fd)  # closing drops the lock


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _older(path: Path, now: datetime, age: timedelta) -> bool:
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:
        return False
    return modified < now - age


def upload_area(settings: Settings) -> UploadArea:
    expiry = timedelta(hours=settings.upload_expiry_hours)  # not a legal limit: unfinished uploads
    return UploadArea(settings.data_dir / "uploads", expiry)


# ---- receiving one PATCH body ---------------------------------------------------------------


def _writeback_starter() -> Any:
    """Linux's sync_file_range(2), which Python's os module lacks, or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return function


_SYNC_FILE_RANGE = _writeback_starter()
_SYNC_FILE_RANGE_WRITE = 2


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """Start writing a buffer to disk now, without waiting: the fsync that ends the PATCH
    then has little left to do, and the disk works while the network delivers."""
    if _SYNC_FILE_RANGE is not None:
        _SYNC_FILE_RANGE(fd, offset, length, _SYNC_FILE_RANGE_WRITE)


class _Receiver:
    """Appends a body to the partial file from ``start``, hashing on the way; a worker
    thread writes one batch of chunks (vectored, no joining copy) while the event loop
    gathers the next."""

    def __init__(self, fd: int, start: int, limit: int, digest: Hasher, check: Any) -> None:
        self.fd = fd
        self.start = start
        self.position = start
        self.limit = limit
        self.digest = digest
        self.check = check  # the Upload-Checksum hash of this body, or None
        self.batch: list[bytes] = []
        self.batched = 0
        self.pending: asyncio.Future[None] | None = None

    async def feed(self, chunk: bytes) -> None:
        if self.position + self.batched + len(chunk) > self.limit:
            raise TooLarge("上传的数据超出了创建上传时声明的文件长度", "Upload-Length")
        self.batch.append(chunk)
        self.batched += len(chunk)
        if self.batched >= WRITE_BUFFER:
            await self._write_out()

    async def finish(self) -> None:
        await self._write_out()
        await self._wait()

    async def _write_out(self) -> None:
        await self._wait()
        if not self.batch:
            return
        batch, at = self.batch, self.position
        self.position += self.batched
        self.batch, self.batched = [], 0
        loop = asyncio.get_running_loop()
        self.pending = loop.run_in_executor(None, self._write, batch, at)

    async def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            await pending

    def _write(self, batch: list[bytes], at: int) -> None:
        start = at
        for group in range(0, len(batch), _IOV_MAX):
            views = [memoryview(chunk) for chunk in batch[group : group + _IOV_MAX]]
            while views:
                written = os.pwritev(self.fd, views, at)
                at += written
                while views and written >= len(views[0]):  # drop what was written
                    written -= len(views.pop(0))
                if views and written:
                    views[0] = views[0][written:]
        _start_writeback(self.fd, start, at - start)
        for chunk in batch:
            self.digest.update(chunk)
            if self.check is not None:
                self.check.update(chunk)


# ---- HTTP -----------------------------------------------------------------------------------


async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Remove expired uploads at start-up and then periodically."""
    area = upload_area(app.state.settings)

    async def sweep() -> None:
        while True:
            await asyncio.sleep(CLEANUP_INTERVAL.total_seconds())
            with contextlib.suppress(OSError):
                await run_in_threadpool(area.remove_expired)

    await run_in_threadpool(area.remove_expired)
    task = asyncio.create_task(sweep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


router = APIRouter(
    prefix="/api/v1/uploads",
    tags=["音视频记录"],
    lifespan=contextlib.asynccontextmanager(_lifespan),
)

Uploader = Annotated[Principal, Depends(require(Permission.action_write))]


def _headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}


def _error(exc: DomainError) -> JSONResponse:
    headers = _headers()
    if isinstance(exc, PreconditionFailed):
        headers["Tus-Version"] = TUS_VERSION
    return JSONResponse({"detail": exc.message, "field": exc.field}, exc.status_code, headers)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _check_version(request: Request) -> None:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise PreconditionFailed(f"不支持的 tus 协议版本，仅支持 {TUS_VERSION}", "Tus-Resumable")


def _int_header(request: Request, name: str) -> int:
    value = request.headers.get(name)
    if not _decimal(value, 19):
        raise DomainError(f"请求头 {name} 缺失或不是非负整数", name)
    return int(value)  # type: ignore[arg-type]


def _decimal(value: str | None, digits: int) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts ``²``, which ``int`` refuses."""
    return value is not None and 0 < len(value) <= digits and value.isascii() and value.isdigit()


def parse_metadata(header: str | None) -> dict[str, str]:
    """``key base64,key base64`` -> dict; DomainError (400) on anything malformed."""
    if not header:
        return {}
    if len(header) > MAX_METADATA_HEADER:
        raise DomainError("Upload-Metadata 过长", "Upload-Metadata")
    result: dict[str, str] = {}
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        if len(parts) > 2 or not _METADATA_KEY.fullmatch(parts[0]) or parts[0] in result:
            raise DomainError(
                "Upload-Metadata 格式错误（应为“键 Base64值”，以逗号分隔）", "Upload-Metadata"
            )
        try:
            raw = base64.b64decode(parts[1], validate=True) if len(parts) == 2 else b""
            result[parts[0]] = raw.decode("utf-8")
        # b64decode raises ValueError for a non-ASCII value, binascii.Error for bad
        # padding or letters; the bytes may not be UTF-8.
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise DomainError(
                f"Upload-Metadata 中 {parts[0]} 的值不是有效的 Base64 编码 UTF-8 文本",
                "Upload-Metadata",
            ) from None
    return result


def _optional_id(meta: dict[str, str], key: str, label: str) -> int | None:
    value = meta.get(key, "").strip()
    if not value:
        return None
    if not _decimal(value, 12) or int(value) == 0:
        raise DomainError(f"Upload-Metadata 中的 {key}（{label}编号）须为正整数", key)
    return int(value)


def _parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    if header is None:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm not in CHECKSUMS:
        supported = ",".join(CHECKSUMS)
        raise DomainError(
            f"不支持的校验算法 {algorithm[:20]}，支持：{supported}", "Upload-Checksum"
        )
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):  # ValueError: a non-ASCII value
        raise DomainError("Upload-Checksum 的值不是有效的 Base64", "Upload-Checksum") from None
    if len(digest) != CHECKSUMS[algorithm]().digest_size:
        raise DomainError(
            f"Upload-Checksum 的值长度不符（{algorithm} 摘要应为 "
            f"{CHECKSUMS[algorithm]().digest_size} 字节）",
            "Upload-Checksum",
        )
    return algorithm, digest


def _owned(area: UploadArea, upload_id: str, who: Principal) -> UploadState:
    state = area.load(upload_id)
    if state is None:
        raise NotFound("上传不存在或已结束")
    if state.owner_id != who.user_id:
        raise Forbidden("这不是您创建的上传")
    if state.expires <= _now():
        raise Gone("上传已过期，请重新上传")
    return state


@router.options("", include_in_schema=False)
@router.options("/", summary="tus：服务器能力")
def tus_options(who: Uploader, settings: Config) -> Response:
    return Response(
        status_code=204,
        headers=_headers(
            **{
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": EXTENSIONS,
                "Tus-Max-Size": str(settings.blob_max_bytes),
                "Tus-Checksum-Algorithm": ",".join(CHECKSUMS),
            }
        ),
    )


@router.post("", include_in_schema=False)
@router.post("/", status_code=201, summary="tus：创建上传（Upload-Metadata 带 action 与 filename）")
async def tus_create(request: Request, who: Uploader, db: Db, settings: Config) -> Response:
    try:
        return await _create(request, who, db, settings)
    except DomainError as exc:
        return _error(exc)


async def _create(request: Request, who: Uploader, db: Session, settings: Settings) -> Response:
    _check_version(request)
    if "upload-defer-length" in request.headers:
        raise DomainError("不支持延后声明长度，请提供 Upload-Length", "Upload-Length")
    length = _int_header(request, "upload-length")
    if length > settings.blob_max_bytes:
        raise TooLarge(f"文件过大：上限为 {settings.blob_max_bytes} 字节", "Upload-Length")
    if length == 0:
        raise NotMedia("文件为空（0 字节），不是照片、音频或视频")
    header = request.headers.get("upload-metadata", "")
    meta = parse_metadata(header)
    action_id = _optional_id(meta, "action", "案件")
    if action_id is None:
        raise DomainError("Upload-Metadata 须包含 action（案件编号）", "action")
    if "filename" not in meta:
        raise DomainError("Upload-Metadata 须包含 filename（文件名）", "filename")
    filename = clean_filename(meta["filename"])
    activity_id = _optional_id(meta, "activity", "执法活动")
    device = clean_device(meta.get("device"))

    def check() -> None:
        try:
            check_target(db, who, action_id, activity_id)
        finally:
            db.close()

    await run_in_threadpool(check)
    area = upload_area(settings)
    store_algorithm = settings.blob_digest
    state = UploadState(
        id=secrets.token_hex(16),
        owner_id=who.user_id,
        owner=who.username,
        length=length,
        algorithm=store_algorithm,
        action_id=action_id,
        activity_id=activity_id,
        filename=filename,
        device=device,
        metadata=header,
        expires_at=(_now() + area.expiry).isoformat(),
    )
    await run_in_threadpool(_reserve_and_create, area, state, settings)
    return Response(
        status_code=201,
        headers=_headers(
            Location=f"/api/v1/uploads/{state.id}",
            **{"Upload-Expires": _http_date(state.expires), "Upload-Offset": "0"},
        ),
    )


def _reserve_and_create(area: UploadArea, state: UploadState, settings: Settings) -> None:
    """Create the upload if its owner may open another and the disk can take all of it
    on top of what the other open uploads were promised (under the creation lock)."""
    with area.creating():
        uploads = area.open_uploads()
        mine = sum(1 for u in uploads if u.owner_id == state.owner_id)
        if mine >= settings.uploads_open_per_user:
            raise TooManyUploads(
                f"您已有 {mine} 个未完成的上传（上限 {settings.uploads_open_per_user} 个），"
                "请先完成或取消其中的上传后再试",
                "Upload-Length",
            )
        promised = sum(u.promised for u in uploads)
        needed = promised + state.length + settings.upload_disk_reserve_bytes
        if shutil.disk_usage(area.root).free < needed:
            raise InsufficientStorage(
                "服务器存储空间不足（已计入其他未完成上传所需的空间），暂时无法接收该文件，"
                "请稍后再试或联系管理员",
                "Upload-Length",
            )
        area.create(state)


@router.head("/{upload_id}", summary="tus：已接收的字节数")
def tus_head(upload_id: str, request: Request, who: Uploader, settings: Config) -> Response:
    try:
        _check_version(request)
        state = _owned(upload_area(settings), upload_id, who)
    except DomainError as exc:
        return Response(status_code=exc.status_code, headers=_headers())
    extra = {
        "Upload-Offset": str(state.length if state.done else state.offset),
        "Upload-Length": str(state.length),
        "Upload-Expires": _http_date(state.expires),
    }
    if state.metadata:
        extra["Upload-Metadata"] = state.metadata
    if state.media_id is not None:
        extra[MEDIA_ID_HEADER] = str(state.media_id)
    return Response(status_code=200, headers=_headers(**extra))


@router.patch("/{upload_id}", summary="tus：续传一段数据")
async def tus_patch(
    upload_id: str, request: Request, who: Uploader, db: Db, settings: Config
) -> Response:
    await run_in_threadpool(db.close)  # no database transaction while the body streams
    try:
        return await _patch(upload_id, request, who, settings)
    except DomainError as exc:
        return _error(exc)


async def _patch(upload_id: str, request: Request, who: Principal, settings: Settings) -> Response:
    _check_version(request)
    if request.headers.get("content-type", "").split(";")[0].strip() != (
        "application/offset+octet-stream"
    ):
        raise UnsupportedContent("Content-Type 须为 application/offset+octet-stream")
    offset = _int_header(request, "upload-offset")
    checksum = _parse_checksum(request.headers.get("upload-checksum"))
    area = upload_area(settings)
    state = _owned(area, upload_id, who)
    if state.done:
        return _finished(state, offset)
    async with area.locked(upload_id) as fd:
        state = _owned(area, upload_id, who)  # again, under the lock
        if state.done:
            return _finished(state, offset)
        await run_in_threadpool(_settle, area, state, fd)
        if offset != state.offset:
            raise Conflict(f"上传偏移量不符：服务器已接收 {state.offset} 字节", "Upload-Offset")
        declared = request.headers.get("content-length")
        if _decimal(declared, 19) and offset + int(declared) > state.length:  # type: ignore[arg-type]
            raise TooLarge("上传的数据超出了创建上传时声明的文件长度", "Content-Length")
        await _receive(request, area, state, fd, checksum)
        if state.offset == state.length:
            await _complete(request, area, state, fd, who, settings)
    extra = {"Upload-Offset": str(state.offset), "Upload-Expires": _http_date(state.expires)}
    if state.media_id is not None:
        extra[MEDIA_ID_HEADER] = str(state.media_id)
    return Response(status_code=204, headers=_headers(**extra))


def _finished(state: UploadState, offset: int) -> Response:
    """A PATCH on an upload that already became a record (a retry after a lost reply)."""
    if offset != state.length:
        raise Conflict(f"上传已完成：服务器已接收全部 {state.length} 字节", "Upload-Offset")
    extra = {"Upload-Offset": str(state.length), MEDIA_ID_HEADER: str(state.media_id)}
    return Response(status_code=204, headers=_headers(**extra))


def _settle(area: UploadArea, state: UploadState, fd: int) -> None:
    """Make the partial file agree with the committed offset after a crash: bytes past
    it were never acknowledged and are cut off; a file shorter than it (lost on power
    failure) moves the offset back, and the client's next HEAD learns the truth."""
    size = os.fstat(fd).st_size
    if size > state.offset:
        os.ftruncate(fd, state.offset)
    elif size < state.offset:
        state.offset = size
        area.forget_digest(state.id)
        area.save(state)


async def _receive(
    request: Request,
    area: UploadArea,
    state: UploadState,
    fd: int,
    checksum: tuple[str, bytes] | None,
) -> None:
    start = state.offset
    digest = await run_in_threadpool(area.digest_at, state.id, fd, start, state.algorithm)
    before = digest.copy()  # type: ignore[attr-defined]
    check = CHECKSUMS[checksum[0]]() if checksum else None
    receiver = _Receiver(fd, start, state.length, digest, check)
    disconnected = False
    try:
        async for chunk in request.stream():
            if chunk:
                await receiver.feed(chunk)
    except ClientDisconnect:
        disconnected = True
    except BaseException:
        await _rollback(receiver, area, state, fd, before)
        raise
    await receiver.finish()
    if checksum is not None and (disconnected or receiver.check.digest() != checksum[1]):
        await _rollback(receiver, area, state, fd, before)
        if disconnected:
            return
        raise ChecksumMismatch("数据校验失败（Upload-Checksum 不符），本段数据未保存，请重传")
    await run_in_threadpool(_commit, area, state, fd, receiver.position, digest)


async def _rollback(
    receiver: _Receiver, area: UploadArea, state: UploadState, fd: int, before: Hasher
) -> None:
    with contextlib.suppress(Exception):
        await receiver.finish()
    os.ftruncate(fd, state.offset)
    area.keep_digest(state.id, state.offset, before)


def _commit(area: UploadArea, state: UploadState, fd: int, offset: int, digest: Hasher) -> None:
    os.fsync(fd)  # durable before the offset says so
    state.offset = offset
    state.expires_at = (_now() + area.expiry).isoformat()
    area.save(state)
    area.keep_digest(state.id, offset, digest)


async def _complete(
    request: Request,
    area: UploadArea,
    state: UploadState,
    fd: int,
    who: Principal,
    settings: Settings,
) -> None:
    """The last byte arrived: make the record. A refusal removes the upload entirely;
    any other failure keeps it, and a PATCH of no bytes at the end retries."""
    digest = await run_in_threadpool(area.digest_at, state.id, fd, state.offset, state.algorithm)
    received = Received(
        path=area.part_path(state.id),
        digest=format_digest(state.algorithm, digest.hexdigest()),
        size=state.length,
        filename=state.filename,
        action_id=state.action_id,
        activity_id=state.activity_id,
        device=state.device,
        upload_id=state.id,
    )

    def run() -> int:
        store = open_blob_store(settings)
        return ingest(
            request.app.state.session_factory, store, who, received, settings.blob_max_bytes
        ).id

    try:
        state.media_id = await run_in_threadpool(run)
    except DomainError as exc:
        if exc.status_code < 500:
            area.remove(state.id)
        raise
    area.save(state)
    with contextlib.suppress(FileNotFoundError):
        area.part_path(state.id).unlink()
    area.forget_digest(state.id)


@router.delete("/{upload_id}", status_code=204, summary="tus：终止上传并删除已接收的数据")
async def tus_delete(
    upload_id: str, request: Request, who: Uploader, db: Db, settings: Config
) -> Response:
    await run_in_threadpool(db.close)
    try:
        _check_version(request)
        area = upload_area(settings)
        state = _owned(area, upload_id, who)
        if state.done:
            area.remove(upload_id)  # the record stays; only the upload's traces go
        else:
            async with area.locked(upload_id):
                area.remove(upload_id)
    except DomainError as exc:
        return _error(exc)
    return Response(status_code=204, headers=_headers())


def iter_upload_files(area: UploadArea) -> Iterator[Path]:
    """Every file in the upload folder (for tests and operators)."""
    yield from sorted(p for p in area.root.iterdir() if p.is_file())

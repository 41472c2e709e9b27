"""JSON API of audio, video and photo records: list an action's records, describe one,
stream its content (HTTP range requests, so a browser ``<video>`` can seek), its poster
frame or thumbnail, and a plain multipart upload for small files.

Every read is an access (调阅, see ``recording/access``): it needs a stated ``purpose``
(with the request, or stated on a page for this session within the last 30 minutes),
records flagged 国家秘密/商业秘密/个人隐私 are for assigned officers and leaders only,
and each read is logged (who, when, what, why, from where) before any content leaves.
A download is an export: photos and posters leave as a watermarked copy (the stored
original is never touched), recordings as the original file."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from zhifa.blobs.digests import CHUNK_SIZE, format_digest, new_hasher
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import (
    JPEG_FILE,
    MEDIA_FILE,
    Config,
    Db,
    RecordId,
    Tx,
    form_record_id,
    require,
)
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action
from zhifa.enforcement.resources import ActionOfPath
from zhifa.recording.access import service as access
from zhifa.recording.access.rules import Restriction, may_read
from zhifa.recording.access.watermark import Mark, watermark
from zhifa.recording.av.marks import visible_media
from zhifa.recording.media.ingest import (
    Received,
    agreeing_name,
    clean_device,
    clean_filename,
    ingest,
)
from zhifa.recording.media.models import Media, MediaKind, UploadChannel
from zhifa.recording.media.schemas import MediaOut
from zhifa.recording.media.tus import TooLarge, upload_area

MAX_FORM_BYTES = 32 * 1024 * 1024  # plain multipart upload: photos and short clips
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields

api = APIRouter(prefix="/api/v1", tags=["音视频记录"])

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.action_write))]
Purpose = Annotated[
    str | None,
    Query(
        max_length=120,
        description="调阅目的：办案需要、案卷评查、执法监督、复议诉讼，或“其他：说明”"
        "（也可用 case、review、supervision、litigation、other）；"
        "浏览器会话在页面上说明过的目的 30 分钟内可省略",
    ),
]
PurposeNote = Annotated[str | None, Query(max_length=100, description="选择“其他”时的说明")]


def get_media(db: Session, media_id: int, who: Principal) -> Media:
    """A record on an action the caller may see, else 404 alike for missing and not theirs.
    (The access rules proper — purpose, restrictions — are ``access.authorize``.)"""
    media, _action = visible_media(db, media_id, who)
    return media


def _authorized(
    db: Session,
    media_id: int,
    who: Principal,
    purpose: str | None,
    note: str | None,
    export: bool = False,
) -> access.Grant:
    media = db.get(Media, media_id)
    if media is None:
        raise NotFound("音视频记录不存在")
    return access.authorize(db, who, media, purpose, note, export=export)


def _readable(db: Session, who: Principal, action: Action) -> list[MediaOut]:
    """The action's records, in the order they were made, without those flagged and
    closed to ``who``."""
    rows = list(
        db.scalars(
            select(Media)
            .where(Media.action_id == action.id)
            .order_by(Media.recorded_at.is_(None), Media.recorded_at, Media.id)
        )
    )
    flags = access.restrictions_of(db, [m.id for m in rows])
    viewer = access.viewer_of(db, who, action)
    empty: frozenset[Restriction] = frozenset()
    return [
        MediaOut.of(db, m, flags.get(m.id, empty))
        for m in rows
        if may_read(viewer, flags.get(m.id, empty))
    ]


# ---- reading ---------------------------------------------------------------------------------


@api.get("/actions/{action_id}/media", summary="案件的音视频记录（照片、音频、视音频）")
def api_action_media(
    who: Reader,
    action: ActionOfPath,
    db: Tx,
    purpose: Purpose = None,
    purpose_note: PurposeNote = None,
) -> list[MediaOut]:
    """Records flagged 国家秘密/商业秘密/个人隐私 are left out for those who may not see them."""
    action_id, party_id = action.id, action.party_id
    stated = access.purpose_for(
        db, who, purpose, purpose_note, action_id=action_id, party_id=party_id
    )
    out = _readable(db, who, action)
    log_access(
        db,
        who,
        "action_media",
        action_id,
        stated.text,
        "api",
        action_id=action_id,
        party_id=party_id,
    )
    return out


@api.get("/media/{media_id}", summary="音视频记录的元数据")
def api_media(
    media_id: RecordId,
    db: Tx,
    who: Reader,
    purpose: Purpose = None,
    purpose_note: PurposeNote = None,
) -> MediaOut:
    grant = _authorized(db, media_id, who, purpose, purpose_note)
    out = MediaOut.of(db, grant.media, grant.restrictions)
    access.log_read(db, who, grant, "media_info", via="api")
    return out


@api.get(
    "/media/{media_id}/content",
    summary="播放或下载（支持 Range 断点与拖动；download=true 为导出：照片带水印）",
    response_class=Response,
    responses=MEDIA_FILE,
)
def api_media_content(
    media_id: RecordId,
    request: Request,
    db: Tx,
    who: Reader,
    settings: Config,
    purpose: Purpose = None,
    purpose_note: PurposeNote = None,
    download: bool = False,
) -> Response:
    grant = _authorized(db, media_id, who, purpose, purpose_note, export=download)
    if download and grant.media.kind is MediaKind.photo:
        return _watermarked(db, who, grant, settings, grant.media.digest, "media_export")
    try:
        span = _span(request, grant.media)
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(exc, grant.media.size)  # nothing is read: nothing to log
    access.log_read(db, who, grant, "media_download" if download else "media", via="api")
    return _content(grant.media, span, settings, download)


def _span(request: Request, media: Media) -> tuple[int, int] | None:
    """The byte range asked for, or None for the whole file (also when ``If-Range``
    names another version than the one stored)."""
    if_range = request.headers.get("if-range")
    if if_range is None or if_range.strip() == _etag(media.digest):
        return parse_range(request.headers.get("range"), media.size)
    return None


def _unsatisfiable(exc: RangeNotSatisfiable, size: int) -> Response:
    return JSONResponse(
        {"detail": exc.message, "field": exc.field},
        status_code=416,
        headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
    )


def _content(
    media: Media, span: tuple[int, int] | None, settings: Settings, download: bool
) -> Response:
    """The record's bytes (206 with ``Content-Range`` for a range), streamed."""
    size = media.size
    stream = open_blob_store(settings).open(media.digest)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": _etag(media.digest),
        "Cache-Control": "private, no-store",
        "Content-Disposition": _disposition(served_name(media), download),
        "X-Content-Type-Options": "nosniff",
    }
    start, end = span if span else (0, size - 1)
    headers["Content-Length"] = str(end - start + 1)
    if span:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return StreamingResponse(
        _read_span(stream, start, end),
        status_code=206 if span else 200,
        media_type=media.content_type,
        headers=headers,
    )


@api.get(
    "/media/{media_id}/thumbnail",
    summary="缩略图（照片）或封面帧（视频），JPEG；download=true 为导出（带水印）",
    response_class=Response,
    responses=JPEG_FILE,
)
def api_media_thumbnail(
    media_id: RecordId,
    db: Tx,
    who: Reader,
    settings: Config,
    purpose: Purpose = None,
    purpose_note: PurposeNote = None,
    download: bool = False,
) -> Response:
    grant = _authorized(db, media_id, who, purpose, purpose_note, export=download)
    digest = grant.media.thumbnail_digest
    if digest is None:
        raise NotFound("该记录没有缩略图")
    if download:
        return _watermarked(db, who, grant, settings, digest, "media_thumbnail_export")
    access.log_read(db, who, grant, "media_thumbnail", via="api")
    return _thumbnail(grant.media, digest, settings)


def _thumbnail(media: Media, digest: str, settings: Settings) -> Response:
    with open_blob_store(settings).open(digest) as stream:
        data = stream.read()
    stem = served_name(media).rsplit(".", 1)[0]
    return Response(
        data,
        media_type="image/jpeg",
        headers={
            "Cache-Control": "private, no-store",
            "ETag": _etag(digest),
            "Content-Disposition": _disposition(f"{stem}_缩略图.jpg", False),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _watermarked(
    db: Session,
    who: Principal,
    grant: access.Grant,
    settings: Settings,
    digest: str,
    record_type: str,
) -> Response:
    """An exported copy of a photo or poster: the stored blob is read, a copy is marked
    with who exported it and when, and only the copy leaves."""
    with open_blob_store(settings).open(digest) as stream:
        original = stream.read()
    mark = Mark(who.full_name, who.username, utcnow(), f"音视频记录 {grant.media.id}")
    data, content_type = watermark(original, mark)
    access.log_read(db, who, grant, record_type, via="api")
    stem = served_name(grant.media).rsplit(".", 1)[0]
    extension = ".jpg" if content_type == "image/jpeg" else ".png"
    suffix = "_封面" if record_type == "media_thumbnail_export" else ""
    return Response(
        data,
        media_type=content_type,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": _disposition(f"{stem}{suffix}_调阅导出{extension}", True),
            "X-Content-Type-Options": "nosniff",
        },
    )


class RangeNotSatisfiable(DomainError):
    status_code = 416


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """One byte range of RFC 9110 as (first, last), inclusive; None to send everything
    (no header, another unit, several ranges, or a malformed one — all allowed to be
    ignored); ``RangeNotSatisfiable`` if the range lies wholly past the end."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes
        if int(last) == 0:
            raise RangeNotSatisfiable("请求的范围无效", "Range")
        return max(0, size - int(last)), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable("请求的范围超出文件长度", "Range")
    return start, min(int(last), size - 1) if last else size - 1


def _read_span(stream: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    try:
        if start:
            try:
                stream.seek(start)
            except (OSError, AttributeError, ValueError):
                _skip(stream, start)  # a store whose streams cannot seek
        left = end - start + 1
        while left > 0:
            chunk = stream.read(min(CHUNK_SIZE, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        stream.close()


def _skip(stream: BinaryIO, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(CHUNK_SIZE, count))
        if not chunk:
            return
        count -= len(chunk)


def _etag(digest: str) -> str:
    return f'"{digest}"'


def served_name(media: Media) -> str:
    """The name a record is served under: its extension always agrees with the type it
    is served as (records stored before names were made to agree included)."""
    return agreeing_name(media.filename, media.content_type)


def _disposition(filename: str, download: bool) -> str:
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", filename) or "media"
    kind = "attachment" if download else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# ---- plain upload ------------------------------------------------------------------------------


@api.post("/actions/{action_id}/media", status_code=201, summary="上传照片或短视频（表单）")
async def api_media_upload(
    action_id: RecordId, request: Request, db: Db, who: Writer, settings: Config
) -> MediaOut:
    # Db, not Tx: the request's session writes nothing; the ingest commits the record in
    # its own short transactions, and no transaction is open while the body arrives.
    return await receive_form_upload(request, db, who, settings, action_id)


async def receive_form_upload(
    request: Request, db: Session, who: Principal, settings: Settings, action_id: int
) -> MediaOut:
    """A plain multipart upload (the API's and the upload page's): refused by its declared
    length before the body is read; the request's session is closed while it arrives."""
    declared = request.headers.get("content-length")
    if declared is None or not (declared.isascii() and declared.isdigit()):
        raise DomainError("请求须带 Content-Length", "file")
    limit = min(MAX_FORM_BYTES, settings.blob_max_bytes)
    if int(declared) > limit + FORM_OVERHEAD:
        megabytes = limit // (1024 * 1024)
        raise TooLarge(f"文件过大：表单上传上限为 {megabytes} MB，大文件请用断点续传", "file")
    await run_in_threadpool(db.close)  # no database transaction while the body arrives
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise DomainError("请选择要上传的文件", "file")
    filename = clean_filename(upload.filename or "")
    activity_id = form_record_id(form.get("activity_id"), "activity_id", "执法活动编号")
    device = clean_device(str(form.get("device") or ""))
    return await run_in_threadpool(
        _ingest_form, request, db, who, settings, upload, filename, action_id, activity_id, device
    )


def _ingest_form(
    request: Request,
    db: Session,
    who: Principal,
    settings: Settings,
    upload: UploadFile,
    filename: str,
    action_id: int,
    activity_id: int | None,
    device: str | None,
) -> MediaOut:
    db.close()  # ingest opens its own short transactions
    store = open_blob_store(settings)
    area = upload_area(settings)
    path = area.root / f"form-{secrets.token_hex(8)}.tmp"
    try:
        digest, size = _copy_hashing(upload.file, path, store.algorithm, MAX_FORM_BYTES)
        received = Received(
            path=path,
            digest=digest,
            size=size,
            filename=filename,
            action_id=action_id,
            activity_id=activity_id,
            device=device,
            channel=UploadChannel.form,
        )
        media = ingest(request.app.state.session_factory, store, who, received, size)
        return MediaOut.of(db, media)
    finally:
        path.unlink(missing_ok=True)
        db.close()


def _copy_hashing(source: BinaryIO, path: Path, algorithm: str, limit: int) -> tuple[str, int]:
    hasher = new_hasher(algorithm)
    size = 0
    source.seek(0)
    with path.open("xb") as out:
        while chunk := source.read(CHUNK_SIZE):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"文件过大：表单上传上限为 {limit // (1024 * 1024)} MB", "file")
            hasher.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return format_digest(algorithm, hasher.hexdigest()), size

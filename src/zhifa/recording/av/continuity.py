"""Continuity of an activity's recording (第七条第三款): its segments on a time line, the
gaps longer than the bureau's tolerance, and the explanation of each gap — stated in the
video (which segment, where) or written afterwards (事后书面说明, optionally with a photo
of the signed statement)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.blobstore import store_blob
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.validation import MAX_RECORD_ID, BodyRecordId
from zhifa.enforcement.actions import writable_activity
from zhifa.recording.av.models import (
    Interruption,
    InterruptionReason,
    RecordingPolicy,
    StatedIn,
)
from zhifa.recording.av.rules import BureauSituation, Gap, Segment, find_gaps, ordered
from zhifa.recording.media.models import Media, MediaKind

DEFAULT_TOLERANCE_SECONDS = 30
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
MIN_WRITTEN = 10  # characters of a written statement


# ---- the bureau's policy ------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    gap_tolerance_seconds: int
    situations: tuple[BureauSituation, ...]
    row: RecordingPolicy | None = None


def current_policy(db: Session) -> Policy:
    """The newest policy row, or the defaults (30 s, no extra situations)."""
    row = db.scalar(select(RecordingPolicy).order_by(RecordingPolicy.id.desc()).limit(1))
    if row is None:
        return Policy(DEFAULT_TOLERANCE_SECONDS, ())
    situations = tuple(BureauSituation.from_dict(s) for s in row.situations)
    return Policy(row.gap_tolerance_seconds, situations, row)


# ---- segments and gaps ---------------------------------------------------------------------


def activity_media(db: Session, activity_id: int) -> list[Media]:
    query = select(Media).where(Media.activity_id == activity_id)
    return list(db.scalars(query.order_by(Media.recorded_at, Media.id)))


def continuous_kind(media: list[Media]) -> MediaKind:
    """The time line is the video; an activity recorded only in audio (a high-risk site)
    is checked on its audio."""
    if any(m.kind is MediaKind.video for m in media):
        return MediaKind.video
    return MediaKind.audio if any(m.kind is MediaKind.audio for m in media) else MediaKind.video


@dataclass(frozen=True)
class Timeline:
    segments: list[Segment]
    undated: list[Media]  # no recording time or length: cannot be placed
    gaps: list[Gap]
    kind: MediaKind

    @property
    def start(self) -> datetime | None:
        return self.segments[0].start if self.segments else None

    @property
    def end(self) -> datetime | None:
        return max(s.end for s in self.segments) if self.segments else None


def timeline(media: list[Media], tolerance_seconds: float) -> Timeline:
    kind = continuous_kind(media)
    placed, undated = [], []
    for m in media:
        if m.kind is not kind:
            continue
        if m.recorded_at is None or m.duration_ms is None:
            undated.append(m)
        else:
            placed.append(Segment(m.id, m.recorded_at, m.duration_ms))
    segments = ordered(placed)
    return Timeline(segments, undated, find_gaps(segments, tolerance_seconds), kind)


def explanations(db: Session, activity_id: int) -> dict[tuple[int, int], Interruption]:
    """The newest explanation of each gap (by its two segments)."""
    query = select(Interruption).where(Interruption.activity_id == activity_id)
    latest: dict[tuple[int, int], Interruption] = {}
    for row in db.scalars(query.order_by(Interruption.id)):
        latest[(row.before_media_id, row.after_media_id)] = row
    return latest


def unexplained(gaps: list[Gap], explained: dict[tuple[int, int], Interruption]) -> list[Gap]:
    return [g for g in gaps if g.key not in explained]


# ---- explaining a gap ----------------------------------------------------------------------


class InterruptionIn(BaseModel):
    before_media_id: BodyRecordId
    after_media_id: BodyRecordId
    reason: InterruptionReason
    detail: str = Field(default="", max_length=1000)
    stated_in: StatedIn
    stated_media_id: BodyRecordId | None = None
    stated_offset_seconds: int | None = Field(default=None, ge=0, le=MAX_RECORD_ID)  # INTEGER


def explain_gap(
    db: Session,
    store: BlobStore | None,
    activity_id: int,
    data: InterruptionIn,
    who: Principal,
    statement: BinaryIO | None = None,
) -> Interruption:
    """Record why the recording stopped; a second explanation of a gap supersedes the first."""
    activity, _ = writable_activity(db, activity_id, who)
    media = activity_media(db, activity.id)
    line = timeline(media, current_policy(db).gap_tolerance_seconds)
    key = (data.before_media_id, data.after_media_id)
    if key not in {g.key for g in line.gaps}:
        raise NotFound("该活动的录像在所述两段之间没有需要说明的中断", "before_media_id")
    detail = data.detail.strip()
    if data.reason is InterruptionReason.other and len(detail) < 4:
        raise DomainError("中断原因为“其他”的，须写明具体情况", "detail")
    offset = None
    if data.stated_in is StatedIn.video:
        by_id = {m.id: m for m in media}
        said = by_id.get(data.stated_media_id) if data.stated_media_id is not None else None
        if said is None or said.kind not in (MediaKind.video, MediaKind.audio):
            raise DomainError("请选择在其中说明中断原因的本活动录像或录音", "stated_media_id")
        offset = data.stated_offset_seconds
        if offset is not None and said.duration_ms is not None and offset * 1000 > said.duration_ms:
            raise DomainError("说明位置超出该段录像的长度", "stated_offset_seconds")
        if statement is not None:
            raise DomainError("在视音频中说明的，无需上传书面说明", "statement")
    else:
        if data.stated_media_id is not None:
            raise DomainError("事后书面说明不应指定录像片段", "stated_media_id")
        if len(detail) < MIN_WRITTEN:
            raise DomainError(
                f"事后书面说明须写明情况（至少 {MIN_WRITTEN} 个字）及无法在视音频中说明的原因",
                "detail",
            )
    digest = None
    if statement is not None:
        if store is None:
            raise DomainError("文件存储不可用", "statement")
        head = statement.read(8)
        statement.seek(0)
        if not head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"%PDF")):
            raise DomainError("书面说明须为 JPEG、PNG 照片或 PDF 扫描件", "statement")
        digest = store_blob(db, store, statement, who, MAX_STATEMENT_BYTES).digest
    previous = explanations(db, activity.id).get(key)
    row = Interruption(
        activity_id=activity.id,
        before_media_id=data.before_media_id,
        after_media_id=data.after_media_id,
        reason=data.reason,
        detail=detail,
        stated_in=data.stated_in,
        stated_media_id=data.stated_media_id if data.stated_in is StatedIn.video else None,
        stated_offset_seconds=offset,
        statement_digest=digest,
        supersedes_id=previous.id if previous else None,
        recorded_by=who.user_id,
    )
    if previous is not None and _same(previous, row):
        raise Conflict("该中断已作相同说明", "reason")
    db.add(row)
    record_change(db, who.username, "recording.interruption", row)
    return row


def _same(old: Interruption, new: Interruption) -> bool:
    return (
        old.reason == new.reason
        and old.detail == new.detail
        and old.stated_in == new.stated_in
        and old.stated_media_id == new.stated_media_id
        and old.stated_offset_seconds == new.stated_offset_seconds
        and new.statement_digest is None
    )

"""The table of audio, video and photo records.

A ``Media`` row states the facts of one stored file and never changes: which action
(and activity) it belongs to, what the file is (kind, codecs, duration, resolution),
what the file says about itself (recording start, device, GPS) and who uploaded it when.
Everything decided about a record later — marked as evidence or disputed (第十条),
flagged 国家秘密 / 商业秘密 / 个人隐私, the explanation of a gap between two segments
(第七条) — goes into append-only tables that point at ``media.id``; the row itself is
never edited (invariant 1). ``party_id`` is copied from the action so that every record
of one party can be found together (第九条 集中储存), and ``(activity_id, recorded_at)``
orders the segments of one activity for the continuity check.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow


class MediaKind(StrEnum):
    photo = "photo"  # 照片
    audio = "audio"  # 音频
    video = "video"  # 视音频


MEDIA_KIND_LABELS = {MediaKind.photo: "照片", MediaKind.audio: "音频", MediaKind.video: "视音频"}


class UploadChannel(StrEnum):
    tus = "tus"  # resumable upload (tus 1.0)
    form = "form"  # plain multipart form


class Media(Base):
    """One photo, audio or video file recorded for an action (append-only)."""

    __tablename__ = "media"
    __table_args__ = (Index("ix_media_activity_recorded", "activity_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    kind: Mapped[MediaKind] = mapped_column(enum_type(MediaKind))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    container: Mapped[str] = mapped_column(String(40))  # mp4, jpeg, wav, …
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    digest: Mapped[str] = mapped_column(ForeignKey("stored_blob.digest"), index=True)
    thumbnail_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    duration_ms: Mapped[int | None]
    video_codec: Mapped[str | None] = mapped_column(String(40))
    audio_codec: Mapped[str | None] = mapped_column(String(40))
    width: Mapped[int | None]
    height: Mapped[int | None]
    # When the recording started, as the file says (container creation_time or EXIF
    # DateTimeOriginal), and which of the two said it.
    recorded_at: Mapped[datetime | None]
    recorded_at_source: Mapped[str | None] = mapped_column(String(20))
    device_serial: Mapped[str | None] = mapped_column(String(100), index=True)
    device_serial_source: Mapped[str | None] = mapped_column(String(20))  # file / uploader
    # GPS in micro-degrees and millimetres: integers survive every database unchanged.
    latitude_e6: Mapped[int | None]
    longitude_e6: Mapped[int | None]
    altitude_mm: Mapped[int | None]
    # Further facts of the file (frame rate, sample rate, make and model, tags).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    channel: Mapped[UploadChannel] = mapped_column(enum_type(UploadChannel))
    # The tus upload this record came from: one upload can never make two records.
    upload_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @property
    def duration_seconds(self) -> float | None:
        return None if self.duration_ms is None else self.duration_ms / 1000

    @property
    def ended_at(self) -> datetime | None:
        """When the recording ended, if the file says when it started and how long it is."""
        if self.recorded_at is None or self.duration_ms is None:
            return None
        return self.recorded_at + timedelta(milliseconds=self.duration_ms)

    @property
    def gps(self) -> tuple[float, float, float | None] | None:
        if self.latitude_e6 is None or self.longitude_e6 is None:
            return None
        altitude = None if self.altitude_mm is None else self.altitude_mm / 1000
        return self.latitude_e6 / 1e6, self.longitude_e6 / 1e6, altitude

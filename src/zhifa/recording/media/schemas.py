"""What the media API answers: a record's metadata, with the URLs of its content and
thumbnail and the restrictions it carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from zhifa.core.models import User
from zhifa.recording.access.rules import RESTRICTION_LABELS, Restriction
from zhifa.recording.media.models import MEDIA_KIND_LABELS, Media, MediaKind, UploadChannel


class GpsOut(BaseModel):
    latitude: float
    longitude: float
    altitude: float | None


class MediaOut(BaseModel):
    id: int
    action_id: int
    activity_id: int | None
    party_id: int
    kind: MediaKind
    kind_label: str
    filename: str
    content_type: str
    container: str
    size: int
    digest: str
    duration_seconds: float | None
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None
    recorded_at: datetime | None
    recorded_at_source: str | None
    ended_at: datetime | None
    device_serial: str | None
    device_serial_source: str | None
    gps: GpsOut | None
    details: dict[str, Any]
    channel: UploadChannel
    uploaded_by: int
    uploaded_by_name: str
    uploaded_at: datetime
    content_url: str
    thumbnail_url: str | None
    restrictions: list[str] = []

    @classmethod
    def of(
        cls, db: Session, media: Media, restrictions: frozenset[Restriction] = frozenset()
    ) -> MediaOut:
        user = db.get(User, media.uploaded_by)
        gps = media.gps
        return cls(
            id=media.id,
            action_id=media.action_id,
            activity_id=media.activity_id,
            party_id=media.party_id,
            kind=media.kind,
            kind_label=MEDIA_KIND_LABELS[media.kind],
            filename=media.filename,
            content_type=media.content_type,
            container=media.container,
            size=media.size,
            digest=media.digest,
            duration_seconds=media.duration_seconds,
            video_codec=media.video_codec,
            audio_codec=media.audio_codec,
            width=media.width,
            height=media.height,
            recorded_at=media.recorded_at,
            recorded_at_source=media.recorded_at_source,
            ended_at=media.ended_at,
            device_serial=media.device_serial,
            device_serial_source=media.device_serial_source,
            gps=GpsOut(latitude=gps[0], longitude=gps[1], altitude=gps[2]) if gps else None,
            details=media.details,
            channel=media.channel,
            uploaded_by=media.uploaded_by,
            uploaded_by_name=user.full_name if user else "",
            uploaded_at=media.uploaded_at,
            content_url=f"/api/v1/media/{media.id}/content",
            thumbnail_url=f"/api/v1/media/{media.id}/thumbnail" if media.thumbnail_digest else None,
            restrictions=[RESTRICTION_LABELS[r] for r in sorted(restrictions)],
        )

"""What the 调阅 API takes and answers: a page of the access log, a restriction flag."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from zhifa.recording.access.models import MediaRestriction
from zhifa.recording.access.rules import RESTRICTION_LABELS, Restriction
from zhifa.recording.access.service import LogRow


class AccessOut(BaseModel):
    id: int
    at: datetime
    user_id: int
    username: str
    full_name: str
    record_type: str
    record_id: str | None
    what: str  # what was read, in words (处罚决定书 沪普应急罚〔2026〕3号)
    purpose: str
    via: str
    client: str
    action_id: int | None
    party_id: int | None

    @classmethod
    def of(cls, r: LogRow, what: str) -> AccessOut:
        return cls(
            id=r.log.id,
            at=r.log.at,
            user_id=r.user.id,
            username=r.user.username,
            full_name=r.user.full_name,
            record_type=r.log.record_type,
            record_id=r.log.record_id,
            what=what,
            purpose=r.log.purpose,
            via=r.log.via,
            client=r.context.client if r.context else "",
            action_id=r.context.action_id if r.context else None,
            party_id=r.context.party_id if r.context else None,
        )


class AccessPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[AccessOut]


class RestrictionIn(BaseModel):
    kind: Restriction
    restricted: bool = True
    # Required both ways; checked by the service, which says so in Chinese (400).
    reason: str = Field(default="", max_length=2000, description="标注或解除的理由（必填）")


class RestrictionOut(BaseModel):
    id: int
    media_id: int
    kind: Restriction
    kind_label: str
    restricted: bool
    reason: str
    recorded_at: datetime
    recorded_by: int

    @classmethod
    def of(cls, row: MediaRestriction) -> RestrictionOut:
        return cls(
            id=row.id,
            media_id=row.media_id,
            kind=row.kind,
            kind_label=RESTRICTION_LABELS[row.kind],
            restricted=row.restricted,
            reason=row.reason,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
        )

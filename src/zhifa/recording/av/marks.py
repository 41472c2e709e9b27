"""Marks on a record (第十条第三款): 作为案件证据 and 与当事人发生争议, put on and taken
off as new rows with who, when and why; and the retention that follows from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import SHANGHAI
from zhifa.core.errors import Conflict, DomainError
from zhifa.core.time_limits import due
from zhifa.enforcement.actions import action_of_record
from zhifa.enforcement.models import Action
from zhifa.recording.access import service as access
from zhifa.recording.av.models import MARK_LABELS, MarkKind, MediaMark
from zhifa.recording.av.rules import (
    RETENTION_CODE,
    RETENTION_LABELS,
    Retention,
    retention_rule,
)
from zhifa.recording.media.models import Media


class MarkIn(BaseModel):
    kind: MarkKind
    marked: bool = True
    reason: str = Field(min_length=2, max_length=500)


def visible_media(
    db: Session, media_id: int, who: Principal, *, handling: bool = False
) -> tuple[Media, Action]:
    media = db.get(Media, media_id)
    action_id = media.action_id if media is not None else None
    action = action_of_record(db, action_id, who, "音视频记录不存在", handling=handling)
    return media, action  # type: ignore[return-value]


def record_of_action(db: Session, action_id: int, media_id: int | None) -> Media:
    """The record a form on an action's page chose: it must be one of that action's."""
    media = db.get(Media, media_id) if media_id else None
    if media is None or media.action_id != action_id:
        raise DomainError("所选记录不属于该案件", "media_id")
    return media


def check_readable(db: Session, who: Principal, media: Media) -> None:
    """A flagged record's marks are its metadata too: only for those who may read it
    (``Forbidden`` for the others, who see the record only as "受限记录")."""
    action = db.get(Action, media.action_id)
    assert action is not None  # media.action_id is a foreign key
    access.check_readable(db, who, media, action)


def marks_of(db: Session, media_id: int) -> list[MediaMark]:
    query = select(MediaMark).where(MediaMark.media_id == media_id)
    return list(db.scalars(query.order_by(MediaMark.id)))


def current_marks(rows: list[MediaMark]) -> dict[MarkKind, MediaMark]:
    """The newest row of each kind that is a mark put on (not taken off)."""
    latest: dict[MarkKind, MediaMark] = {}
    for row in rows:
        latest[row.kind] = row
    return {kind: row for kind, row in latest.items() if row.marked}


def set_mark(db: Session, media_id: int, data: MarkIn, who: Principal) -> MediaMark:
    """Put a mark on, or take it off; refused if it is already in that state."""
    # Allowed after closing too: a dispute that arises later must stop a disposal.
    media, _ = visible_media(db, media_id, who, handling=True)
    check_readable(db, who, media)
    rows = marks_of(db, media.id)
    latest = next((r for r in reversed(rows) if r.kind is data.kind), None)
    now_marked = latest.marked if latest else False
    if now_marked == data.marked:
        label = MARK_LABELS[data.kind]
        raise Conflict(
            f"该记录已标记为“{label}”" if data.marked else f"该记录没有“{label}”标记，无需取消",
            "marked",
        )
    row = MediaMark(
        media_id=media.id,
        kind=data.kind,
        marked=data.marked,
        reason=data.reason.strip(),
        supersedes_id=latest.id if latest else None,
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "media.mark" if data.marked else "media.unmark", row)
    return row


@dataclass(frozen=True)
class RetentionView:
    rule: Retention
    label: str
    recorded_on: date
    keep_until: date | None  # last day it must be kept (unmarked inspection video)
    earliest_disposal: date | None  # the day after
    basis: str


def recorded_day(media: Media) -> date:
    """The day the record was made (Beijing), else the day it was uploaded."""
    return (media.recorded_at or media.uploaded_at).astimezone(SHANGHAI).date()


def retention_for(
    calendar: WorkingCalendar, action: Action, media: Media, marks: dict[MarkKind, MediaMark]
) -> RetentionView:
    rule = retention_rule(
        action.kind.value,
        media.kind.value,
        MarkKind.evidence in marks,
        MarkKind.disputed in marks,
    )
    day = recorded_day(media)
    if rule is Retention.with_case:
        return RetentionView(rule, RETENTION_LABELS[rule], day, None, None, "随案卷归档")
    kept = due(calendar, RETENTION_CODE, day)
    # not a legal limit: the day after the last day kept
    after = calendar.add_calendar_days(kept.date, 1, extend_if_rest_day=False)
    return RetentionView(rule, RETENTION_LABELS[rule], day, kept.date, after.date, kept.basis)


def retention_of(db: Session, media: Media, action: Action) -> RetentionView:
    return retention_for(working_calendar(db), action, media, current_marks(marks_of(db, media.id)))

"""What is due for disposal on a day: archive files whose period ended, and unfiled
inspection video past its 6 months (still neither evidence nor disputed), each with
what holds it and the open batch it is in. Read afresh at every step of a batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.disposal.models import DisposalBatch, DisposalItem
from zhifa.archive.disposal.rules import OPEN_STATES, ItemState, TargetKind
from zhifa.archive.filing.models import ArchiveFile, ArchiveItem
from zhifa.archive.holds.rules import HoldTarget
from zhifa.archive.holds.service import HeldSet, held_set
from zhifa.archive.retention.rules import RecordClass, retention_dates
from zhifa.archive.retention.service import in_force, rows_of
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.calendar_store import working_calendar
from zhifa.enforcement.models import Action
from zhifa.enforcement.steps import ActionKind
from zhifa.recording.av.marks import current_marks, marks_of, recorded_day, retention_for
from zhifa.recording.av.rules import Retention
from zhifa.recording.media.models import Media, MediaKind


@dataclass(frozen=True)
class DueItem:
    kind: TargetKind
    target_id: int
    action_id: int
    code: str
    title: str
    keep_until: date
    held: list[str] = field(default_factory=list)
    in_batch: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.target_id}"

    @property
    def disposable(self) -> bool:
        return not self.held and self.in_batch is None


def _extensions(db: Session) -> dict[tuple[TargetKind, int], date]:
    """New periods given by appraisals (实施条例第二十四条): the latest day per target."""
    query = select(DisposalItem).where(DisposalItem.new_keep_until.is_not(None))
    found: dict[tuple[TargetKind, int], date] = {}
    for item in db.scalars(query):
        key = (item.target_kind, item.target_id)
        assert item.new_keep_until is not None
        found[key] = max(found.get(key, item.new_keep_until), item.new_keep_until)
    return found


def _taken(db: Session) -> tuple[set[tuple[TargetKind, int]], dict[tuple[TargetKind, int], str]]:
    """Targets destroyed already, and those in a batch still under way (its number)."""
    query = select(DisposalItem, DisposalBatch.number, DisposalBatch.status).join(
        DisposalBatch, DisposalBatch.id == DisposalItem.batch_id
    )
    destroyed, busy = set(), {}
    for item, number, status in db.execute(query):
        key = (item.target_kind, item.target_id)
        if item.state is ItemState.destroyed:
            destroyed.add(key)
        elif status in OPEN_STATES and item.state is ItemState.proposed:
            busy[key] = number
    return destroyed, busy


def _files(db: Session, today: date, extended: dict[tuple[TargetKind, int], date]) -> list[DueItem]:
    query = select(ArchiveFile).where(
        ArchiveFile.keep_until.is_not(None), ArchiveFile.keep_until < today
    )
    rows = []
    for row in db.scalars(query.order_by(ArchiveFile.keep_until, ArchiveFile.id)):
        assert row.keep_until is not None
        keep = max(row.keep_until, extended.get((TargetKind.archive_file, row.id), row.keep_until))
        if keep < today:
            rows.append(
                DueItem(
                    TargetKind.archive_file,
                    row.id,
                    row.action_id,
                    row.archival_code,
                    row.title,
                    keep,
                )
            )
    return rows


def _media_keep_until(
    db: Session, calendar: WorkingCalendar, action: Action, media: Media
) -> date | None:
    """The last day an unfiled inspection video is kept (the rule table's minimum, or
    the schedule's longer row); None if it is to be filed (a mark, not an inspection)."""
    view = retention_for(calendar, action, media, current_marks(marks_of(db, media.id)))
    if view.rule is not Retention.keep_six_months or view.keep_until is None:
        return None
    schedule = in_force(db)
    if schedule is None:
        return view.keep_until
    row = rows_of(schedule)[RecordClass.media_unfiled]
    scheduled = retention_dates(calendar, row, recorded_day(media)).keep_until
    return max(view.keep_until, scheduled.date) if scheduled else None


def unfiled_media(
    db: Session, extended: dict[tuple[TargetKind, int], date] | None = None
) -> list[tuple[Media, Action, date]]:
    """Every unfiled inspection video (neither evidence nor disputed), with the last day
    it is kept."""
    extended = _extensions(db) if extended is None else extended
    filed = {
        int(source.split(":", 1)[1])
        for source in db.scalars(
            select(ArchiveItem.source).where(ArchiveItem.source.like("media:%"))
        )
    }
    query = (
        select(Media, Action)
        .join(Action, Action.id == Media.action_id)
        .where(Action.kind == ActionKind.inspection, Media.kind == MediaKind.video)
        .order_by(Media.id)
    )
    calendar = working_calendar(db)
    rows = []
    for media, action in db.execute(query):
        if media.id in filed:
            continue
        keep = _media_keep_until(db, calendar, action, media)
        if keep is not None:
            rows.append(
                (media, action, max(keep, extended.get((TargetKind.media, media.id), keep)))
            )
    return rows


def _media(db: Session, today: date, extended: dict[tuple[TargetKind, int], date]) -> list[DueItem]:
    rows = []
    for media, action, keep in unfiled_media(db, extended):
        if keep < today:
            title = f"{action.title}：{media.filename}"[:300]
            rows.append(
                DueItem(TargetKind.media, media.id, action.id, f"视音频-{media.id}", title, keep)
            )
    return rows


def expired(db: Session, today: date) -> list[DueItem]:
    """Everything whose period ended before ``today`` and is not destroyed yet, each
    with what holds it (`DueItem.held`) and the open batch it is in."""
    extended = _extensions(db)
    destroyed, busy = _taken(db)
    held: HeldSet = held_set(db)
    rows = []
    for row in _files(db, today, extended) + _media(db, today, extended):
        key = (row.kind, row.target_id)
        if key in destroyed:
            continue
        reasons = held.reasons(HoldTarget(row.kind.value), row.target_id, row.action_id)
        rows.append(
            DueItem(
                row.kind,
                row.target_id,
                row.action_id,
                row.code,
                row.title,
                row.keep_until,
                reasons,
                busy.get(key),
            )
        )
    return rows


def due(db: Session, today: date) -> list[DueItem]:
    """The due list proper: expired, not held, not in a batch under way."""
    return [row for row in expired(db, today) if row.disposable]

"""Loaded holiday schedules: kept in the database, turned into the working calendar."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.calendar_schedule import YearSchedule, schedule_from_dict, schedule_to_dict
from zhifa.core.models import HolidaySchedule
from zhifa.core.recompute import recompute_provisional


def store_schedule(db: Session, schedule: YearSchedule, loaded_by: str, actor: str | None) -> int:
    """Keep a loaded schedule and recompute every stored provisional due day with it (in
    the same transaction); how many due days were recomputed. ``loaded_by`` names the
    loader in the row (not public), ``actor`` is the username the ledger records (None:
    the CLI, i.e. system)."""
    row = HolidaySchedule(
        year=schedule.year,
        source=schedule.source[:200],
        content=schedule_to_dict(schedule),
        loaded_by=loaded_by,
    )
    db.add(row)
    record_change(db, actor, "calendar.load", row)
    return recompute_provisional(db, working_calendar(db), schedule.year, actor)


def loaded_schedules(db: Session) -> list[YearSchedule]:
    """The newest loaded schedule of each year."""
    newest: dict[int, HolidaySchedule] = {}
    for row in db.scalars(select(HolidaySchedule).order_by(HolidaySchedule.id)):
        newest[row.year] = row
    return [
        schedule_from_dict(row.content, allow_example=True, origin=f"{row.year}年放假安排")
        for row in newest.values()
    ]


def working_calendar(db: Session) -> WorkingCalendar:
    return WorkingCalendar(loaded_schedules(db))

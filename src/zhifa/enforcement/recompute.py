"""Recompute the provisional due days of entered steps when a year's official holiday
schedule is loaded (a `recompute_hooks` entry of the enforcement manifest)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.calendar import SHANGHAI, WorkingCalendar
from zhifa.core.recompute import note_recompute
from zhifa.core.time_limits import due as limit_due
from zhifa.enforcement.models import ActionTransition


def recompute_transitions(
    db: Session, calendar: WorkingCalendar, year: int, actor: str | None
) -> int:
    """Every step entered with a provisional due day gets it recomputed from the day the
    step was entered (Beijing time); a changed day or a day no longer provisional is kept
    as a `DueRecompute` with the previous day."""
    rows = db.scalars(
        select(ActionTransition)
        .where(
            ActionTransition.due_provisional.is_(True),
            ActionTransition.limit_code.is_not(None),
            ActionTransition.due_date.is_not(None),
        )
        .order_by(ActionTransition.id)
    )
    official = year in calendar.official_years()
    changed = 0
    for row in list(rows):
        assert row.limit_code is not None and row.due_date is not None
        due = limit_due(calendar, row.limit_code, row.at.astimezone(SHANGHAI).date())
        if due.date == row.due_date and due.provisional:
            continue
        old = row.due_date
        row.due_date, row.due_provisional = due.date, due.provisional
        note_recompute(
            db,
            actor,
            row,
            limit_code=row.limit_code,
            year=year,
            official=official,
            old=old,
            due=due,
        )
        changed += 1
    return changed

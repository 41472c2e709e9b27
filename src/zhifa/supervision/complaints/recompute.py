"""A complaint's provisional due days recomputed when a year's official schedule is loaded
(`core.recompute`): the acceptance notice's, counted from the day it came (also the
stage's day while it waits), and the answer's, counted from acceptance."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhifa.core.calendar import WorkingCalendar
from zhifa.core.recompute import note_recompute
from zhifa.core.time_limits import due
from zhifa.supervision.complaints.models import Complaint
from zhifa.supervision.complaints.rules import ACCEPTANCE_LIMIT


def _changed(
    db: Session,
    calendar: WorkingCalendar,
    row: Complaint,
    year: int,
    actor: str | None,
    *,
    code: str,
    start: date,
) -> int:
    new = due(calendar, code, start)
    notice = code == ACCEPTANCE_LIMIT
    old = row.notice_due_on if notice else row.due_on
    if new.date == old and new.provisional:
        return 0
    if notice:
        row.notice_due_on, row.notice_due_provisional = new.date, new.provisional
    if row.limit_code == code:
        row.due_on, row.due_provisional, row.due_basis = new.date, new.provisional, new.basis[:1000]
    official = year in calendar.official_years()
    note_recompute(db, actor, row, limit_code=code, year=year, official=official, old=old, due=new)
    return 1


def recompute_complaints(
    db: Session, calendar: WorkingCalendar, year: int, actor: str | None
) -> int:
    """How many stored due days changed (a recompute hook of the supervision manifest)."""
    provisional = or_(Complaint.notice_due_provisional, Complaint.due_provisional)
    changed = 0
    for row in list(db.scalars(select(Complaint).where(provisional).order_by(Complaint.id))):
        if row.notice_due_provisional:
            changed += _changed(
                db, calendar, row, year, actor, code=ACCEPTANCE_LIMIT, start=row.received_on
            )
        answering = row.limit_code != ACCEPTANCE_LIMIT and row.accepted_on is not None
        if row.due_provisional and answering:
            assert row.accepted_on is not None
            changed += _changed(
                db, calendar, row, year, actor, code=row.limit_code, start=row.accepted_on
            )
    return changed

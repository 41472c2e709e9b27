"""归档 on the deadline board and in the overdue report: one duty per closed case, due on
the 归档时间 of the rule table (``archive.filing``), done on the day it was filed (a
`publicity.duties.DutySource`, declared in the archive's manifest)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing.models import ArchiveFile
from zhifa.archive.filing.service import FILING_LIMIT, closed_on, filed_on
from zhifa.core.calendar_store import working_calendar
from zhifa.core.time_limits import due, limit
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.publicity.duties import Duty, DutyKind, Names, Scope


def filing_duties(db: Session, scope: Scope, names: Names) -> Iterator[Duty]:
    """Each closed case: open until filed, then done on its filing day by the archivist
    who filed it; the responsible unit is the case's."""
    calendar, basis = working_calendar(db), limit(FILING_LIMIT).basis
    filed = {f.action_id: f for f in db.scalars(select(ArchiveFile))}
    query = select(Action).where(Action.status == ActionStatus.closed).order_by(Action.id)
    for action in db.scalars(query):
        archive = filed.get(action.id)
        day = closed_on(action)
        limit_day = due(calendar, FILING_LIMIT, day)
        done_on = filed_on(archive) if archive else None
        if not scope.admits(limit_day.date, done_on):
            continue
        person_id = archive.filed_by if archive else None
        yield Duty(
            kind=DutyKind.archive_filing,
            record_id=action.id,
            reference=archive.archival_code if archive else "待归档",
            subject=action.title,
            unit_id=action.unit_id,
            unit=names.unit(action.unit_id),
            person_id=person_id,
            person=names.person(person_id),
            limit_code=FILING_LIMIT,
            basis=basis,
            due_on=limit_day.date,
            due_provisional=limit_day.provisional,
            done_on=done_on,
            link=f"/app/archive/files/{archive.id}"
            if archive
            else f"/app/archive#case-{action.id}",
            started_on=day,
        )

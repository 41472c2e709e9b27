"""Recompute the provisional due days of publication obligations when a year's official
holiday schedule is loaded (a `recompute_hooks` entry of the publicity manifest)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.calendar import Due, WorkingCalendar
from zhifa.core.recompute import note_recompute, recompute_texts
from zhifa.publicity.duties import BoardLine, DutyKind
from zhifa.publicity.models import PublicationObligation
from zhifa.publicity.service import obligation_due


def recompute_obligations(
    db: Session, calendar: WorkingCalendar, year: int, actor: str | None
) -> int:
    """Every obligation with a provisional due day gets it recomputed from its decision
    day, every applicable rule compared again; a changed day or a day no longer
    provisional is kept as a `DueRecompute` with the previous day."""
    rows = db.scalars(
        select(PublicationObligation)
        .where(PublicationObligation.due_provisional.is_(True))
        .order_by(PublicationObligation.id)
    )
    official = year in calendar.official_years()
    changed = 0
    for row in list(rows):
        code, day, provisional, basis = obligation_due(calendar, row.kind, row.decided_on)
        if day == row.due_on and provisional:
            continue
        old = row.due_on
        row.limit_code, row.due_on, row.due_provisional = code, day, provisional
        row.basis = basis[:1000]
        due = Due(day, provisional, basis)
        note_recompute(
            db, actor, row, limit_code=code, year=year, official=official, old=old, due=due
        )
        changed += 1
    return changed


def recomputed_on_board(db: Session, lines: Iterable[BoardLine]) -> dict[int, str]:
    """Obligation id -> how its due day was recomputed, for the board's publication lines."""
    ids = [line.duty.record_id for line in lines if line.duty.kind is DutyKind.publication]
    return recompute_texts(db, PublicationObligation.__tablename__, ids)

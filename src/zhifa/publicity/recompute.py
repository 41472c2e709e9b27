"""Recompute the provisional due days of publicity's duties when a year's official holiday
schedule is loaded (a `recompute_hooks` entry of the publicity manifest): publication
obligations, correction requests, withdrawals and updates."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.calendar import Due, WorkingCalendar
from zhifa.core.recompute import apply_recompute, recompute_rows, recompute_texts
from zhifa.publicity.duties import BoardLine, DutyKind
from zhifa.publicity.models import (
    CorrectionRequest,
    PublicationObligation,
    PublicationUpdate,
    Withdrawal,
)
from zhifa.publicity.service import obligation_due

# the duties whose one limit counts from one stored day: model -> that day's column
_ONE_LIMIT = {
    CorrectionRequest: "received_on",
    Withdrawal: "occurred_on",
    PublicationUpdate: "occurred_on",
}
_TABLES = {
    DutyKind.publication: PublicationObligation.__tablename__,
    DutyKind.correction: CorrectionRequest.__tablename__,
    DutyKind.withdrawal: Withdrawal.__tablename__,
    DutyKind.update: PublicationUpdate.__tablename__,
    DutyKind.catalogue_update: "catalogue_update",  # the catalog feature's (by name only)
}


def recompute_duties(db: Session, calendar: WorkingCalendar, year: int, actor: str | None) -> int:
    """Every publicity duty with a provisional due day gets it recomputed from its start
    day (an obligation: every applicable rule compared again); a changed day or a day no
    longer provisional is kept as a `DueRecompute` with the previous day."""
    official = year in calendar.official_years()
    changed = 0
    obligations = select(PublicationObligation).where(PublicationObligation.due_provisional)
    for ob in list(db.scalars(obligations.order_by(PublicationObligation.id))):
        code, day, provisional, basis = obligation_due(calendar, ob.kind, ob.decided_on)
        ob.limit_code = code
        changed += apply_recompute(db, actor, ob, Due(day, provisional, basis), year, official)
    for model, start in _ONE_LIMIT.items():
        changed += recompute_rows(db, calendar, year, actor, model, start)
    return changed


def recomputed_on_board(db: Session, lines: Iterable[BoardLine]) -> dict[tuple[str, int], str]:
    """(duty kind, record id) -> how its due day was recomputed, for the board's lines."""
    texts: dict[tuple[str, int], str] = {}
    wanted: dict[DutyKind, list[int]] = {}
    for line in lines:
        if line.duty.kind in _TABLES:
            wanted.setdefault(line.duty.kind, []).append(line.duty.record_id)
    for kind, ids in wanted.items():
        for record_id, text in recompute_texts(db, _TABLES[kind], ids).items():
            texts[(kind.value, record_id)] = text
    return texts

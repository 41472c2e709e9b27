"""The overdue report (公示办法 第十条): which publicity duties were not met on time, by
how many working days, and who was responsible.

A *duty* is anything with a legal due day: publishing a decision (公示), answering a
correction request (更正答复), taking a publication down (撤下) and updating one after the
decision was changed (更新). The first half of this module is pure: it takes plain
``Duty`` rows, the working calendar and the report day, and decides what is late and by
how much. The second half reads the duties from the database.

How lateness is counted (the one definition, also shown on the page):

- A due day runs to 24:00 Beijing time, so a duty done on its due day is on time.
- A duty is late when it was done after its due day, or is still open after it.
- Working days late = the working days in (due day, done day] — the due day itself is not
  counted, the done day is. Done on the next working day after the due day: 1. For a duty
  still open the count runs to the report day (today).
- A duty done on a rest day right after its due day (e.g. during a holiday) is late and
  listed, with 0 working days.
- Days come from the working calendar only (statutory holidays, make-up working days);
  a count that touches a year without an official schedule is marked provisional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from zhifa.core.calendar import WorkingCalendar
from zhifa.core.models import Unit, User
from zhifa.core.time_limits import limit
from zhifa.enforcement.models import Action
from zhifa.publicity.models import (
    CaseStatus,
    CorrectionRequest,
    ObligationStatus,
    PublicationObligation,
    PublicationUpdate,
    TaskStatus,
    Withdrawal,
)
from zhifa.recording.documents.models import Document


class DutyKind(StrEnum):
    publication = "publication"
    correction = "correction"
    withdrawal = "withdrawal"
    update = "update"


DUTY_LABELS: dict[DutyKind, str] = {
    DutyKind.publication: "公示",
    DutyKind.correction: "更正答复",
    DutyKind.withdrawal: "撤下",
    DutyKind.update: "更新",
}


@dataclass(frozen=True)
class Duty:
    """One duty with a due day, as plain values."""

    kind: DutyKind
    record_id: int
    reference: str  # 决定书文号 (a correction: its receipt number and the 文号)
    subject: str  # the case (案由)
    unit_id: int | None
    unit: str
    person_id: int | None
    person: str
    limit_code: str
    basis: str
    due_on: date
    due_provisional: bool
    done_on: date | None
    link: str


@dataclass(frozen=True)
class Filters:
    """Which duties the report covers; the period applies to the due day."""

    start: date | None = None
    end: date | None = None
    unit_id: int | None = None
    person_id: int | None = None
    kind: DutyKind | None = None

    def admits(self, duty: Duty) -> bool:
        return (
            (self.start is None or duty.due_on >= self.start)
            and (self.end is None or duty.due_on <= self.end)
            and (self.unit_id is None or duty.unit_id == self.unit_id)
            and (self.person_id is None or duty.person_id == self.person_id)
            and (self.kind is None or duty.kind is self.kind)
        )


@dataclass(frozen=True)
class Late:
    duty: Duty
    working_days: int
    provisional: bool  # the count touches a year without an official schedule

    @property
    def still_open(self) -> bool:
        return self.duty.done_on is None


@dataclass(frozen=True)
class Total:
    name: str
    count: int
    still_open: int
    working_days: int
    worst: int


@dataclass(frozen=True)
class Report:
    on: date
    filters: Filters
    rows: list[Late]
    by_unit: list[Total]
    by_person: list[Total]


def lateness(calendar: WorkingCalendar, duty: Duty, on: date) -> Late | None:
    """How late `duty` is on day `on`, or None when it was or still can be met on time."""
    end = duty.done_on or on
    if end <= duty.due_on:
        return None
    counted = calendar.working_days_between(duty.due_on, end)
    return Late(duty, counted.count, counted.provisional)


def _totals(rows: list[Late], name: Callable[[Duty], str]) -> list[Total]:
    groups: dict[str, list[Late]] = {}
    for row in rows:
        groups.setdefault(name(row.duty), []).append(row)
    totals = [
        Total(
            name=key,
            count=len(items),
            still_open=sum(1 for r in items if r.still_open),
            working_days=sum(r.working_days for r in items),
            worst=max(r.working_days for r in items),
        )
        for key, items in groups.items()
    ]
    return sorted(totals, key=lambda t: (-t.working_days, -t.count, t.name))


def build_report(
    calendar: WorkingCalendar, duties: Iterable[Duty], on: date, filters: Filters
) -> Report:
    """The late duties among `duties` that `filters` admit, worst first, with totals."""
    rows = [
        late
        for duty in duties
        if filters.admits(duty) and (late := lateness(calendar, duty, on)) is not None
    ]
    rows.sort(key=lambda r: (-r.working_days, r.duty.due_on, r.duty.kind, r.duty.record_id))
    return Report(
        on=on,
        filters=filters,
        rows=rows,
        by_unit=_totals(rows, lambda d: d.unit or "（未指定单位）"),
        by_person=_totals(rows, lambda d: d.person or "（未指定责任人）"),
    )


# ---- reading the duties ---------------------------------------------------------------------


_Row = PublicationObligation | CorrectionRequest | Withdrawal | PublicationUpdate
# where each kind's record is shown (publicity pages)
_PAGES = {
    DutyKind.publication: "obligations",
    DutyKind.correction: "corrections",
    DutyKind.withdrawal: "withdrawals",
    DutyKind.update: "updates",
}


@dataclass(frozen=True)
class _Decision:
    """What every duty of one publication obligation shares."""

    obligation_id: int
    reference: str
    subject: str
    unit_id: int | None
    responsible_id: int | None


class _Reader:
    """Reads duties with the names of units and people looked up once."""

    def __init__(self, db: Session, on: date, filters: Filters) -> None:
        self.db, self.on, self.filters = db, on, filters
        self.units = {u.id: u.name for u in db.scalars(select(Unit))}
        self.people = {u.id: u.full_name for u in db.scalars(select(User))}
        self._decisions: dict[int, _Decision] = {}

    def due_before_today(self, query: Select, column: Any) -> Select:
        """Only duties whose due day has passed can be late; the period narrows further."""
        query = query.where(column < self.on)
        if self.filters.start is not None:
            query = query.where(column >= self.filters.start)
        if self.filters.end is not None:
            query = query.where(column <= self.filters.end)
        return query

    def decision(self, obligation_id: int) -> _Decision:
        if obligation_id not in self._decisions:
            ob = self.db.get(PublicationObligation, obligation_id)
            assert ob is not None
            doc = self.db.get(Document, ob.document_id)
            action = self.db.get(Action, ob.action_id)
            self._decisions[obligation_id] = _Decision(
                obligation_id=ob.id,
                reference=(doc.doc_number if doc else "") or "",
                subject=action.title if action else "",
                unit_id=ob.unit_id,
                responsible_id=ob.responsible_id,
            )
        return self._decisions[obligation_id]

    def duty(
        self,
        kind: DutyKind,
        row: _Row,
        obligation_id: int,
        done_on: date | None,
        person_id: int | None,
        *,
        unit_id: int | None = None,
        reference: str = "",
    ) -> Duty:
        """A duty of `row` about the decision of `obligation_id`; unit and reference
        default to the decision's."""
        decision = self.decision(obligation_id)
        unit_id = unit_id or decision.unit_id
        return Duty(
            kind=kind,
            record_id=row.id,
            reference=reference or decision.reference,
            subject=decision.subject,
            unit_id=unit_id,
            unit=self.units.get(unit_id, "") if unit_id else "",
            person_id=person_id,
            person=self.people.get(person_id, "") if person_id else "",
            limit_code=row.limit_code,
            basis=limit(row.limit_code).basis,
            due_on=row.due_on,
            due_provisional=row.due_provisional,
            done_on=done_on,
            link=f"/app/publicity/{_PAGES[kind]}/{row.id}",
        )


_Loader = Callable[[_Reader], Iterator[Duty]]


def _publications(r: _Reader) -> Iterator[Duty]:
    ob_ = PublicationObligation
    # Those met on time are many and never late: leave them in the database.
    late = or_(ob_.status == ObligationStatus.open, ob_.completed_on > ob_.due_on)
    query = r.due_before_today(select(ob_).where(late), ob_.due_on)
    for ob in r.db.scalars(query.order_by(ob_.id)):
        done = ob.completed_on if ob.status is not ObligationStatus.open else None
        yield r.duty(DutyKind.publication, ob, ob.id, done, ob.responsible_id)


def _corrections(r: _Reader) -> Iterator[Duty]:
    """Answered when corrected or rejected (a proposed correction awaits its second
    person), by the handler, as on the deadline board; the reference is the receipt
    number with the 文号."""
    query = r.due_before_today(select(CorrectionRequest), CorrectionRequest.due_on)
    for row in r.db.scalars(query.order_by(CorrectionRequest.id)):
        number = r.decision(row.obligation_id).reference
        answered = row.status in (CaseStatus.corrected, CaseStatus.rejected)
        yield r.duty(
            DutyKind.correction,
            row,
            row.obligation_id,
            (row.decided_on or row.received_on) if answered else None,
            row.handler_id,
            reference=f"{row.receipt_number}（{number}）",
        )


def _tasks(model: type[Withdrawal] | type[PublicationUpdate], kind: DutyKind) -> _Loader:
    """Withdrawals and updates carry their own unit and person responsible; done as on
    the deadline board."""

    def load(r: _Reader) -> Iterator[Duty]:
        query = r.due_before_today(select(model), model.due_on)
        for row in r.db.scalars(query.order_by(model.id)):
            yield r.duty(
                kind,
                row,
                row.obligation_id,
                (row.done_on or row.occurred_on) if row.status is TaskStatus.done else None,
                row.responsible_id,
                unit_id=row.unit_id,
            )

    return load


_LOADERS: dict[DutyKind, _Loader] = {
    DutyKind.publication: _publications,
    DutyKind.correction: _corrections,
    DutyKind.withdrawal: _tasks(Withdrawal, DutyKind.withdrawal),
    DutyKind.update: _tasks(PublicationUpdate, DutyKind.update),
}


def load_duties(db: Session, on: date, filters: Filters) -> list[Duty]:
    """Every duty whose due day is before `on` (and in the filters' period)."""
    reader = _Reader(db, on, filters)
    kinds = [filters.kind] if filters.kind else list(_LOADERS)
    return [duty for kind in kinds for duty in _LOADERS[kind](reader)]


def overdue_report(db: Session, calendar: WorkingCalendar, on: date, filters: Filters) -> Report:
    return build_report(calendar, load_duties(db, on, filters), on, filters)

"""The overdue report (公示办法 第十条): which publicity duties were not met on time, by
how many working days, and who was responsible.

A *duty* is anything with a legal due day: publishing a decision (公示), answering a
correction request (更正答复), taking a publication down (撤下), updating one after the
decision was changed (更新) and updating the 事前公示 catalogue after a law, organisation
or certificate change (事前公示更新). Which duties exist and when each was done is decided
once, in `publicity.duties` (the deadline board reads the same list). This module is
pure but for `overdue_report`: it takes plain ``Duty`` rows, the working calendar and the
report day, and decides what is late and by how much.

How lateness is counted (the one definition, also shown on the page):

- A due day runs to 24:00 Beijing time, so a duty done on its due day is on time.
- A duty is late when it was done after its due day, or is still open after it.
- Working days late = the working days in (due day, done day] — the due day itself is not
  counted, the done day is. Done on the next working day after the due day: 1. For a duty
  still open the count runs to the report day (today).
- A duty done on a rest day right after its due day (e.g. during a holiday) is late and
  listed, with 0 working days.
- A duty due before the platform's start (`duties.platform_started_on`) is 历史遗留: listed
  apart, in no unit's or person's total.
- Days come from the working calendar only (statutory holidays, make-up working days);
  a count that touches a year without an official schedule is marked provisional.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from zhifa.core.calendar import WorkingCalendar
from zhifa.publicity.duties import DUTY_LABELS, Duty, DutyKind, Scope, duties

# The duty vocabulary is publicity's; it is named here too for the report's readers.
__all__ = [
    "DUTY_LABELS",
    "Duty",
    "DutyKind",
    "Filters",
    "Late",
    "Report",
    "Total",
    "build_report",
    "lateness",
    "load_duties",
    "overdue_report",
]


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
    legacy: list[Late]  # 历史遗留: due before the platform's start, charged to no one


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
    """The late duties among `duties` that `filters` admit, worst first, with totals; the
    历史遗留 ones apart and in no total."""
    late = [
        row
        for duty in duties
        if filters.admits(duty) and (row := lateness(calendar, duty, on)) is not None
    ]
    late.sort(key=lambda r: (-r.working_days, r.duty.due_on, r.duty.kind, r.duty.record_id))
    rows = [r for r in late if not r.duty.legacy]
    return Report(
        on=on,
        filters=filters,
        rows=rows,
        by_unit=_totals(rows, lambda d: d.unit or "（未指定单位）"),
        by_person=_totals(rows, lambda d: d.person or "（未指定责任人）"),
        legacy=[r for r in late if r.duty.legacy],
    )


# ---- reading the duties ---------------------------------------------------------------------


def load_duties(db: Session, on: date, filters: Filters) -> list[Duty]:
    """Every duty whose due day is before `on` (and in the filters' period) that is still
    open or was done late — the others cannot be late."""
    scope = Scope(before=on, start=filters.start, end=filters.end, unmet_or_late=True)
    return duties(db, scope, filters.kind)


def overdue_report(db: Session, calendar: WorkingCalendar, on: date, filters: Filters) -> Report:
    return build_report(calendar, load_duties(db, on, filters), on, filters)

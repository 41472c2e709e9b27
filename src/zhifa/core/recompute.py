"""Recomputing stored provisional due days when a year's official schedule is loaded.

A due day computed for a year without an official schedule was provisional (and leaned
to the safe side, time_limits.rest_days_for). When the notice is loaded every feature's
recompute hook (its manifest's `recompute_hooks`) recomputes its stored provisional due
days with the new calendar, in the loading transaction. Each change is kept as an
append-only `DueRecompute` (the previous day stays visible) and ledgered together with
the record's new state (invariant 2). Core names no feature: features register hooks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.calendar import Due, WorkingCalendar
from zhifa.core.clock import people_date
from zhifa.core.db import Base
from zhifa.core.features import registry
from zhifa.core.models import DueRecompute
from zhifa.core.time_limits import due


def recompute_provisional(
    db: Session, calendar: WorkingCalendar, year: int, actor: str | None
) -> int:
    """Run every registered recompute hook for the newly loaded `year`; how many stored
    due days changed (in date or in being provisional)."""
    return sum(hook(db, calendar, year, actor) for hook in registry().recompute_hooks)


def recompute_rows(
    db: Session,
    calendar: WorkingCalendar,
    year: int,
    actor: str | None,
    model: Any,
    start: str,
) -> int:
    """The common case: rows of `model` with `limit_code`, `due_on`, `due_provisional` (and
    perhaps `basis`) whose one limit counts from their column `start`."""
    official = year in calendar.official_years()
    rows = db.scalars(select(model).where(model.due_provisional).order_by(model.id))
    changed = 0
    for row in list(rows):
        changed += apply_recompute(
            db, actor, row, due(calendar, row.limit_code, getattr(row, start)), year, official
        )
    return changed


def apply_recompute(
    db: Session, actor: str | None, row: Any, new: Due, year: int, official: bool
) -> int:
    """Set `row`'s due day (`due_on`) to `new` and keep the change; 0 when nothing changed
    (the same day, still provisional), else 1."""
    if new.date == row.due_on and new.provisional:
        return 0
    old = row.due_on
    row.due_on, row.due_provisional = new.date, new.provisional
    if hasattr(row, "basis"):
        row.basis = new.basis[:1000]
    note_recompute(
        db, actor, row, limit_code=row.limit_code, year=year, official=official, old=old, due=new
    )
    return 1


def note_recompute(
    db: Session,
    actor: str | None,
    row: Base,
    *,
    limit_code: str,
    year: int,
    official: bool,
    old: date,
    due: Due,
) -> DueRecompute:
    """Keep the recompute of `row`'s due day (from `old` to `due`) and ledger it with the
    row's new state; the caller has already set the row's new due day."""
    note = DueRecompute(
        record_table=row.__tablename__,
        record_id=row.id,  # type: ignore[attr-defined]
        limit_code=limit_code,
        year=year,
        official=official,
        old_date=old,
        new_date=due.date,
        provisional=due.provisional,
        basis=due.basis[:1000],
    )
    db.add(note)
    record_change(db, actor, "calendar.recompute", note, row)
    return note


def recompute_text(note: DueRecompute) -> str:
    """What a page says about a recomputed due day, e.g.
    "按2027年正式安排重算：原定2027年2月16日，现为2027年2月18日"."""
    which = "正式" if note.official else "示例（非官方）"
    if note.old_date == note.new_date:
        change = f"原定{people_date(note.old_date)}，日期不变"
    else:
        change = f"原定{people_date(note.old_date)}，现为{people_date(note.new_date)}"
    still = "（仍涉及其他尚无官方安排的年份，仍为暂定）" if note.provisional else ""
    return f"按{note.year}年{which}安排重算：{change}{still}"


def recompute_texts(db: Session, table: str, ids: Iterable[int]) -> dict[int, str]:
    """The latest recompute of each of `ids` in `table` that has one, in words."""
    return {i: recompute_text(n) for i, n in latest_recomputes(db, table, ids).items()}


def latest_recomputes(db: Session, table: str, ids: Iterable[int]) -> dict[int, DueRecompute]:
    """The latest recompute of each of `ids` in `table` that has one."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = db.scalars(
        select(DueRecompute)
        .where(DueRecompute.record_table == table, DueRecompute.record_id.in_(wanted))
        .order_by(DueRecompute.id)
    )
    return {row.record_id: row for row in rows}

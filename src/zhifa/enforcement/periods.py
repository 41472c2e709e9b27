"""The time limits running in a case (`clocks`), each from its legal start event.

Features tell the hub when an event happened (the 告知书 served on the party, the 整改期限
of an order…) through their manifests (`period_starts`), as they tell it what a step
still misses (`requirements`): the hub never imports them. A party's period blocks the
steps its clock names until it has ended, whatever steps lie between; while its start
event has not happened (a notice issued but not yet served) the period has not started
and the step is refused with that reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.calendar import SHANGHAI, DeadlineState, Due, DueInstant, deadline_status
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, people_datetime, today
from zhifa.core.features import registry
from zhifa.core.time_limits import Direction, Lean, TimeLimit, Unit, due, due_at, limit
from zhifa.enforcement.clocks import END, Clock, clocks_of
from zhifa.enforcement.models import Action, ActionStatus, ActionTransition, Activity
from zhifa.enforcement.steps import procedure
from zhifa.enforcement.visibility import visible_actions


@dataclass(frozen=True)
class StartEvent:
    """When a period's start event happened (a day, or an instant for limits in hours)
    and what it was, in words (e.g. "《行政处罚告知书》2026年3月5日邮寄送达")."""

    at: date | datetime
    what: str


@dataclass(frozen=True)
class NotYet:
    """The start event is expected but has not happened: why the period has not started."""

    why: str


# (db, action) -> the start events of that name in the case (one per document, say)
PeriodStart = Callable[[Session, Action], Sequence[StartEvent | NotYet]]


@dataclass(frozen=True)
class CaseDeadline:
    """One limit of a case: started (`start` and `due` or `due_at`), or not yet (`waiting`)."""

    row: TimeLimit
    clock: Clock
    start: StartEvent | None = None
    waiting: str | None = None
    due: Due | None = None
    due_at: DueInstant | None = None
    done: bool = False

    @property
    def party_period(self) -> bool:
        return bool(self.clock.blocks)

    @property
    def ends(self) -> str:
        """The end (or, for a notice before an event, the latest day) in people's words."""
        if self.due_at is not None:
            return people_datetime(self.due_at.at)
        return people_date(self.due.date) if self.due is not None else ""

    @property
    def state(self) -> str:
        """完成 / 未起算 / 未届满 / 今日届满, then past its end: a party's period 已届满, a
        notice before an event 已过最迟日, a bureau duty 已逾期."""
        if self.done:
            return "已完成"
        if self.due is None and self.due_at is None:
            return "未起算"
        now = datetime.now(SHANGHAI)
        if self.due_at is not None:
            past = now >= self.due_at.at
        else:
            assert self.due is not None
            status = deadline_status(self.due, now)
            if status is not DeadlineState.OVERDUE:
                return "今日届满" if status is DeadlineState.DUE_TODAY else "未届满"
            past = True
        if not past:
            return "未届满"
        if self.row.direction is Direction.BEFORE:
            return "已过最迟日"
        return "已届满" if self.row.lean is Lean.LATEST else "已逾期"

    @property
    def end_day(self) -> date:
        """The day the limit ends (its instant's day for a limit in hours)."""
        if self.due_at is not None:
            return self.due_at.at.date()
        return self.due.date if self.due is not None else date.max

    def ended(self, on: date) -> bool:
        """Has the period ended by the day `on` (its last day is before `on`)?"""
        return self.end_day < on


def _day(at: date | datetime) -> date:
    return at.astimezone(SHANGHAI).date() if isinstance(at, datetime) else at


def _compute(
    db: Session, row: TimeLimit, at: date | datetime
) -> tuple[Due | None, DueInstant | None]:
    if row.unit is Unit.HOURS:
        if not isinstance(at, datetime):
            return None, None
        return None, due_at(row.code, at)
    return due(working_calendar(db), row.code, _day(at)), None


def _events(db: Session, action: Action, clock: Clock) -> Sequence[StartEvent | NotYet]:
    if clock.start.startswith(END):
        code = clock.start.removeprefix(END)
        earlier = [c for c in clocks_of(action.procedure) if c.limit == code]
        ends = [d for c in earlier for d in _deadlines_of(db, action, c) if d.due is not None]
        if not ends:
            return [NotYet(f"“{limit(code).title}”尚未起算")]
        last = max(ends, key=lambda d: d.due.date if d.due else date.min)
        assert last.due is not None
        return [StartEvent(last.due.date, f"“{last.row.title}”于{people_date(last.due.date)}届满")]
    source = registry().period_starts.get(clock.start)
    return source(db, action) if source is not None else []


def _deadlines_of(db: Session, action: Action, clock: Clock) -> list[CaseDeadline]:
    row = limit(clock.limit)
    steps = {t.to_step for t in _transitions(db, action.id)}
    done = bool(steps & set(clock.done_at))
    out = []
    for event in _events(db, action, clock):
        if isinstance(event, NotYet):
            out.append(CaseDeadline(row, clock, waiting=event.why, done=done))
            continue
        found, instant = _compute(db, row, event.at)
        out.append(CaseDeadline(row, clock, event, due=found, due_at=instant, done=done))
    if not out:
        waiting = f"起算事件尚未发生（{row.counted_from}计算）"
        out.append(CaseDeadline(row, clock, waiting=waiting, done=done))
    return out


def case_deadlines(db: Session, action: Action) -> list[CaseDeadline]:
    """Every limit running in the case, each from its start event (not yet started ones too)."""
    return [d for c in clocks_of(action.procedure) for d in _deadlines_of(db, action, c)]


def running_deadlines(db: Session, who: Principal) -> list[tuple[Action, CaseDeadline]]:
    """The started, not yet done limits of the open cases `who` may see, soonest end first."""
    query = visible_actions(who).where(Action.status == ActionStatus.open).order_by(Action.id)
    found = [
        (action, d)
        for action in db.scalars(query)
        for d in case_deadlines(db, action)
        if d.start is not None and not d.done and (d.due or d.due_at)
    ]
    return sorted(found, key=lambda pair: pair[1].end_day)


def period_problems(db: Session, action: Action, target: str) -> list[str]:
    """Why `target` may not be entered yet: a party's period that has not started (its
    start event has not happened) or has not ended."""
    label = procedure(action.procedure).step(target).label
    problems = []
    day = today()
    for clock in clocks_of(action.procedure):
        if target not in clock.blocks:
            continue
        for found in _deadlines_of(db, action, clock):
            title = found.row.title.removesuffix("（当事人期限）")
            if found.start is None:
                problems.append(f"{found.waiting}，“{title}”的期限尚未起算，不得进入“{label}”")
            elif not found.ended(day):
                problems.append(
                    f"“{title}”的期限自{found.start.what}起算，至 {found.ends} 届满，"
                    f"届满前不得进入“{label}”"
                )
    return problems


# ---- the hub's own start events -----------------------------------------------------


def _transitions(db: Session, action_id: int) -> list[ActionTransition]:
    query = select(ActionTransition).where(ActionTransition.action_id == action_id)
    return list(db.scalars(query.order_by(ActionTransition.id)))


def _activities_at(db: Session, action: Action, step: str) -> list[Activity]:
    query = select(Activity).where(Activity.action_id == action.id, Activity.step == step)
    return list(db.scalars(query.order_by(Activity.started_at, Activity.id)))


def _held(
    db: Session, action: Action, step: str, what: str, *, first: bool = False
) -> list[StartEvent | NotYet]:
    held = _activities_at(db, action, step)
    if not held:
        return []
    at = held[0 if first else -1].started_at.astimezone(SHANGHAI)
    return [StartEvent(at, f"{what}（{people_datetime(at)}）")]


def hearing_held(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The hearing (its on-site activity at the 听证 step): the notice goes out before it."""
    return _held(db, action, "hearing", "举行听证")


def measure_on_site(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """A seizure carried out on the spot (its activity at the 实施 step)."""
    return _held(db, action, "measure", "当场实施查封、扣押", first=True)


def power_cut(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The moment the supply is stopped (the activity at the 停止供电 step)."""
    return _held(db, action, "power_cut", "停止供电")


def _entered(db: Session, action: Action, step: str, what: str) -> list[StartEvent | NotYet]:
    for transition in _transitions(db, action.id):
        if transition.to_step == step:
            on = transition.at.astimezone(SHANGHAI).date()
            return [StartEvent(on, f"{what}（{people_date(on)}）")]
    return []


def application_received(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The licence application received: the case is opened on it (受理 step)."""
    return _entered(db, action, "acceptance", "收到申请材料")


def hearing_requested(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The applicant's hearing request: recorded by entering the licence's 听证 step."""
    return _entered(db, action, "hearing", "收到听证申请")

"""Use cases of the retention schedule: propose a version (all rows at once), approve
or return it (a leader, not the proposer), the version in force, and the period a
record class has under it."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.archive.retention.models import RetentionRule, RetentionSchedule, ScheduleStatus
from zhifa.archive.retention.rules import (
    CLASS_LABELS,
    SUGGESTED_ROWS,
    Period,
    PeriodKind,
    RecordClass,
    ScheduleRow,
    StartEvent,
    row_problem,
)
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import User


class RuleIn(BaseModel):
    record_class: RecordClass
    period_kind: PeriodKind
    period_n: int = Field(default=0, ge=0, le=1200)
    starts: StartEvent
    basis: str = Field(min_length=2, max_length=300)


class ScheduleIn(BaseModel):
    reason: str = Field(min_length=2, max_length=500)
    rows: list[RuleIn] = Field(min_length=1)


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=500)


def rule_in(row: ScheduleRow) -> RuleIn:
    return RuleIn(
        record_class=row.record_class,
        period_kind=row.period.kind,
        period_n=row.period.n,
        starts=row.starts,
        basis=row.basis,
    )


def suggested_schedule(reason: str) -> ScheduleIn:
    """The first version to propose: the suggested rows (retention.rules.SUGGESTED_ROWS)."""
    return ScheduleIn(reason=reason, rows=[rule_in(row) for row in SUGGESTED_ROWS])


def schedule_row(rule: RetentionRule) -> ScheduleRow:
    return ScheduleRow(
        rule.record_class, Period(rule.period_kind, rule.period_n), rule.starts, rule.basis
    )


def row_field(index: int, name: str) -> str:
    """How a refusal names one field of one row: ``rows.3.period_n`` (the form's name too)."""
    return f"rows.{index}.{name}"


def _checked(rows: Sequence[RuleIn]) -> list[ScheduleRow]:
    seen = {row.record_class for row in rows}
    missing = [CLASS_LABELS[c] for c in RecordClass if c not in seen]
    if missing:
        raise DomainError(f"保管期限表须覆盖每一类记录，缺少：{'、'.join(missing)}", "rows")
    if len(seen) != len(rows):
        raise DomainError("同一类记录只能有一行", "rows")
    checked = []
    for index, row in enumerate(rows):
        try:
            period = Period(
                row.period_kind, 0 if row.period_kind is PeriodKind.permanent else row.period_n
            )
        except ValueError:
            raise DomainError(
                f"{CLASS_LABELS[row.record_class]}：定期保管须填写 1 至 1200 的年数或月数",
                row_field(index, "period_n"),
            ) from None
        candidate = ScheduleRow(row.record_class, period, row.starts, row.basis.strip())
        problem = row_problem(candidate)
        if problem:
            raise DomainError(problem[1], row_field(index, problem[0]))
        checked.append(candidate)
    return checked


def propose(db: Session, data: ScheduleIn, who: Principal | None) -> RetentionSchedule:
    """A new version of the schedule, waiting for a leader's approval."""
    rows = _checked(data.rows)
    pending = db.scalar(
        select(RetentionSchedule.id).where(RetentionSchedule.status == ScheduleStatus.proposed)
    )
    if pending is not None:
        raise Conflict("已有一版保管期限表待审批，请先审批或退回")
    version = (db.scalar(select(func.max(RetentionSchedule.version))) or 0) + 1
    schedule = RetentionSchedule(
        version=version,
        status=ScheduleStatus.proposed,
        reason=data.reason.strip(),
        proposed_by=who.user_id if who else None,
    )
    db.add(schedule)
    db.flush()
    rules = [
        RetentionRule(
            schedule_id=schedule.id,
            record_class=row.record_class,
            period_kind=row.period.kind,
            period_n=row.period.n,
            starts=row.starts,
            basis=row.basis,
        )
        for row in rows
    ]
    db.add_all(rules)
    record_change(db, actor_name(who), "archive.schedule.propose", schedule, *rules)
    return schedule


def decide(
    db: Session, schedule: RetentionSchedule, data: DecisionIn, who: Principal | None
) -> RetentionSchedule:
    """A leader approves the proposed version (it is in force from now) or returns it."""
    if schedule.status is not ScheduleStatus.proposed:
        raise Conflict("这一版保管期限表已审批过")
    if who is not None and schedule.proposed_by == who.user_id:
        raise DomainError("提出人不能审批自己提出的保管期限表", "approve")
    if not data.approve and len(data.note.strip()) < 2:
        raise DomainError("退回时请写明理由", "note")
    schedule.status = ScheduleStatus.approved if data.approve else ScheduleStatus.rejected
    schedule.decided_at = utcnow()
    schedule.decided_by = who.user_id if who else None
    schedule.decision_note = data.note.strip()
    record_change(db, actor_name(who), "archive.schedule.decide", schedule)
    return schedule


def get_schedule(db: Session, schedule_id: int) -> RetentionSchedule:
    schedule = db.get(RetentionSchedule, schedule_id)
    if schedule is None:
        raise NotFound("没有这一版保管期限表")
    return schedule


def in_force(db: Session) -> RetentionSchedule | None:
    """The newest approved version, or None before the first approval."""
    query = (
        select(RetentionSchedule)
        .where(RetentionSchedule.status == ScheduleStatus.approved)
        .order_by(RetentionSchedule.version.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def require_in_force(db: Session) -> RetentionSchedule:
    schedule = in_force(db)
    if schedule is None:
        raise DomainError("保管期限表尚未经领导批准，暂不能归档或计算保管期限")
    return schedule


def rows_of(schedule: RetentionSchedule) -> dict[RecordClass, ScheduleRow]:
    return {rule.record_class: schedule_row(rule) for rule in schedule.rows}


def versions(db: Session) -> list[RetentionSchedule]:
    query = select(RetentionSchedule).order_by(RetentionSchedule.version.desc())
    return list(db.scalars(query))


def people(db: Session) -> dict[int, str]:
    """Who proposed, decided, set or filed: user id -> name, for the archive's pages."""
    return {user_id: name for user_id, name in db.execute(select(User.id, User.full_name))}

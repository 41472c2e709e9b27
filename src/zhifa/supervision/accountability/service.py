"""Collecting the accountability report's instances from the records, the leader's
decisions on them, and keeping the findings of failing `zhifa verify` runs.

Where each kind comes from (nothing is computed twice):
- 应当记录而未按要求记录: the recording rules (`recording.av.requirement`) on activities and
  留置/公告送达 records whose step is over (the action moved on or closed) and that still
  lack what the rules require; an activity of the current step can still be completed,
  so it is not an instance yet.
- 经批准未记录: every approved exception to a mandatory recording.
- 记录被改动或删除: the findings stored by failing verify runs (`store_verify_failures`,
  called by `zhifa verify`), and disposal outcomes where the store refused a deletion
  (锁定未到期) or the content was already gone without approval.
- 公示义务未按时: the overdue report (`insight.accountability`), as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.disposal.models import DisposalBatch, DisposalItem, DisposalOutcome
from zhifa.archive.disposal.rules import OUTCOME_LABELS, BlobOutcome
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import SHANGHAI, today
from zhifa.core.errors import DomainError, Forbidden
from zhifa.core.permissions import Permission
from zhifa.enforcement.models import Action, ActionStatus, Activity
from zhifa.insight import accountability as overdue
from zhifa.publicity import service as publicity
from zhifa.publicity.duties import Names
from zhifa.recording.av.continuity import current_policy
from zhifa.recording.av.models import ExceptionDecision, RecordingException
from zhifa.recording.av.requirement import action_recordings, service_recordings
from zhifa.recording.av.rules import MEASURE, RECORDED_SERVICE_METHODS
from zhifa.recording.documents.models import Document, DocumentService
from zhifa.supervision.accountability.models import AccountabilityDecision, VerifyFailure
from zhifa.supervision.accountability.rules import (
    Filters,
    Instance,
    InstanceKind,
    Outcome,
    decision_problem,
    disposal_key,
    duty_key,
    exception_key,
    recording_key,
    select_instances,
    verify_key,
)

# The publicity duties of 公示办法 第十条 (案卷归档 is a duty of the recording measure's
# 第十条 and is reported by the archive, not here).
PUBLICITY_DUTIES = frozenset(
    {
        overdue.DutyKind.publication,
        overdue.DutyKind.correction,
        overdue.DutyKind.withdrawal,
        overdue.DutyKind.update,
        overdue.DutyKind.catalogue_update,
        overdue.DutyKind.yearly_figures,
    }
)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


# ---- 记录办法 第十四条（一）: recordings ---------------------------------------------------------


def _lead(action: Action) -> int | None:
    leads = [o.officer_id for o in action.officers if o.lead] or [
        o.officer_id for o in action.officers
    ]
    return leads[0] if leads else None


def _past(action: Action, step: str) -> bool:
    return action.status is not ActionStatus.open or action.current_step != step


def _with_recordings(db: Session) -> Iterator[Action]:
    served = select(Document.action_id).join(
        DocumentService, DocumentService.document_id == Document.id
    )
    query = select(Action).where(Action.id.in_(select(Activity.action_id)) | Action.id.in_(served))
    yield from db.scalars(query.order_by(Action.id))


def _missing(
    action: Action, names: Names, key: str, day: date, what: str, problems: list[str], link: str
) -> Instance:
    person = _lead(action)
    return Instance(
        key=key,
        kind=InstanceKind.recording_missing,
        day=day,
        unit_id=action.unit_id,
        unit=names.unit(action.unit_id),
        person_id=person,
        person=names.person(person),
        rule=f"{MEASURE}第五条至第七条（{what}）",
        subject=action.title,
        detail="；".join(problems),
        link=link,
    )


def recording_instances(db: Session, names: Names) -> Iterator[Instance]:
    policy = current_policy(db)
    for action in _with_recordings(db):
        for rec in action_recordings(db, action, policy):
            if rec.problems and _past(action, rec.activity.step):
                yield _missing(
                    action,
                    names,
                    recording_key("activity", rec.activity.id),
                    _local_day(rec.activity.started_at),
                    f"现场活动{rec.number}（{rec.step.label}）",
                    rec.problems,
                    f"/app/activities/{rec.activity.id}/recording",
                )
        for served in service_recordings(db, action, policy):
            if served.problems and _past(action, served.step):
                yield _missing(
                    action,
                    names,
                    recording_key("service", served.service.id),
                    served.service.served_on,
                    RECORDED_SERVICE_METHODS[served.service.method.value],
                    served.problems,
                    f"/app/actions/{action.id}/recording",
                )


def exception_instances(db: Session, names: Names) -> Iterator[Instance]:
    query = (
        select(RecordingException, ExceptionDecision, Action)
        .join(ExceptionDecision, ExceptionDecision.exception_id == RecordingException.id)
        .join(Action, Action.id == RecordingException.action_id)
        .where(ExceptionDecision.approved.is_(True))
        .order_by(RecordingException.id)
    )
    for request, decision, action in db.execute(query):
        what = "现场活动" if request.activity_id is not None else "送达"
        link = (
            f"/app/activities/{request.activity_id}/recording"
            if request.activity_id is not None
            else f"/app/actions/{action.id}/recording"
        )
        yield Instance(
            key=exception_key(request.id),
            kind=InstanceKind.recording_excepted,
            day=_local_day(decision.decided_at),
            unit_id=action.unit_id,
            unit=names.unit(action.unit_id),
            person_id=request.requested_by,
            person=names.person(request.requested_by),
            rule=f"{MEASURE}第五条（{what}应当全程音视频记录，经领导批准例外）",
            subject=action.title,
            detail=f"申请理由：{request.reason}；{names.person(decision.decided_by)}批准"
            + (f"：{decision.note}" if decision.note else ""),
            link=link,
        )


# ---- 记录办法 第十四条（二）: records altered or removed ---------------------------------------


class VerifyProblem(Protocol):
    area: str
    where: str
    message: str


def store_verify_failures(db: Session, run_at: datetime, problems: Iterable[VerifyProblem]) -> int:
    """Keep the findings of one failing verify run (ledgered as the system); how many."""
    rows = [
        VerifyFailure(
            run_at=run_at,
            area=p.area[:20],
            location=p.where[:300],
            message=p.message[:1000],
            instance_key=verify_key(p.area, p.where, p.message),
        )
        for p in problems
    ]
    db.add_all(rows)
    if rows:
        record_change(db, None, "supervision.verify_failure", *rows)
    return len(rows)


def verify_instances(db: Session) -> Iterator[Instance]:
    for row in db.scalars(select(VerifyFailure).order_by(VerifyFailure.id)):
        yield Instance(
            key=row.instance_key,
            kind=InstanceKind.verify_failure,
            day=_local_day(row.run_at),
            unit_id=None,
            unit="",
            person_id=None,
            person="",
            rule=f"{MEASURE}第十四条（二）（不得擅自毁损、删除、修改记录资料）：{row.area}不符",
            subject=row.location,
            detail=row.message,
            link="",
        )


_REFUSED = (BlobOutcome.locked, BlobOutcome.missing)


def disposal_instances(db: Session, names: Names) -> Iterator[Instance]:
    query = (
        select(DisposalOutcome, DisposalItem, DisposalBatch, Action)
        .join(DisposalItem, DisposalItem.id == DisposalOutcome.item_id)
        .join(DisposalBatch, DisposalBatch.id == DisposalItem.batch_id)
        .join(Action, Action.id == DisposalItem.action_id)
        .where(DisposalOutcome.outcome.in_(_REFUSED))
        .order_by(DisposalOutcome.id)
    )
    for outcome, item, batch, action in db.execute(query):
        person = batch.executed_by
        yield Instance(
            key=disposal_key(outcome.id),
            kind=InstanceKind.deletion_refused,
            day=_local_day(outcome.at),
            unit_id=action.unit_id,
            unit=names.unit(action.unit_id),
            person_id=person,
            person=names.person(person),
            rule=f"销毁批次 {batch.number}：{OUTCOME_LABELS[outcome.outcome]}",
            subject=f"{item.code} {item.title}",
            detail=f"{outcome.title}（{outcome.digest[:16]}…）{outcome.detail}",
            link=f"/app/archive/disposal/batches/{batch.id}",
        )


# ---- 公示办法 第十条: duties not met on time ----------------------------------------------------


def duty_instances(db: Session, on: date, filters: Filters) -> Iterator[Instance]:
    """The overdue report's late rows (历史遗留 ones are charged to no one, so left out)."""
    publicity.refresh(db)
    wanted = overdue.Filters(start=filters.start, end=filters.end, unit_id=filters.unit_id)
    report = overdue.overdue_report(db, working_calendar(db), on, wanted)
    for late in report.rows:
        d = late.duty
        if d.kind not in PUBLICITY_DUTIES:
            continue
        done = "至今未完成" if late.still_open else f"{d.done_on}完成"
        yield Instance(
            key=duty_key(d.kind.value, d.record_id, d.part),
            kind=InstanceKind.duty_late,
            day=d.due_on,
            unit_id=d.unit_id,
            unit=d.unit,
            person_id=d.person_id,
            person=d.person,
            rule=d.basis,
            subject=" ".join(part for part in (d.reference, d.subject) if part),
            detail=f"{overdue.DUTY_LABELS[d.kind]}：期限届满日{d.due_on}，{done}，"
            f"逾期{late.working_days}个工作日",
            link=d.link,
        )


# ---- the report -----------------------------------------------------------------------------


def instances(db: Session, filters: Filters, on: date | None = None) -> list[Instance]:
    """Every instance the filters admit, newest first (writes: the duties' catch-up)."""
    names = Names(db)
    wanted = filters.kind
    rows: list[Instance] = []
    if wanted in (None, InstanceKind.recording_missing):
        rows += recording_instances(db, names)
    if wanted in (None, InstanceKind.recording_excepted):
        rows += exception_instances(db, names)
    if wanted in (None, InstanceKind.verify_failure):
        rows += verify_instances(db)
    if wanted in (None, InstanceKind.deletion_refused):
        rows += disposal_instances(db, names)
    if wanted in (None, InstanceKind.duty_late):
        rows += duty_instances(db, on or today(), filters)
    return select_instances(rows, filters)


@dataclass(frozen=True)
class Decided:
    row: AccountabilityDecision
    by: str


@dataclass(frozen=True)
class Report:
    on: date
    filters: Filters
    rows: list[Instance]
    decisions: dict[str, Decided]

    @property
    def undecided(self) -> int:
        return sum(1 for r in self.rows if r.key not in self.decisions)


def latest_decisions(db: Session) -> dict[str, AccountabilityDecision]:
    latest: dict[str, AccountabilityDecision] = {}
    for row in db.scalars(select(AccountabilityDecision).order_by(AccountabilityDecision.id)):
        latest[row.instance_key] = row
    return latest


def report(db: Session, filters: Filters) -> Report:
    on = today()
    rows = instances(db, filters, on)
    names = Names(db)
    latest = latest_decisions(db)
    decided = {
        r.key: Decided(latest[r.key], names.person(latest[r.key].decided_by))
        for r in rows
        if r.key in latest
    }
    return Report(on, filters, rows, decided)


# ---- the leader's decision ------------------------------------------------------------------


class DecisionIn(BaseModel):
    instance_key: str = Field(min_length=3, max_length=120)
    outcome: Outcome
    reason: str = Field(default="", max_length=1000)


def decide(db: Session, data: DecisionIn, who: Principal) -> AccountabilityDecision:
    """Record (or revise) the leader's decision on one instance, ledgered."""
    if not who.can(Permission.accountability_decide):
        raise Forbidden("只有领导可以作出问责处理决定")
    problem = decision_problem(data.outcome, data.reason)
    if problem:
        raise DomainError(problem, "reason")
    known = {row.key for row in instances(db, Filters())}
    if data.instance_key not in known:
        raise DomainError("该问责事项不存在或已不再成立，请刷新后重试", "instance_key")
    previous = latest_decisions(db).get(data.instance_key)
    row = AccountabilityDecision(
        instance_key=data.instance_key,
        outcome=data.outcome,
        reason=data.reason.strip(),
        supersedes_id=previous.id if previous else None,
        decided_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "supervision.accountability.decide", row)
    return row

"""Use cases of the 双随机 inspection tasks: open the inspections of a drawn batch, record
(and, until published, correct) a result, make its publication draft, and read the
published results for the 双随机 platform export and the batch's WeChat article.

Every write is ledgered in the caller's transaction; every refusal is raised before
anything is written (a batch's teams are all resolved before the first action opens)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from zhifa.catalog.models import Citation, PowerItemVersion, RandomCheckVersion
from zhifa.core import grants
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI
from zhifa.core.calendar_store import working_calendar
from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.settings import Settings
from zhifa.enforcement.actions import ActionIn, get_action, open_action
from zhifa.enforcement.models import Action, Party, PartyVersion, PowerItem
from zhifa.enforcement.steps import INSPECTION, ActionKind
from zhifa.inspection.draw import Team
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import PlanStatus
from zhifa.inspection.plans.service import BatchView, batch_of
from zhifa.inspection.subjects.service import enterprise_by_uscc, subject_of_party
from zhifa.inspection.tasks import rules
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.inspection.tasks.schemas import ResultIn
from zhifa.publicity import rules as publicity_rules
from zhifa.publicity import service as publicity
from zhifa.publicity.models import (
    ObligationStatus,
    Publication,
    PublicationObligation,
    PublicationStatus,
)
from zhifa.publicity.snapshots import Bureau
from zhifa.recording.documents.models import Document, DocumentStatus

# How long the team's grant lasts after the batch's period (or today, if later), so that
# results and corrections can still be recorded; core.grants caps it.
# not a legal limit: the grant's length, the bureau's choice
GRANT_AFTER_PERIOD = timedelta(days=90)
_OUT = (PublicationStatus.published, PublicationStatus.expired, PublicationStatus.withdrawn,
        PublicationStatus.superseded)  # fmt: skip


# ---- reading ----------------------------------------------------------------------------------


def tasks_of(db: Session, plan_id: int, batch_index: int) -> list[InspectionTask]:
    query = select(InspectionTask).where(
        InspectionTask.plan_id == plan_id, InspectionTask.batch_index == batch_index
    )
    return list(db.scalars(query.order_by(InspectionTask.id)))


def get_task(db: Session, task_id: int) -> InspectionTask:
    task = db.get(InspectionTask, task_id)
    if task is None:
        raise NotFound("检查任务不存在")
    return task


def party_of(db: Session, party_id: int) -> tuple[Party, PartyVersion]:
    row = db.execute(
        select(Party, PartyVersion)
        .join(PartyVersion, PartyVersion.party_id == Party.id)
        .where(Party.id == party_id, PartyVersion.version == Party.current_version)
    ).one()
    return row[0], row[1]


def publication_of(db: Session, task: InspectionTask) -> Publication | None:
    if task.obligation_id is None:
        return None
    return publicity.latest_publication(db, task.obligation_id)


def state_of(db: Session, task: InspectionTask) -> str:
    """The task's publication state, a key of `rules.TASK_STATE_LABELS`."""
    if task.result is None or task.obligation_id is None:
        return "no_result"
    obligation = db.get(PublicationObligation, task.obligation_id)
    if obligation is not None and obligation.status is ObligationStatus.exempted:
        return "exempted"
    pub = publication_of(db, task)
    if pub is None:
        return "open"
    if pub.status in _OUT:
        return "published"
    return pub.status.value


# ---- opening the inspections of a drawn batch -------------------------------------------------


def _power_item(db: Session, view: BatchView) -> PowerItem:
    """The 行政检查 power item of the batch's 随机抽查事项. The catalogue does not link the
    two directly: the item is the inspection power item whose current version cites an
    article the 随机抽查事项 cites; failing that, the one inspection item of the batch's
    field (the first by code when there are several)."""
    items = list(
        db.scalars(
            select(PowerItem)
            .where(PowerItem.kind == ActionKind.inspection)
            .order_by(PowerItem.code)
        )
    )
    if view.item is not None:
        cited = select(Citation.article_id).where(Citation.random_check_version_id == view.item.id)
        linked = db.scalar(
            select(PowerItem)
            .join(
                PowerItemVersion,
                and_(
                    PowerItemVersion.power_item_id == PowerItem.id,
                    PowerItemVersion.version == PowerItem.current_version,
                ),
            )
            .join(Citation, Citation.power_item_version_id == PowerItemVersion.id)
            .where(PowerItem.kind == ActionKind.inspection, Citation.article_id.in_(cited))
            .order_by(PowerItem.code)
            .limit(1)
        )
        if linked is not None:
            return linked
    in_field = [i for i in items if i.field == view.batch.field] or items
    if not in_field:
        raise DomainError("权责清单中没有行政检查类执法事项，无法开启检查案件")
    return in_field[0]


def _officers_by_number(db: Session) -> dict[str, int]:
    """执法证号 -> the officer's user id (every certificate the officer holds)."""
    return {
        c.current.number: view.user.id
        for view in list_officers(db)
        if view.user.is_active
        for c in view.certificates
    }


@dataclass(frozen=True)
class _Planned:
    team: Team
    party: Party
    name: str
    subject_id: int
    officer_ids: list[int]
    external: list[dict[str, str]]  # the partners' members on this team (联合抽查)


def _resolve(
    db: Session, teams: Sequence[Team], known: set[str], external: dict[str, dict[str, str]]
) -> list[_Planned]:
    """Each new team's subject, party, the bureau's officers and the partners' members on
    it, or a refusal naming the first wrong."""
    numbers = _officers_by_number(db)
    planned = []
    for team in teams:
        if team.target in known:
            continue
        party = enterprise_by_uscc(db, team.target)
        subject = subject_of_party(db, party.id)
        if subject is None:
            raise DomainError(f"统一社会信用代码 {team.target} 不在检查对象名录库中", "teams")
        if len(team.inspectors) < 2:
            raise DomainError(f"{team.target} 的检查组不足 2 名执法人员", "teams")
        missing = [n for n in team.inspectors if n not in numbers and n not in external]
        if missing:
            words = (
                f"执法证号 {'、'.join(missing)} 既不是本局在岗执法人员，也不是联合抽查部门的人员"
            )
            raise DomainError(words, "teams")
        officers = [numbers[n] for n in team.inspectors if n in numbers]
        if not officers:
            words = f"{team.target} 的检查组全部是联合抽查部门的人员，本局不能开启检查案件"
            raise DomainError(words, "teams")
        _, version = party_of(db, party.id)
        members = [external[n] for n in team.inspectors if n in external]
        planned.append(_Planned(team, party, version.name, subject.id, officers, members))
        known.add(team.target)
    return planned


def _grant_until(view: BatchView) -> datetime:
    """The end of the day GRANT_AFTER_PERIOD after the batch (or today), within the
    longest grant core.grants allows."""
    end = max(view.batch.ends_on, today()) + GRANT_AFTER_PERIOD
    day_end = datetime.combine(end, time(23, 59, 59), tzinfo=SHANGHAI)
    return min(day_end, grants.latest_until(utcnow()))


def _grant_team(
    db: Session,
    action: Action,
    officer_ids: list[int],
    reason: str,
    until: datetime,
    who: Principal,
) -> None:
    """The team's grant of the case (core.grants: inspection teams are grants). The one who
    opens the case sees it already and cannot grant to themselves."""
    for officer_id in dict.fromkeys(officer_ids):
        if officer_id == who.user_id:
            continue
        data = grants.GrantIn(
            grantee_id=officer_id,
            record_type=grants.GrantRecord.action,
            record_id=action.id,
            reason=reason,
            valid_until=until,
        )
        grants.grant(db, data, who, record_exists=True)


def open_inspections(
    db: Session, plan: InspectionPlan, batch_index: int, teams: Sequence[Team], who: Principal
) -> list[InspectionTask]:
    """For each drawn target, its inspection task (idempotent per plan, batch and target):
    an inspection action under the 现场检查 procedure with the team's officers (the lead
    first), a grant of the case to the team, and the partners' external members kept on
    the task. The tasks in the order of `teams`."""
    if plan.status is not PlanStatus.approved:
        raise Conflict("检查计划尚未经领导批准，不能生成检查任务")
    view = batch_of(db, plan, batch_index)
    existing = {t.target_uscc: t for t in tasks_of(db, plan.id, batch_index)}
    external = {m.number: m.model_dump() for m in view.batch.external_members()}
    planned = _resolve(db, teams, set(existing), external)
    if not planned:
        return [existing[t.target] for t in teams]
    item = _power_item(db, view)
    label = f"{plan.title}{view.batch.name}"
    until = _grant_until(view)
    for p in planned:
        data = ActionIn(
            procedure=INSPECTION.code,
            party_id=p.party.id,
            power_item_id=item.id,
            title=f"双随机抽查（{label}）：{p.name}"[:200],
            officer_ids=p.officer_ids,
            lead_officer_id=p.officer_ids[0],
        )
        action = open_action(db, data, who)
        _grant_team(db, action, p.officer_ids, f"双随机抽查检查组：{label}"[:200], until, who)
        task = InspectionTask(
            plan_id=plan.id,
            batch_index=batch_index,
            target_uscc=p.team.target,
            subject_id=p.subject_id,
            stratum=p.team.stratum,
            inspectors=list(p.team.inspectors),
            external_members=p.external,
            action_id=action.id,
            opened_by=who.user_id,
        )
        db.add(task)
        db.flush()
        record_change(db, actor_name(who), "inspection.task.open", task)
        existing[p.team.target] = task
    return [existing[t.target] for t in teams]


# ---- results ----------------------------------------------------------------------------------


def site_record_of(db: Session, action_id: int) -> Document | None:
    """The action's issued 现场检查记录 (the first), if any."""
    return db.scalar(
        select(Document)
        .where(
            Document.action_id == action_id,
            Document.kind == rules.SITE_RECORD,
            Document.status == DocumentStatus.issued,
        )
        .order_by(Document.id)
        .limit(1)
    )


def _published(db: Session, task: InspectionTask) -> bool:
    if task.obligation_id is None:
        return False
    obligation = db.get(PublicationObligation, task.obligation_id)
    pub = publication_of(db, task)
    exempted = obligation is not None and obligation.status is not ObligationStatus.open
    return exempted or (pub is not None and pub.status in _OUT)


def _penalty(db: Session, task: InspectionTask, data: ResultIn, action: Action) -> int | None:
    if data.penalty_action_id is None:
        return None
    if data.result is not rules.InspectionResult.case_opened:
        raise DomainError("只有“发现问题已立案查处”的结果可以关联处罚案件", "penalty_action_id")
    penalty = db.get(Action, data.penalty_action_id)
    if penalty is None or penalty.kind is not ActionKind.penalty:
        raise DomainError("所关联的处罚案件不存在", "penalty_action_id")
    if penalty.party_id != action.party_id:
        raise DomainError("所关联的处罚案件的当事人不是本检查对象", "penalty_action_id")
    return penalty.id


def _obligation(
    db: Session, task: InspectionTask, action: Action, who: Principal
) -> PublicationObligation:
    """The result's publication obligation: 20 working days from the check (rule table
    `publicity.random_inspection`), counted again from a corrected check day."""
    assert task.checked_on is not None
    code, due_on, provisional, basis = publicity.obligation_due(
        working_calendar(db), "inspection", task.checked_on
    )
    row = db.get(PublicationObligation, task.obligation_id) if task.obligation_id else None
    if row is None:
        lead = next((o.officer_id for o in action.officers if o.lead), action.opened_by)
        row = PublicationObligation(
            action_id=action.id,
            document_id=None,
            kind="inspection",
            responsible_id=lead,
            unit_id=_plan(db, task).unit_id,  # the plan's unit (执法大队), not the opener's
            status=ObligationStatus.open,
        )
        db.add(row)
    elif row.decided_on == task.checked_on:
        return row
    row.decided_on, row.limit_code, row.due_on = task.checked_on, code, due_on
    row.due_provisional, row.basis = provisional, basis[:1000]
    db.flush()
    record_change(db, actor_name(who), "publication.obligation", row)
    return row


def record_result(
    db: Session, settings: Settings, task: InspectionTask, data: ResultIn, who: Principal
) -> InspectionTask:
    """Record the result (or correct it, before it is published): only by one who handles
    the case; a result other than 无法联系 needs the issued 现场检查记录 first. The result
    becomes a publication obligation; an unpublished draft is rebuilt at once."""
    action = get_action(db, task.action_id, who, handling=True)
    view = batch_of(db, _plan(db, task), task.batch_index)
    facts = rules.ResultFacts(
        result=data.result,
        checked_on=data.checked_on,
        today=today(),
        site_record_issued=site_record_of(db, action.id) is not None,
        batch_starts_on=view.batch.starts_on,
        published=_published(db, task),
    )
    problem = rules.result_problem(facts)
    if problem is not None:
        raise problem
    penalty_id = _penalty(db, task, data, action)
    corrected = task.result is not None
    task.result, task.checked_on, task.penalty_action_id = data.result, data.checked_on, penalty_id
    task.result_revision += 1
    task.recorded_at, task.recorded_by = utcnow(), who.user_id
    kind = "inspection.task.correct" if corrected else "inspection.task.result"
    # The obligation first: the task's ledger entry must record the obligation it points at.
    task.obligation_id = _obligation(db, task, action, who).id
    record_change(db, actor_name(who), kind, task)
    if publication_of(db, task) is not None:  # a draft of the old result: rebuilt now
        prepare_draft(db, settings, task, who)
    return task


def _plan(db: Session, task: InspectionTask) -> InspectionPlan:
    plan = db.get(InspectionPlan, task.plan_id)
    assert plan is not None
    return plan


def result_source(db: Session, task: InspectionTask) -> rules.ResultSource:
    plan = _plan(db, task)
    view = batch_of(db, plan, task.batch_index)
    action = db.get(Action, task.action_id)
    assert action is not None and task.result is not None and task.checked_on is not None
    party, version = party_of(db, action.party_id)
    item: RandomCheckVersion | None = view.item
    return rules.ResultSource(
        plan=plan.title,
        batch=view.batch.name,
        item=item.name if item is not None else view.batch.name,
        party={"kind": party.kind.value, "name": version.name, "uscc": version.uscc or "",
               "address": version.address, "phone": version.phone or ""},
        checked_on=task.checked_on,
        result=task.result,
    )  # fmt: skip


def prepare_draft(
    db: Session, settings: Settings, task: InspectionTask, who: Principal
) -> Publication:
    """The result's publication draft (desensitised, validated) through the publicity
    pipeline; the legal section reviews and publishes it there."""
    if task.result is None or task.obligation_id is None:
        raise DomainError("请先录入检查结果，再生成公示草稿", "result")
    obligation = publicity.get_obligation(db, task.obligation_id)
    snap = rules.snapshot(
        result_source(db, task),
        Bureau(settings.bureau_name, settings.bureau_uscc),
        settings.publicity_person_name,
    )
    rule = publicity_rules.period_rule("inspection", publicity_rules.Severity.not_credit)
    return publicity.save_draft(db, obligation, snap, rule, None, who)


# ---- published results: the platform export and the batch's WeChat article -------------------


@dataclass(frozen=True)
class PublishedResult:
    task: InspectionTask
    publication: Publication
    snapshot: dict[str, Any]


def published_results(
    db: Session,
    *,
    plan_id: int | None = None,
    batch_index: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[PublishedResult]:
    """The results being published (their current version), of one batch or checked in a
    period, by check day."""
    query = select(InspectionTask).where(InspectionTask.obligation_id.is_not(None))
    if plan_id is not None:
        query = query.where(InspectionTask.plan_id == plan_id)
    if batch_index is not None:
        query = query.where(InspectionTask.batch_index == batch_index)
    if start is not None:
        query = query.where(InspectionTask.checked_on >= start)
    if end is not None:
        query = query.where(InspectionTask.checked_on <= end)
    found = []
    for task in db.scalars(query.order_by(InspectionTask.checked_on, InspectionTask.id)):
        pub = publication_of(db, task)
        if pub is not None and pub.status is PublicationStatus.published:
            found.append(PublishedResult(task, pub, publicity.snapshot_as_of(pub)))
    return found


def get_action_row(db: Session, action_id: int) -> Action:
    """The task's case as a row, for the batch list (the list is the inspection chapter's
    to read; opening the case itself goes through its own page and its access log)."""
    action = db.get(Action, action_id)
    assert action is not None
    return action

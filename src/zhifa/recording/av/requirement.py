"""What the recording rules require of an action, and the records that satisfy them.

For every on-site activity (and every 留置送达 / 公告送达 record) the rules of ``rules.py``
decide whether full audio-video recording is mandatory; this module gathers the facts
from the database, records what officers state (facts, "the party was told recording
started"), handles exception requests and a leader's decision, and registers the
"recording" requirement with the enforcement hub: a step cannot complete while an
activity of it lacks its mandatory recording, the notice to the party or an explanation
of a gap — unless a leader approved an exception.

Imported by ``zhifa.recording`` (the package), so the requirement holds wherever steps
are moved (web, API, command line, demo).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.clock import SHANGHAI
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement.actions import (
    activities_of,
    beijing,
    get_action,
    procedure_of,
    writable_activity,
)
from zhifa.enforcement.models import (
    Action,
    ActionOfficer,
    ActionStatus,
    ActionTransition,
    Activity,
    Party,
)
from zhifa.enforcement.steps import Step
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.recording.av.continuity import (
    Policy,
    Timeline,
    activity_media,
    current_policy,
    explanations,
    timeline,
    unexplained,
)
from zhifa.recording.av.models import (
    ExceptionDecision,
    Interruption,
    RecordingException,
    RecordingFact,
    RecordingNotice,
    RecordingPolicy,
)
from zhifa.recording.av.rules import (
    ACTION_FACTS,
    BUREAU_PREFIX,
    FACT_LABELS,
    RECORDED_SERVICE_METHODS,
    BureauSituation,
    ExceptionState,
    Fact,
    RecordingDecision,
    RecordingFacts,
    RecordState,
    decide,
    record_problems,
)
from zhifa.recording.documents.models import Document, DocumentService, DocumentStatus
from zhifa.recording.media.models import Media, MediaKind

# ---- the bureau's policy ------------------------------------------------------------------


class SituationIn(BaseModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str = Field(min_length=2, max_length=200)
    kinds: list[str] = Field(default_factory=list, max_length=10)
    procedures: list[str] = Field(default_factory=list, max_length=20)
    steps: list[str] = Field(default_factory=list, max_length=20)
    risk_flags: list[str] = Field(default_factory=list, max_length=10)


class PolicyIn(BaseModel):
    gap_tolerance_seconds: int = Field(ge=1, le=600)
    situations: list[SituationIn] = Field(default_factory=list, max_length=50)
    reason: str = Field(min_length=2, max_length=200)

    @field_validator("situations")
    @classmethod
    def _distinct(cls, value: list[SituationIn]) -> list[SituationIn]:
        codes = [s.code for s in value]
        if len(codes) != len(set(codes)):
            raise ValueError("情形代码不能重复")
        return value


def set_policy(db: Session, data: PolicyIn, who: Principal) -> RecordingPolicy:
    from zhifa.enforcement.models import RISK_FLAGS
    from zhifa.enforcement.steps import PROCEDURES, ActionKind

    known_steps = {s.code for p in PROCEDURES.values() for s in p.steps}
    for s in data.situations:
        checks = (
            (s.kinds, {k.value for k in ActionKind}, "kinds", "执法行为类别"),
            (s.procedures, set(PROCEDURES), "procedures", "办案程序"),
            (s.steps, known_steps, "steps", "办案步骤"),
            (s.risk_flags, set(RISK_FLAGS), "risk_flags", "风险标识"),
        )
        for values, allowed, name, label in checks:
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise DomainError(f"情形“{s.label}”的{label}无效：{'、'.join(unknown)}", name)
    situations = [BureauSituation.from_dict(s.model_dump()).to_dict() for s in data.situations]
    row = RecordingPolicy(
        gap_tolerance_seconds=data.gap_tolerance_seconds,
        situations=situations,
        reason=data.reason.strip(),
        set_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "recording.policy", row)
    return row


# ---- stated facts --------------------------------------------------------------------------


class FactIn(BaseModel):
    code: str = Field(min_length=1, max_length=60)
    value: bool = True
    reason: str = Field(min_length=2, max_length=500)
    activity_id: BodyRecordId | None = None


def fact_label(code: str, policy: Policy) -> str | None:
    """What a stated fact means, or None for an unknown code."""
    if code in FACT_LABELS:
        return FACT_LABELS[Fact(code)]
    for s in policy.situations:
        if code == f"{BUREAU_PREFIX}{s.code}":
            return f"本局规定的情形：{s.label}"
    return None


def _latest_facts(db: Session, action_id: int, activity_id: int | None) -> dict[str, RecordingFact]:
    query = select(RecordingFact).where(RecordingFact.action_id == action_id)
    query = query.where(
        RecordingFact.activity_id.is_(None)
        if activity_id is None
        else RecordingFact.activity_id == activity_id
    )
    latest: dict[str, RecordingFact] = {}
    for row in db.scalars(query.order_by(RecordingFact.id)):
        latest[row.code] = row
    return latest


def stated(db: Session, action_id: int, activity_id: int | None) -> frozenset[str]:
    """Fact codes stated true for the action and (if given) the activity."""
    rows = dict(_latest_facts(db, action_id, None))
    if activity_id is not None:
        rows.update(_latest_facts(db, action_id, activity_id))
    return frozenset(code for code, row in rows.items() if row.value)


def state_fact(db: Session, action_id: int, data: FactIn, who: Principal) -> RecordingFact:
    action = get_action(db, action_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再补记")
    if fact_label(data.code, current_policy(db)) is None:
        raise DomainError("未知的情形，请从列表中选择", "code")
    on_action = data.code in ACTION_FACTS
    if on_action and data.activity_id is not None:
        raise DomainError("该情形针对整个案件，不针对单次活动", "activity_id")
    if not on_action:
        if data.activity_id is None:
            raise DomainError("该情形针对单次现场活动，请选择活动", "activity_id")
        activity, _ = writable_activity(db, data.activity_id, who)
        if activity.action_id != action.id:
            raise DomainError("所选执法活动不属于该案件", "activity_id")
    current = _latest_facts(db, action.id, data.activity_id).get(data.code)
    if (current.value if current else False) == data.value:
        raise Conflict("该情形已是所述状态，无需重复记录", "value")
    row = RecordingFact(
        action_id=action.id,
        activity_id=data.activity_id,
        code=data.code,
        value=data.value,
        reason=data.reason.strip(),
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "recording.fact", row)
    return row


# ---- the party told that recording started -------------------------------------------------


class NoticeIn(BaseModel):
    told_at: datetime
    media_id: BodyRecordId | None = None
    note: str = Field(default="", max_length=500)


def record_notice(db: Session, activity_id: int, data: NoticeIn, who: Principal) -> RecordingNotice:
    activity, _ = writable_activity(db, activity_id, who)
    if data.media_id is not None:
        media = db.get(Media, data.media_id)
        if media is None or media.activity_id != activity.id:
            raise DomainError("所选录像不属于该执法活动", "media_id")
    row = RecordingNotice(
        activity_id=activity.id,
        told_at=beijing(data.told_at),
        media_id=data.media_id,
        note=data.note.strip(),
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "recording.notice", row)
    return row


def notices_of(db: Session, activity_id: int) -> list[RecordingNotice]:
    query = select(RecordingNotice).where(RecordingNotice.activity_id == activity_id)
    return list(db.scalars(query.order_by(RecordingNotice.id)))


# ---- exceptions ----------------------------------------------------------------------------


class ExceptionIn(BaseModel):
    activity_id: BodyRecordId | None = None
    service_id: BodyRecordId | None = None
    reason: str = Field(min_length=4, max_length=1000)


class DecisionIn(BaseModel):
    approved: bool
    note: str = Field(default="", max_length=500)


def _exceptions(
    db: Session, *, activity_id: int | None = None, service_id: int | None = None
) -> list[tuple[RecordingException, ExceptionDecision | None]]:
    query = select(RecordingException, ExceptionDecision).outerjoin(
        ExceptionDecision, ExceptionDecision.exception_id == RecordingException.id
    )
    if activity_id is not None:
        query = query.where(RecordingException.activity_id == activity_id)
    else:
        query = query.where(RecordingException.service_id == service_id)
    return [(r, d) for r, d in db.execute(query.order_by(RecordingException.id))]


def exception_state(
    rows: list[tuple[RecordingException, ExceptionDecision | None]],
) -> ExceptionState:
    if any(d is not None and d.approved for _, d in rows):
        return ExceptionState.approved
    if any(d is None for _, d in rows):
        return ExceptionState.pending
    return ExceptionState.refused if rows else ExceptionState.none


def _service_of_action(db: Session, service_id: int, action: Action) -> DocumentService:
    service = db.get(DocumentService, service_id)
    document = db.get(Document, service.document_id) if service else None
    if service is None or document is None or document.action_id != action.id:
        raise DomainError("所选送达记录不属于该案件", "service_id")
    if service.method.value not in RECORDED_SERVICE_METHODS:
        raise DomainError("只有留置送达、公告送达须全程音视频记录", "service_id")
    return service


def request_exception(
    db: Session, action_id: int, data: ExceptionIn, who: Principal
) -> RecordingException:
    """An officer asks a leader to let the step complete without the recording."""
    action = get_action(db, action_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再申请")
    if (data.activity_id is None) == (data.service_id is None):
        raise DomainError("请选择一次现场活动或一条送达记录", "activity_id")
    if data.activity_id is not None:
        activity = db.get(Activity, data.activity_id)
        if activity is None or activity.action_id != action.id:
            raise DomainError("所选执法活动不属于该案件", "activity_id")
        rows = _exceptions(db, activity_id=activity.id)
    else:
        assert data.service_id is not None
        _service_of_action(db, data.service_id, action)
        rows = _exceptions(db, service_id=data.service_id)
    state = exception_state(rows)
    if state is ExceptionState.approved:
        raise Conflict("领导已批准不记录的例外，无需再申请", "reason")
    if state is ExceptionState.pending:
        raise Conflict("已有一项例外申请正待领导审批", "reason")
    row = RecordingException(
        action_id=action.id,
        activity_id=data.activity_id,
        service_id=data.service_id,
        reason=data.reason.strip(),
        requested_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "recording.exception_request", row)
    return row


def is_leader(who: Principal) -> bool:
    """May decide exceptions to mandatory recording (the leaders, per the permission table)."""
    return who.can(Permission.recording_exception_decide)


def check_leader(who: Principal) -> None:
    """``Forbidden`` unless ``who`` may decide exception requests (and so see the list)."""
    if not is_leader(who):
        raise Forbidden("只有领导可以审批不记录的例外申请")


def decide_exception(
    db: Session, exception_id: int, data: DecisionIn, who: Principal
) -> ExceptionDecision:
    """A leader approves or refuses, once."""
    check_leader(who)
    request = db.get(RecordingException, exception_id)
    if request is None:
        raise NotFound("例外申请不存在")
    get_action(db, request.action_id, who)
    if db.scalar(select(ExceptionDecision).where(ExceptionDecision.exception_id == request.id)):
        raise Conflict("该申请已审批，不能重复审批", "approved")
    if not data.approved and len(data.note.strip()) < 2:
        raise DomainError("不予批准的，请写明理由", "note")
    row = ExceptionDecision(
        exception_id=request.id,
        approved=data.approved,
        note=data.note.strip(),
        decided_by=who.user_id,
    )
    db.add(row)
    try:
        record_change(db, who.username, "recording.exception_decision", row)
    except IntegrityError:  # another leader decided at the same moment
        db.rollback()
        raise Conflict("该申请已审批，不能重复审批", "approved") from None
    return row


def pending_exceptions(db: Session) -> list[RecordingException]:
    decided = select(ExceptionDecision.exception_id)
    query = select(RecordingException).where(RecordingException.id.not_in(decided))
    return list(db.scalars(query.order_by(RecordingException.id)))


def visible_exceptions(
    db: Session, who: Principal, state: ExceptionState
) -> list[tuple[RecordingException, ExceptionDecision | None]]:
    """The exception requests in ``state`` (pending, approved or refused; `none` gives
    every one) on the actions ``who`` may see, with their decisions, oldest first."""
    query = select(RecordingException, ExceptionDecision).outerjoin(
        ExceptionDecision, ExceptionDecision.exception_id == RecordingException.id
    )
    if state is ExceptionState.pending:
        query = query.where(ExceptionDecision.id.is_(None))
    elif state is ExceptionState.approved:
        query = query.where(ExceptionDecision.approved.is_(True))
    elif state is ExceptionState.refused:
        query = query.where(ExceptionDecision.approved.is_(False))
    query = of_visible_actions(query, RecordingException.action_id, who)
    return [(row, decision) for row, decision in db.execute(query.order_by(RecordingException.id))]


# ---- what one activity's recording looks like ----------------------------------------------


def _risk_flags(db: Session, party_id: int) -> frozenset[str]:
    party = db.get(Party, party_id)
    if party is None or not party.versions:
        return frozenset()
    current = next(
        (v for v in party.versions if v.version == party.current_version), party.versions[-1]
    )
    return frozenset(current.risk_flags or ())


def _has_measure_decision(db: Session, action_id: int) -> bool:
    query = select(Document.id).where(
        Document.action_id == action_id,
        Document.kind == "on_site_measure_decision",
        Document.status != DocumentStatus.discarded,
    )
    return db.scalar(query.limit(1)) is not None


def facts_for(
    db: Session,
    action: Action,
    step: Step,
    activity_id: int | None,
    policy: Policy,
    service_method: str | None = None,
) -> RecordingFacts:
    return RecordingFacts(
        kind=action.kind.value,
        procedure=action.procedure,
        step=step.code,
        step_label=step.label,
        risk_flags=_risk_flags(db, action.party_id),
        stated=stated(db, action.id, activity_id),
        on_site_measure_decision=_has_measure_decision(db, action.id),
        service_method=service_method,
        situations=policy.situations,
    )


def _counts(media: Iterable[Media]) -> dict[MediaKind, int]:
    counts = dict.fromkeys(MediaKind, 0)
    for m in media:
        counts[m.kind] += 1
    return counts


@dataclass
class ActivityRecording:
    """Everything the officer's page shows for one activity."""

    activity: Activity
    number: int  # 现场活动 n of its step, as the duties check numbers them
    step: Step
    decision: RecordingDecision
    media: list[Media]
    line: Timeline
    explained: dict[tuple[int, int], Interruption]
    notices: list[RecordingNotice]
    exceptions: list[tuple[RecordingException, ExceptionDecision | None]]
    state: RecordState
    problems: list[str] = field(default_factory=list)


def recording_of(
    db: Session, action: Action, activity: Activity, policy: Policy, number: int = 1
) -> ActivityRecording:
    step = procedure_of(action).step(activity.step)
    decision = decide(facts_for(db, action, step, activity.id, policy))
    media = activity_media(db, activity.id)
    line = timeline(media, policy.gap_tolerance_seconds)
    explained = explanations(db, activity.id)
    notices = notices_of(db, activity.id)
    exceptions = _exceptions(db, activity_id=activity.id)
    counts = _counts(media)
    state = RecordState(
        decision=decision,
        videos=counts[MediaKind.video],
        audios=counts[MediaKind.audio],
        photos=counts[MediaKind.photo],
        told=bool(notices),
        unexplained=tuple(unexplained(line.gaps, explained)),
        exception=exception_state(exceptions),
    )
    return ActivityRecording(
        activity,
        number,
        step,
        decision,
        media,
        line,
        explained,
        notices,
        exceptions,
        state,
        record_problems(state, SHANGHAI),
    )


def action_recordings(
    db: Session, action: Action, policy: Policy | None = None
) -> list[ActivityRecording]:
    policy = policy or current_policy(db)
    proc = procedure_of(action)
    out, numbers = [], dict[str, int]()
    for activity in activities_of(db, action.id):
        numbers[activity.step] = numbers.get(activity.step, 0) + 1
        if proc.step(activity.step).on_site:
            out.append(recording_of(db, action, activity, policy, numbers[activity.step]))
    return out


def activity_recording(db: Session, activity: Activity, action: Action) -> ActivityRecording:
    """One activity's recording; only on-site activities have a recording requirement."""
    for rec in action_recordings(db, action):
        if rec.activity.id == activity.id:
            return rec
    raise DomainError("该步骤不是现场执法活动，无音视频记录要求")


# ---- 留置送达 and 公告送达 --------------------------------------------------------------------


@dataclass
class ServiceRecording:
    service: DocumentService
    document: Document
    step: str  # the step that was current when the service was recorded
    decision: RecordingDecision
    media: list[Media]
    exceptions: list[tuple[RecordingException, ExceptionDecision | None]]
    state: RecordState
    problems: list[str] = field(default_factory=list)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _step_at(transitions: list[ActionTransition], moment: datetime) -> str | None:
    current = None
    for t in transitions:
        if t.at <= moment:
            current = t.to_step
    return current


def service_recordings(
    db: Session, action: Action, policy: Policy | None = None
) -> list[ServiceRecording]:
    """Every 留置送达 / 公告送达 record of the action: its recording is the action's media
    made on the service day (the officer films leaving the document or posting it)."""
    policy = policy or current_policy(db)
    query = (
        select(DocumentService, Document)
        .join(Document, Document.id == DocumentService.document_id)
        .where(Document.action_id == action.id)
        .order_by(DocumentService.id)
    )
    rows = [(s, d) for s, d in db.execute(query) if s.method.value in RECORDED_SERVICE_METHODS]
    if not rows:
        return []
    proc = procedure_of(action)
    transitions = list(
        db.scalars(
            select(ActionTransition)
            .where(ActionTransition.action_id == action.id)
            .order_by(ActionTransition.id)
        )
    )
    all_media = list(
        db.scalars(select(Media).where(Media.action_id == action.id).order_by(Media.id))
    )
    out = []
    for service, document in rows:
        step_code = _step_at(transitions, service.recorded_at) or action.current_step
        facts = facts_for(db, action, proc.step(step_code), None, policy, service.method.value)
        decision = decide(facts)
        media = [
            m for m in all_media if _local_day(m.recorded_at or m.uploaded_at) == service.served_on
        ]
        counts = _counts(media)
        exceptions = _exceptions(db, service_id=service.id)
        state = RecordState(
            decision=decision,
            videos=counts[MediaKind.video],
            audios=counts[MediaKind.audio],
            photos=counts[MediaKind.photo],
            told=True,
            needs_notice=False,
            exception=exception_state(exceptions),
        )
        out.append(
            ServiceRecording(
                service,
                document,
                step_code,
                decision,
                media,
                exceptions,
                state,
                record_problems(state, SHANGHAI),
            )
        )
    return out


# ---- the requirement -----------------------------------------------------------------------


def missing_recording(db: Session, action: Action, step: Step) -> list[str]:
    """What the recording rules still lack before ``step`` can complete."""
    policy = current_policy(db)
    missing = []
    if step.on_site:
        for rec in action_recordings(db, action, policy):
            if rec.activity.step == step.code:
                missing.extend(f"现场活动{rec.number}（音视频）：{p}" for p in rec.problems)
    for served in service_recordings(db, action, policy):
        if served.step == step.code:
            method = RECORDED_SERVICE_METHODS[served.service.method.value]
            missing.extend(f"{method}（{served.service.served_on}）：{p}" for p in served.problems)
    return missing


def missing_now(db: Session, action: Action) -> list[str]:
    """What the recording rules still lack before the action's current step can complete;
    nothing once the action is closed."""
    if action.status is not ActionStatus.open:
        return []
    return missing_recording(db, action, procedure_of(action).step(action.current_step))


# ---- supervision: open problems across actions ---------------------------------------------


@dataclass(frozen=True)
class OpenProblem:
    action: Action
    subject: str  # 现场活动n（步骤） or 留置送达（日期）
    link: str
    problems: list[str]
    officer_ids: frozenset[int]


def open_problems(
    db: Session,
    who: Principal,
    *,
    unit_id: int | None = None,
    officer_id: int | None = None,
    action_id: int | None = None,
) -> list[OpenProblem]:
    """Every unmet recording requirement of open actions (leaders and supervision)."""
    if not who.can(Permission.action_all):
        raise Forbidden("只有领导和监督人员可以查看全局的记录问题")
    query = select(Action).where(Action.status == ActionStatus.open)
    if unit_id is not None:
        query = query.where(Action.unit_id == unit_id)
    if action_id is not None:
        query = query.where(Action.id == action_id)
    if officer_id is not None:
        assigned = select(ActionOfficer.action_id).where(ActionOfficer.officer_id == officer_id)
        query = query.where(Action.id.in_(assigned))
    policy = current_policy(db)
    out = []
    for action in db.scalars(query.order_by(Action.id)):
        officers = frozenset(o.officer_id for o in action.officers)
        for rec in action_recordings(db, action, policy):
            if rec.problems:
                subject = f"现场活动{rec.number}（{rec.step.label}）"
                link = f"/app/activities/{rec.activity.id}/recording"
                out.append(OpenProblem(action, subject, link, rec.problems, officers))
        for served in service_recordings(db, action, policy):
            if served.problems:
                method = RECORDED_SERVICE_METHODS[served.service.method.value]
                subject = f"{method}（{served.service.served_on}）"
                link = f"/app/actions/{action.id}/recording"
                out.append(OpenProblem(action, subject, link, served.problems, officers))
    return out


def user_name(db: Session, user_id: int | None) -> str:
    user = db.get(User, user_id) if user_id else None
    return user.full_name if user else "—"

"""Use cases of enforcement actions: open one, record on-site activities and their
事中 duties, move it from step to step under the procedure's rules."""

from __future__ import annotations

import base64
import io
from datetime import date, datetime
from typing import Annotated, BinaryIO

from pydantic import AfterValidator, BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import store_blob
from zhifa.core.calendar_store import working_calendar
from zhifa.core.certificate_rules import CertificateState
from zhifa.core.certificates import OfficerView, get_officer, list_officers
from zhifa.core.clock import SHANGHAI, today
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, Forbidden, NotFound
from zhifa.core.models import User
from zhifa.core.permissions import Role
from zhifa.core.time_limits import due as limit_due
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement.clocks import clocks_of
from zhifa.enforcement.models import (
    Acknowledgement,
    AcknowledgementMethod,
    Action,
    ActionOfficer,
    ActionStatus,
    ActionTransition,
    Activity,
    ActivityOfficer,
    CertificateShown,
    MattersTold,
    Party,
    PowerItem,
)
from zhifa.enforcement.periods import period_problems
from zhifa.enforcement.requirements import missing_for
from zhifa.enforcement.rules import (
    DutyFacts,
    Matter,
    OfficerOnSite,
    certificate_problem,
    duty_problems,
    officer_problems,
)
from zhifa.enforcement.rules import staffing_warnings as _staffing_warnings
from zhifa.enforcement.steps import PROCEDURES, Procedure, Step, procedure
from zhifa.enforcement.visibility import handles, visible_actions

PAGE_SIZE = 20
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024
MAX_PHOTO_BYTES = 20 * 1024 * 1024
PNG_DATA_URL = "data:image/png;base64,"  # how the pages' signature pad sends its drawing


class ActionIn(BaseModel):
    procedure: str
    party_id: BodyRecordId
    power_item_id: BodyRecordId
    title: str = Field(min_length=1, max_length=200)
    officer_ids: list[BodyRecordId] = Field(min_length=1, max_length=10)
    lead_officer_id: BodyRecordId | None = None

    @field_validator("procedure")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in PROCEDURES:
            raise ValueError("未知的办案程序")
        return value


def beijing(value: datetime) -> datetime:
    """A time without a zone is Beijing time, as officers enter it."""
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


BeijingTime = Annotated[datetime, AfterValidator(beijing)]


class ActivityIn(BaseModel):
    started_at: BeijingTime
    place: str = Field(min_length=1, max_length=300)
    party_present: str = Field(default="", max_length=100)
    officer_ids: list[BodyRecordId] = Field(min_length=1, max_length=10)


class MattersIn(BaseModel):
    matters: list[Matter] = Field(min_length=1)
    told_at: BeijingTime


class OfficerAdd(BaseModel):
    """A colleague added to a case (添加承办人员)."""

    officer_id: BodyRecordId


class TransitionIn(BaseModel):
    to_step: str = Field(min_length=1, max_length=40)
    reason: str = Field(default="", max_length=500)


# ---- reading ------------------------------------------------------------------------------


def get_action(db: Session, action_id: int, who: Principal, *, handling: bool = False) -> Action:
    """The action, if ``who`` may see it (``handling``: may also act in it). An action
    the caller may not see is answered as missing, so its existence is not revealed."""
    action = db.scalar(visible_actions(who).where(Action.id == action_id))
    if action is None:
        raise NotFound("执法案件不存在")
    if handling and not handles(who, action):
        raise Forbidden("您不是该案件的承办人员，只能查看，不能办理")
    return action


def action_of_record(
    db: Session, action_id: int | None, who: Principal, missing: str, *, handling: bool = False
) -> Action:
    """The action a record (document, media, activity) belongs to. A record of an action
    the caller may not see is answered with the record's own "not found" message."""
    try:
        if action_id is None:
            raise NotFound(missing)
        return get_action(db, action_id, who, handling=handling)
    except NotFound:
        raise NotFound(missing) from None


def list_actions(
    db: Session,
    who: Principal,
    *,
    status: ActionStatus | None = None,
    party_id: int | None = None,
    page: int = 1,
) -> tuple[list[Action], int]:
    query = visible_actions(who)
    if status is not None:
        query = query.where(Action.status == status)
    if party_id is not None:
        query = query.where(Action.party_id == party_id)
    total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = db.scalars(
        query.order_by(Action.id.desc()).offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return list(rows), total


def procedure_of(action: Action) -> Procedure:
    return procedure(action.procedure)


def transitions_of(db: Session, action_id: int) -> list[ActionTransition]:
    query = select(ActionTransition).where(ActionTransition.action_id == action_id)
    return list(db.scalars(query.order_by(ActionTransition.id)))


def activities_of(db: Session, action_id: int) -> list[Activity]:
    query = select(Activity).where(Activity.action_id == action_id)
    return list(db.scalars(query.order_by(Activity.id)))


# ---- opening and moving -------------------------------------------------------------------


def _check_officers(db: Session, officer_ids: list[int], field: str) -> list[User]:
    users = []
    for officer_id in dict.fromkeys(officer_ids):
        user = db.get(User, officer_id)
        if user is None or Role.officer not in user.roles or not user.is_active:
            raise DomainError(f"编号 {officer_id} 不是在岗执法人员", field)
        users.append(user)
    return users


def _enter(
    db: Session, action: Action, step: Step, from_step: str | None, reason: str, who: Principal
) -> ActionTransition:
    entered = today()
    transition = ActionTransition(
        action_id=action.id,
        from_step=from_step,
        to_step=step.code,
        by_user=who.user_id,
        reason=reason,
        limit_code=step.limit,
    )
    if step.limit:
        due = limit_due(working_calendar(db), step.limit, entered)
        transition.due_date, transition.due_provisional = due.date, due.provisional
    db.add(transition)
    return transition


def open_action(db: Session, data: ActionIn, who: Principal) -> Action:
    proc = procedure(data.procedure)
    if db.get(Party, data.party_id) is None:
        raise DomainError("行政相对人不存在", "party_id")
    item = db.get(PowerItem, data.power_item_id)
    if item is None:
        raise DomainError("执法事项不存在", "power_item_id")
    if item.kind is not proc.kind:
        raise DomainError(f"执法事项“{item.name}”不属于{proc.label}", "power_item_id")
    officers = _check_officers(db, data.officer_ids, "officer_ids")
    lead = data.lead_officer_id or officers[0].id
    if lead not in {u.id for u in officers}:
        raise DomainError("主办人员须是承办人员之一", "lead_officer_id")
    actor = db.get(User, who.user_id)
    action = Action(
        kind=proc.kind,
        procedure=proc.code,
        party_id=data.party_id,
        power_item_id=item.id,
        title=data.title.strip(),
        unit_id=actor.unit_id if actor else None,
        current_step=proc.first.code,
        status=ActionStatus.open,
        opened_by=who.user_id,
    )
    db.add(action)
    db.flush()
    rows = [
        ActionOfficer(action_id=action.id, officer_id=u.id, lead=u.id == lead) for u in officers
    ]
    db.add_all(rows)
    transition = _enter(db, action, proc.first, None, "开启案件", who)
    record_change(db, who.username, "action.open", action, *rows, transition)
    return action


def advance(db: Session, action_id: int, data: TransitionIn, who: Principal) -> ActionTransition:
    action = get_action(db, action_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再变更步骤", "to_step")
    proc = procedure_of(action)
    current = proc.step(action.current_step)
    if not proc.allows(current.code, data.to_step):
        choices = "、".join(s.label for s in proc.next_steps(current.code)) or "无"
        raise DomainError(
            f"“{current.label}”之后不能进入“{data.to_step}”；可进入：{choices}", "to_step"
        )
    target = proc.step(data.to_step)
    missing = (
        missing_for(db, action, current)
        # Entering the final step is completing it: its documents (结案审批表) come first.
        + (missing_for(db, action, target) if target.final else [])
        + period_problems(db, action, data.to_step)
        + _legal_review_needed(db, action, data.to_step)
    )
    if missing:
        raise DomainError(f"“{current.label}”尚未完成：" + "；".join(missing), "to_step")
    transition = _enter(db, action, target, current.code, data.reason.strip(), who)
    action.current_step = target.code
    if target.final:
        action.status = ActionStatus.closed
        action.closed_at = utcnow()
    record_change(db, who.username, "action.advance", action, transition)
    return transition


def _legal_review_needed(db: Session, action: Action, target: str) -> list[str]:
    """A decision after a hearing must pass 法制审核 first (《行政处罚法》第五十八条第一款
    第二项: 直接关系当事人或者第三人重大权益，经过听证程序的)."""
    if target != "decision":
        return []
    steps = [t.to_step for t in transitions_of(db, action.id)]
    if "hearing" in steps and "legal_review" not in steps[steps.index("hearing") :]:
        return ["经过听证程序的案件，作出决定前须经法制审核（《行政处罚法》第五十八条）"]
    return []


def waiting_before_decision(db: Session, action: Action) -> list[str]:
    """The party's periods that still hold back the furthest step ahead (the decision)."""
    if action.status is ActionStatus.closed:
        return []
    blocked = {s for c in clocks_of(action.procedure) for s in c.blocks}
    ahead = [s.code for s in procedure_of(action).next_steps(action.current_step)]
    for target in reversed(ahead):
        if target in blocked:
            return period_problems(db, action, target)
    return []


def missing_now(db: Session, action: Action) -> list[str]:
    return missing_for(db, action, procedure_of(action).step(action.current_step))


# ---- on-site activities and 事中 duties ---------------------------------------------------


def _on_site(view: OfficerView, on: date) -> tuple[OfficerOnSite, int | None]:
    """The officer as the on-site rules judge them on ``on``: by their best certificate."""
    ranked = sorted(view.certificates, key=lambda c: c.state(on) is not CertificateState.valid)
    if not ranked:
        return OfficerOnSite(view.user.full_name, CertificateState.revoked, ""), None
    best = ranked[0]
    return OfficerOnSite(
        view.user.full_name, best.state(on), best.current.scope
    ), best.certificate.id


def _officer_on_site(db: Session, user: User, on: date) -> tuple[OfficerOnSite, int | None]:
    return _on_site(get_officer(db, user.id), on)


def staffing_warnings(db: Session, action: Action) -> list[str]:
    """Why the case's officers could not hold its on-site activity today (empty when they
    could, and when no on-site step is ahead): a case opened with one officer is told at
    once, and fixed by adding a colleague (`add_officer`)."""
    if action.status is ActionStatus.closed:
        return []
    if not procedure_of(action).on_site_ahead(action.current_step):
        return []
    assigned = {o.officer_id for o in action.officers}
    day = today()
    officers = [_on_site(v, day)[0] for v in list_officers(db) if v.user.id in assigned]
    return _staffing_warnings(officers, action.power_item.field, day)


def officers_to_add(db: Session, action: Action) -> list[tuple[OfficerView, str | None]]:
    """The officers who are not yet on the case, each with why their certificate would
    not let them act in it today (None when it would)."""
    assigned = {o.officer_id for o in action.officers}
    day = today()
    return [
        (view, certificate_problem(_on_site(view, day)[0], action.power_item.field, day))
        for view in list_officers(db)
        if view.user.id not in assigned and view.user.is_active
    ]


def add_officer(db: Session, action_id: int, data: OfficerAdd, who: Principal) -> ActionOfficer:
    """添加承办人员: a colleague joins an open case, with the checks of an on-site officer
    (on duty, a certificate valid today that covers the case's 执法领域)."""
    action = get_action(db, action_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再添加承办人员", "officer_id")
    if any(o.officer_id == data.officer_id for o in action.officers):
        raise DomainError("该人员已是本案承办人员", "officer_id")
    (user,) = _check_officers(db, [data.officer_id], "officer_id")
    day = today()
    problem = certificate_problem(_officer_on_site(db, user, day)[0], action.power_item.field, day)
    if problem:
        raise DomainError(problem, "officer_id")
    row = ActionOfficer(officer_id=user.id, lead=False)
    action.officers.append(row)
    record_change(db, who.username, "action.add_officer", row)
    return row


def power_items_for(db: Session, procedure_code: str) -> list[PowerItem]:
    """The 执法事项 a case of this procedure may be opened for (of its kind)."""
    try:
        kind = procedure(procedure_code).kind
    except KeyError:
        raise DomainError("未知的办案程序", "procedure") from None
    query = select(PowerItem).where(PowerItem.kind == kind).order_by(PowerItem.code)
    return list(db.scalars(query))


def record_activity(db: Session, action_id: int, data: ActivityIn, who: Principal) -> Activity:
    action = get_action(db, action_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再记录执法活动")
    step = procedure_of(action).step(action.current_step)
    if not step.on_site:
        raise DomainError(f"“{step.label}”不是现场执法活动", "step")
    assigned = {o.officer_id for o in action.officers}
    stray = [i for i in data.officer_ids if i not in assigned]
    if stray:
        raise DomainError("参加现场执法的人员须是本案承办人员", "officer_ids")
    users = _check_officers(db, data.officer_ids, "officer_ids")
    day = data.started_at.astimezone(SHANGHAI).date()
    checked = [_officer_on_site(db, u, day) for u in users]
    problems = officer_problems([c for c, _ in checked], action.power_item.field, day)
    if problems:
        raise DomainError("；".join(problems), "officer_ids")
    activity = Activity(
        action_id=action.id,
        step=step.code,
        started_at=data.started_at,
        place=data.place.strip(),
        party_present=data.party_present.strip(),
        created_by=who.user_id,
    )
    db.add(activity)
    db.flush()
    rows = [
        ActivityOfficer(activity_id=activity.id, officer_id=u.id, certificate_id=cert_id)
        for u, (_, cert_id) in zip(users, checked, strict=True)
    ]
    db.add_all(rows)
    record_change(db, who.username, "activity.record", activity, *rows)
    return activity


def visible_activity(
    db: Session, activity_id: int, who: Principal, *, handling: bool = False
) -> tuple[Activity, Action]:
    """An on-site activity and its action, if ``who`` may see (``handling``: act in) it."""
    activity = db.get(Activity, activity_id)
    action_id = activity.action_id if activity is not None else None
    action = action_of_record(db, action_id, who, "执法活动不存在", handling=handling)
    return activity, action  # type: ignore[return-value]


def writable_activity(db: Session, activity_id: int, who: Principal) -> tuple[Activity, Action]:
    """An activity of an open action that ``who`` handles."""
    activity, action = visible_activity(db, activity_id, who, handling=True)
    if action.status is ActionStatus.closed:
        raise DomainError("案件已办结，不能再补记")
    return activity, action


def record_certificate_shown(
    db: Session, activity_id: int, officer_id: int, shown_at: datetime, who: Principal
) -> CertificateShown:
    activity, _action = writable_activity(db, activity_id, who)
    if officer_id not in {o.officer_id for o in activity.officers}:
        raise DomainError("该人员未参加此次执法活动", "officer_id")
    row = CertificateShown(
        activity_id=activity.id,
        officer_id=officer_id,
        shown_at=beijing(shown_at),
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "activity.certificate_shown", row)
    return row


def record_matters_told(
    db: Session, activity_id: int, data: MattersIn, who: Principal
) -> MattersTold:
    activity, _action = writable_activity(db, activity_id, who)
    row = MattersTold(
        activity_id=activity.id,
        matters=sorted({m.value for m in data.matters}),
        told_at=data.told_at,
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, who.username, "activity.matters_told", row)
    return row


def signature_png(data_url: str) -> io.BytesIO:
    """The PNG a signature pad drew, from its data URL (refused when it is not one)."""
    if not data_url.startswith(PNG_DATA_URL):
        raise DomainError("签名图像无效，请重新签名", "signature")
    try:
        raw = base64.b64decode(data_url[len(PNG_DATA_URL) :], validate=True)
    except ValueError:  # binascii.Error, or a character outside ASCII
        raise DomainError("签名图像无效，请重新签名", "signature") from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise DomainError("签名图像无效，请重新签名", "signature")
    return io.BytesIO(raw)


def record_acknowledgement(
    db: Session,
    store: BlobStore,
    activity_id: int,
    *,
    method: AcknowledgementMethod,
    signer_name: str,
    evidence: BinaryIO | None,
    note: str,
    at: datetime,
    who: Principal,
    statement: str = "",
) -> Acknowledgement:
    activity, _action = writable_activity(db, activity_id, who)
    if not signer_name.strip():
        raise DomainError("请填写签名人姓名", "signer_name")
    digest = None
    if method is AcknowledgementMethod.refused:
        if len(note.strip()) < 4:
            raise DomainError("当事人拒绝签字的，须注明情况（见证人或录像）", "note")
    else:
        if evidence is None:
            raise DomainError("缺少签名图像或签字文书照片", "evidence")
        limit = (
            MAX_SIGNATURE_BYTES if method is AcknowledgementMethod.signature else MAX_PHOTO_BYTES
        )
        digest = store_blob(db, store, evidence, who, limit).digest
    row = Acknowledgement(
        activity_id=activity.id,
        method=method,
        signer_name=signer_name.strip()[:100],
        blob_digest=digest,
        note=note.strip()[:500],
        statement=statement[:1000],
        at=beijing(at),
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, actor_name(who), "activity.acknowledged", row)
    return row


def duty_facts(db: Session, activity: Activity) -> DutyFacts:
    names = {o.officer_id: db.get(User, o.officer_id) for o in activity.officers}
    shown_ids = set(
        db.scalars(
            select(CertificateShown.officer_id).where(CertificateShown.activity_id == activity.id)
        )
    )
    told: set[Matter] = set()
    for matters in db.scalars(
        select(MattersTold.matters).where(MattersTold.activity_id == activity.id)
    ):
        told |= {Matter(m) for m in matters}
    acknowledged = db.scalar(select(func.count()).where(Acknowledgement.activity_id == activity.id))
    return DutyFacts(
        officers=[u.full_name for u in names.values() if u],
        shown=frozenset(u.full_name for i, u in names.items() if u and i in shown_ids),
        told=frozenset(told),
        acknowledged=bool(acknowledged),
    )


def duties_requirement(db: Session, action: Action, step: Step) -> list[str]:
    if not step.on_site:
        return []
    activities = [a for a in activities_of(db, action.id) if a.step == step.code]
    if not activities:
        return [f"尚未记录“{step.label}”的现场执法活动"]
    missing = []
    for number, activity in enumerate(activities, 1):
        for problem in duty_problems(action.kind, step, duty_facts(db, activity)):
            missing.append(f"现场活动{number}：{problem}")
    return missing

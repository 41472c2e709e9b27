"""What the enforcement API answers: parties (masked unless the caller may see them in
full), actions with their steps and what is missing, on-site activities, the duties
recorded there, and grants."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from zhifa.core import grants
from zhifa.enforcement import actions, parties
from zhifa.enforcement.models import (
    Action,
    ActionStatus,
    ActionTransition,
    Activity,
    PartyKind,
    PowerItem,
)
from zhifa.enforcement.periods import CaseDeadline, case_deadlines
from zhifa.enforcement.rules import duty_problems
from zhifa.enforcement.steps import ActionKind, Step

# ---- parties -------------------------------------------------------------------------------


class PartyOut(BaseModel):
    id: int
    kind: PartyKind
    version: int
    name: str
    uscc: str | None
    id_number: str | None
    legal_representative: str | None
    address: str
    industry: str
    phone: str | None
    risk_flags: list[str]

    @classmethod
    def of(cls, view: parties.PartyView, *, full: bool) -> PartyOut:
        details = asdict(parties.shown(view, full=full))
        del details["full"]
        return cls(
            id=view.party.id,
            kind=view.party.kind,
            version=view.current.version,
            risk_flags=view.current.risk_flags,
            **details,
        )


class PartyPickOut(BaseModel):
    """A party found by the picker of the opening form, as the caller may see it."""

    id: int
    kind: PartyKind
    name: str
    uscc: str | None
    id_number: str | None

    @classmethod
    def of(cls, pick: parties.PartyPick) -> PartyPickOut:
        shown = pick.shown
        return cls(
            id=pick.id, kind=pick.kind, name=shown.name, uscc=shown.uscc, id_number=shown.id_number
        )


class PartyPage(BaseModel):
    total: int
    page: int
    items: list[PartyOut]


# ---- actions and activities ----------------------------------------------------------------


class StepOut(BaseModel):
    code: str
    label: str
    basis: str
    on_site: bool

    @classmethod
    def of(cls, step: Step) -> StepOut:
        return cls(code=step.code, label=step.label, basis=step.basis, on_site=step.on_site)


class DeadlineOut(BaseModel):
    """A limit running in the case (`enforcement.periods`): from its start event to its
    end day (`due_date`) or instant (`due_at`, limits in hours); not started: `waiting`."""

    code: str
    title: str
    basis: str
    party_period: bool  # a party's period: the decision waits until it has ended
    started_by: str | None
    started_on: str | None  # the start event's day or instant (ISO)
    waiting: str | None
    due_date: str | None
    due_at: datetime | None
    provisional: bool
    state: str

    @classmethod
    def of(cls, found: CaseDeadline) -> DeadlineOut:
        start = found.start
        return cls(
            code=found.row.code,
            title=found.row.title,
            basis=found.row.basis,
            party_period=found.party_period,
            started_by=start.what if start else None,
            started_on=start.at.isoformat() if start else None,
            waiting=found.waiting,
            due_date=found.due.date.isoformat() if found.due else None,
            due_at=found.due_at.at if found.due_at else None,
            provisional=bool(found.due and found.due.provisional),
            state=found.state,
        )


class ActionOut(BaseModel):
    id: int
    kind: ActionKind
    procedure: str
    party_id: int
    power_item_id: int
    title: str
    status: ActionStatus
    current_step: StepOut
    next_steps: list[StepOut]
    missing: list[str]
    officer_ids: list[int]
    # What keeps the case from its on-site activity (too few officers able to act):
    # fixed with POST /actions/{id}/officers (添加承办人员).
    warnings: list[str]
    # The limits running in the case, each from its legal start event.
    deadlines: list[DeadlineOut]

    @classmethod
    def of(cls, db: Session, action: Action) -> ActionOut:
        proc = actions.procedure_of(action)
        step = proc.step(action.current_step)
        is_open = action.status is ActionStatus.open
        return cls(
            id=action.id,
            kind=action.kind,
            procedure=action.procedure,
            party_id=action.party_id,
            power_item_id=action.power_item_id,
            title=action.title,
            status=action.status,
            current_step=StepOut.of(step),
            next_steps=[StepOut.of(s) for s in proc.next_steps(step.code)] if is_open else [],
            missing=actions.missing_now(db, action) if is_open else [],
            officer_ids=[o.officer_id for o in action.officers],
            warnings=actions.staffing_warnings(db, action),
            deadlines=[DeadlineOut.of(d) for d in case_deadlines(db, action)],
        )


class ActionPage(BaseModel):
    total: int
    page: int
    items: list[ActionOut]


class TransitionOut(BaseModel):
    id: int
    from_step: str | None
    to_step: str
    at: datetime
    by_user: int | None
    reason: str
    limit_code: str | None
    due_date: str | None
    due_provisional: bool

    @classmethod
    def of(cls, row: ActionTransition) -> TransitionOut:
        return cls(
            id=row.id,
            from_step=row.from_step,
            to_step=row.to_step,
            at=row.at,
            by_user=row.by_user,
            reason=row.reason,
            limit_code=row.limit_code,
            due_date=row.due_date.isoformat() if row.due_date else None,
            due_provisional=row.due_provisional,
        )


class ActivityOut(BaseModel):
    id: int
    action_id: int
    step: str
    started_at: datetime
    place: str
    officer_ids: list[int]
    missing: list[str]  # the 事中 duties not yet recorded

    @classmethod
    def of(cls, db: Session, action: Action, activity: Activity) -> ActivityOut:
        step = actions.procedure_of(action).step(activity.step)
        return cls(
            id=activity.id,
            action_id=activity.action_id,
            step=activity.step,
            started_at=activity.started_at,
            place=activity.place,
            officer_ids=[o.officer_id for o in activity.officers],
            missing=duty_problems(action.kind, step, actions.duty_facts(db, activity)),
        )


class RecordedOut(BaseModel):
    """A duty recorded at an activity (certificate shown, matters told)."""

    id: int


class AcknowledgementOut(BaseModel):
    id: int
    blob_digest: str | None  # the signature image or photo kept; None when refused


class PowerItemOut(BaseModel):
    id: int
    code: str
    name: str
    kind: ActionKind
    field: str
    basis: str

    @classmethod
    def of(cls, row: PowerItem) -> PowerItemOut:
        return cls.model_validate(row, from_attributes=True)


# ---- grants --------------------------------------------------------------------------------


class GrantOut(BaseModel):
    id: int
    grantee_id: int
    record_type: grants.GrantRecord
    record_id: int
    reason: str
    granted_by: int
    granted_at: datetime
    valid_until: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: grants.RecordGrant) -> GrantOut:
        return cls.model_validate(row, from_attributes=True)

"""What the platform checks itself in a closed case's records, proposed on its score
sheet for the reviewer to confirm or dismiss: fewer than two officers, a decision entered
before a party's period ended, missing or incomplete mandatory recordings, unexplained
interruptions, steps completed past their limits, documents a step lists but the case
lacks (the features' `requirements`). Each proposal names the record it rests on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import subject_of
from zhifa.core.calendar import SHANGHAI
from zhifa.core.clock import people_date
from zhifa.core.features import registry
from zhifa.enforcement.actions import activities_of, procedure_of
from zhifa.enforcement.models import Action, ActionTransition, ActivityOfficer
from zhifa.enforcement.periods import case_deadlines
from zhifa.ledger.models import ledger_entry
from zhifa.recording.av.requirement import action_recordings
from zhifa.recording.av.rules import record_problems
from zhifa.supervision.reviews.models import LinkKind
from zhifa.supervision.reviews.rules import Template
from zhifa.supervision.reviews.standard import (
    LATE_STEP,
    MISSING_DOCUMENT,
    MISSING_RECORDING,
    PARTY_PERIOD,
    TWO_OFFICERS,
    UNEXPLAINED_GAP,
)


@dataclass(frozen=True)
class Proposal:
    code: str
    detail: str
    link_kind: LinkKind
    link_id: int


def ledger_index(db: Session, row: ActionTransition) -> int | None:
    """The index of the latest ledger entry of a recorded row."""
    entry = ledger_entry
    query = select(entry.c["index"]).where(entry.c.subject == subject_of(row))
    return db.scalar(query.order_by(entry.c["index"].desc()).limit(1))


def _transition_link(db: Session, action: Action, row: ActionTransition) -> tuple[LinkKind, int]:
    index = ledger_index(db, row)
    return (LinkKind.ledger, index) if index is not None else (LinkKind.action, action.id)


def _transitions(db: Session, action: Action) -> list[ActionTransition]:
    query = select(ActionTransition).where(ActionTransition.action_id == action.id)
    return list(db.scalars(query.order_by(ActionTransition.id)))


def _officers(db: Session, action: Action) -> list[Proposal]:
    if len(action.officers) < 2:
        detail = f"案件登记的执法人员只有 {len(action.officers)} 名"
        return [Proposal(TWO_OFFICERS, detail, LinkKind.action, action.id)]
    for number, activity in enumerate(activities_of(db, action.id), 1):
        query = select(ActivityOfficer.id).where(ActivityOfficer.activity_id == activity.id)
        present = len(db.scalars(query).all())
        if present < 2:
            detail = f"第 {number} 次现场活动只记录了 {present} 名执法人员"
            return [Proposal(TWO_OFFICERS, detail, LinkKind.activity, activity.id)]
    return []


def _party_periods(
    db: Session, action: Action, transitions: list[ActionTransition]
) -> list[Proposal]:
    out = []
    for found in case_deadlines(db, action):
        if not found.clock.blocks or found.start is None:
            continue
        for row in transitions:
            day = row.at.astimezone(SHANGHAI).date()
            if row.to_step in found.clock.blocks and day <= found.end_day:
                label = procedure_of(action).step(row.to_step).label
                title = found.row.title.removesuffix("（当事人期限）")
                detail = f"“{title}”至 {found.ends} 届满，{people_date(day)} 即进入“{label}”"
                out.append(Proposal(PARTY_PERIOD, detail, *_transition_link(db, action, row)))
    return out[:1]


def _late_steps(db: Session, action: Action, transitions: list[ActionTransition]) -> list[Proposal]:
    out = []
    for entered, left in pairwise(transitions):
        day = left.at.astimezone(SHANGHAI).date()
        if entered.due_date is not None and day > entered.due_date:
            label = procedure_of(action).step(entered.to_step).label
            detail = (
                f"“{label}”应于 {people_date(entered.due_date)} 前完成，{people_date(day)} 才完成"
            )
            out.append(Proposal(LATE_STEP, detail, *_transition_link(db, action, left)))
    return out


def _recordings(db: Session, action: Action) -> list[Proposal]:
    out = []
    for rec in action_recordings(db, action):
        lacking = record_problems(replace(rec.state, unexplained=()), SHANGHAI)
        for problem in lacking:
            detail = f"第 {rec.number} 次“{rec.step.label}”现场活动：{problem}"
            out.append(Proposal(MISSING_RECORDING, detail, LinkKind.activity, rec.activity.id))
        for gap in rec.state.unexplained:
            seconds = round(gap.seconds)
            detail = f"第 {rec.number} 次“{rec.step.label}”现场活动：录像中断 {seconds} 秒未说明"
            out.append(Proposal(UNEXPLAINED_GAP, detail, LinkKind.activity, rec.activity.id))
    return out


def _documents(db: Session, action: Action, transitions: list[ActionTransition]) -> list[Proposal]:
    check = registry().requirements.get("documents")
    if check is None:
        return []
    proc = procedure_of(action)
    visited = list(dict.fromkeys(t.from_step for t in transitions if t.from_step))
    return [
        Proposal(
            MISSING_DOCUMENT, f"“{proc.step(code).label}”：{missing}", LinkKind.action, action.id
        )
        for code in visited
        for missing in check(db, action, proc.step(code))
    ]


def proposals(db: Session, action: Action, template: Template) -> list[Proposal]:
    """The platform's findings on a case, those whose item the template has."""
    transitions = _transitions(db, action)
    found = [
        *_officers(db, action),
        *_party_periods(db, action, transitions),
        *_late_steps(db, action, transitions),
        *_recordings(db, action),
        *_documents(db, action, transitions),
    ]
    return [p for p in found if template.veto(p.code) or template.item(p.code)]

"""What the 执法检查人员名录库's API answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel

from zhifa.inspection.candidates import Candidates
from zhifa.inspection.inspectors.models import InspectorAbsenceVersion, RecusalVersion
from zhifa.inspection.inspectors.service import AbsenceView, InspectorRow, RecusalView


class InspectorOut(BaseModel):
    officer_id: int
    name: str
    number: str | None  # the 执法证号 listed under; None: not listed for the period
    problems: list[str]

    @classmethod
    def of(cls, row: InspectorRow) -> InspectorOut:
        user = row.officer.user
        return cls(
            officer_id=user.id, name=user.full_name, number=row.number, problems=row.problems
        )


class AbsenceVersionOut(BaseModel):
    version: int
    kind: str
    starts_on: date
    ends_on: date
    note: str
    active: bool
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, v: InspectorAbsenceVersion) -> AbsenceVersionOut:
        return cls(
            version=v.version, kind=v.kind, starts_on=v.starts_on, ends_on=v.ends_on,
            note=v.note, active=v.active, reason=v.reason, created_at=v.created_at,
        )  # fmt: skip


class AbsenceOut(BaseModel):
    id: int
    officer_id: int
    officer_name: str
    current: AbsenceVersionOut
    history: list[AbsenceVersionOut] = []

    @classmethod
    def of(cls, view: AbsenceView, history: Sequence[InspectorAbsenceVersion] = ()) -> AbsenceOut:
        return cls(
            id=view.absence.id,
            officer_id=view.officer.id,
            officer_name=view.officer.full_name,
            current=AbsenceVersionOut.of(view.current),
            history=[AbsenceVersionOut.of(v) for v in history],
        )


class RecusalVersionOut(BaseModel):
    version: int
    ground: str
    starts_on: date
    ends_on: date | None
    active: bool
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, v: RecusalVersion) -> RecusalVersionOut:
        return cls(
            version=v.version, ground=v.ground, starts_on=v.starts_on, ends_on=v.ends_on,
            active=v.active, reason=v.reason, created_at=v.created_at,
        )  # fmt: skip


class RecusalOut(BaseModel):
    id: int
    officer_id: int
    officer_name: str
    party_name: str
    uscc: str
    current: RecusalVersionOut
    history: list[RecusalVersionOut] = []

    @classmethod
    def of(cls, view: RecusalView, history: Sequence[RecusalVersion] = ()) -> RecusalOut:
        return cls(
            id=view.recusal.id,
            officer_id=view.officer.id,
            officer_name=view.officer.full_name,
            party_name=view.party.name,
            uscc=view.party.uscc or "",
            current=RecusalVersionOut.of(view.current),
            history=[RecusalVersionOut.of(v) for v in history],
        )


class CandidateSubjectOut(BaseModel):
    label: str
    section: str
    division: str
    industry_code: str
    risk_grade: str
    street: str
    special_flags: list[str]
    licence_state: str


class PeriodOut(BaseModel):
    start: date
    end: date


class CandidatesOut(BaseModel):
    period: PeriodOut
    field: str
    subjects: list[CandidateSubjectOut]
    inspectors: list[str]
    avoidance: list[list[str]]

    @classmethod
    def of(cls, candidates: Candidates) -> CandidatesOut:
        return cls.model_validate(candidates.to_json())

"""What the 检查对象名录库's API answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel

from zhifa.catalog.file_rows import RowError
from zhifa.inspection.subjects.imports import SubjectImportReport
from zhifa.inspection.subjects.models import InspectionSubjectVersion
from zhifa.inspection.subjects.service import SubjectView


class SubjectVersionOut(BaseModel):
    version: int
    industry_code: str
    risk_grade: str
    street: str
    special_flags: list[str]
    licence_state: str
    status: str
    in_scope: bool
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, v: InspectionSubjectVersion) -> SubjectVersionOut:
        return cls(
            version=v.version,
            industry_code=v.industry_code,
            risk_grade=v.risk_grade,
            street=v.street,
            special_flags=list(v.special_flags),
            licence_state=v.licence_state,
            status=v.status,
            in_scope=v.in_scope,
            reason=v.reason,
            created_at=v.created_at,
        )


class SubjectOut(BaseModel):
    id: int
    party_id: int
    name: str
    uscc: str
    drawable: bool
    current: SubjectVersionOut
    history: list[SubjectVersionOut] = []

    @classmethod
    def of(cls, view: SubjectView, history: Sequence[InspectionSubjectVersion] = ()) -> SubjectOut:
        return cls(
            id=view.subject.id,
            party_id=view.subject.party_id,
            name=view.party.name,
            uscc=view.party.uscc or "",
            drawable=view.drawable,
            current=SubjectVersionOut.of(view.current),
            history=[SubjectVersionOut.of(v) for v in history],
        )


class RowErrorOut(BaseModel):
    where: str
    message: str

    @classmethod
    def of(cls, error: RowError) -> RowErrorOut:
        return cls(where=error.where, message=error.message)


class SubjectImportOut(BaseModel):
    found: int
    added: int
    revised: int
    unchanged: int
    errors: list[RowErrorOut]

    @classmethod
    def of(cls, report: SubjectImportReport) -> SubjectImportOut:
        return cls(
            found=report.found,
            added=report.added,
            revised=report.revised,
            unchanged=report.unchanged,
            errors=[RowErrorOut.of(e) for e in report.errors],
        )

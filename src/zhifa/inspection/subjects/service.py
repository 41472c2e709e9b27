"""Use cases of the 检查对象名录库: enter a registered enterprise (by its 统一社会信用代码),
revise its entry (a new version, the old kept), list and read entries with their history.
Every write is ledgered in the caller's transaction (core.audit via catalog.versions)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from zhifa.catalog.versions import history_of, save_version
from zhifa.core.auth import Principal
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.versioning import add_version
from zhifa.enforcement.identifiers import validate_uscc
from zhifa.enforcement.models import Party, PartyKind, PartyVersion
from zhifa.inspection.subjects import rules
from zhifa.inspection.subjects.models import InspectionSubject, InspectionSubjectVersion
from zhifa.inspection.subjects.rules import LicenceState, OperatingStatus, RiskGrade

LINK = "subject_id"


class SubjectDetails(BaseModel):
    """What a version of an entry holds; validated at the edge."""

    industry_code: str = Field(min_length=1, max_length=5)
    risk_grade: RiskGrade
    street: str = Field(min_length=1, max_length=20)
    special_flags: list[str] = Field(default_factory=list)
    licence_state: LicenceState
    status: OperatingStatus = OperatingStatus.operating
    in_scope: bool = True

    @field_validator("industry_code", mode="before")
    @classmethod
    def _industry(cls, value: object) -> object:
        text = str(value or "").strip().upper()
        problem = rules.industry_problem(text)
        if problem:
            raise ValueError(problem)
        return text

    @field_validator("street")
    @classmethod
    def _street(cls, value: str) -> str:
        if value.strip() not in rules.STREETS:
            raise ValueError(f"应为普陀区的街道或镇之一：{'、'.join(rules.STREETS)}")
        return value.strip()

    @field_validator("special_flags")
    @classmethod
    def _flags(cls, value: list[str]) -> list[str]:
        unknown = rules.unknown_flags(value)
        if unknown:
            known = "、".join(rules.SPECIAL_FLAGS.values())
            raise ValueError(f"未知的特殊标识：{'、'.join(unknown)}（可选：{known}）")
        return sorted(set(value))


class SubjectIn(SubjectDetails):
    uscc: str = Field(min_length=1, max_length=30)

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str) -> str:
        return validate_uscc(value)


class SubjectRevision(SubjectDetails):
    reason: str = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class SubjectView:
    subject: InspectionSubject
    current: InspectionSubjectVersion
    party: PartyVersion  # the party's current details (name, 统一社会信用代码)

    @property
    def drawable(self) -> bool:
        return rules.drawable(self.current.status, self.current.in_scope)


def _views() -> Select[InspectionSubject, InspectionSubjectVersion, PartyVersion]:
    return (
        select(InspectionSubject, InspectionSubjectVersion, PartyVersion)
        .join(
            InspectionSubjectVersion,
            and_(
                InspectionSubjectVersion.subject_id == InspectionSubject.id,
                InspectionSubjectVersion.version == InspectionSubject.current_version,
            ),
        )
        .join(Party, Party.id == InspectionSubject.party_id)
        .join(
            PartyVersion,
            and_(PartyVersion.party_id == Party.id, PartyVersion.version == Party.current_version),
        )
    )


@dataclass(frozen=True)
class SubjectFilter:
    text: str = ""
    street: str = ""
    risk_grade: str = ""
    flag: str = ""


def list_subjects(db: Session, where: SubjectFilter | None = None) -> list[SubjectView]:
    """Current entries, by 统一社会信用代码; filtered by name/code text, street, grade, flag."""
    where = where or SubjectFilter()
    query = _views()
    if where.text.strip():
        like = f"%{where.text.strip()}%"
        query = query.where(PartyVersion.name.like(like) | PartyVersion.uscc.like(like.upper()))
    if where.street:
        query = query.where(InspectionSubjectVersion.street == where.street)
    if where.risk_grade:
        query = query.where(InspectionSubjectVersion.risk_grade == where.risk_grade)
    rows = [SubjectView(s, v, p) for s, v, p in db.execute(query.order_by(PartyVersion.uscc))]
    if where.flag:
        rows = [v for v in rows if where.flag in v.current.special_flags]
    return rows


def get_subject(db: Session, subject_id: int) -> SubjectView:
    row = db.execute(_views().where(InspectionSubject.id == subject_id)).first()
    if row is None:
        raise NotFound("检查对象不存在")
    return SubjectView(row[0], row[1], row[2])


def subject_history(db: Session, view: SubjectView) -> list[InspectionSubjectVersion]:
    return history_of(db, view.subject, InspectionSubjectVersion, LINK)


def enterprise_by_uscc(db: Session, uscc: str) -> Party:
    """The registered enterprise with this code (a refusal naming the field if none)."""
    party = db.scalar(
        select(Party)
        .join(
            PartyVersion,
            and_(PartyVersion.party_id == Party.id, PartyVersion.version == Party.current_version),
        )
        .where(PartyVersion.uscc == uscc, Party.kind == PartyKind.enterprise)
    )
    if party is None:
        raise DomainError(f"统一社会信用代码 {uscc} 尚未登记为行政相对人（单位），请先登记", "uscc")
    return party


def subject_of_party(db: Session, party_id: int) -> InspectionSubject | None:
    return db.scalar(select(InspectionSubject).where(InspectionSubject.party_id == party_id))


def add_subject(db: Session, data: SubjectIn, who: Principal | None) -> SubjectView:
    party = enterprise_by_uscc(db, data.uscc)
    if subject_of_party(db, party.id) is not None:
        raise Conflict(f"统一社会信用代码 {data.uscc} 已在检查对象名录库中", "uscc")
    subject = InspectionSubject(party_id=party.id, created_by=who.user_id if who else None)
    db.add(subject)
    save_version(
        db,
        entity=subject,
        version_model=InspectionSubjectVersion,
        link=LINK,
        fields=data.model_dump(exclude={"uscc"}),
        reason="纳入名录",
        who=who,
        kind="inspection.subject.version",
    )
    return get_subject(db, subject.id)


def revise_subject(
    db: Session, subject_id: int, data: SubjectRevision, who: Principal | None
) -> SubjectView:
    view = get_subject(db, subject_id)
    add_version(
        db,
        entity=view.subject,
        current=view.current,
        version_model=InspectionSubjectVersion,
        link=LINK,
        fields=data.model_dump(exclude={"reason"}),
        reason=data.reason,
        who=who,
        kind="inspection.subject.version",
    )
    return get_subject(db, subject_id)

"""Use cases of the 执法检查人员名录库: the officers as inspectors for a period and field
(with why one is not listed), their absences and their declared 回避 relations — each
recorded, revised or withdrawn as a new version, ledgered in the caller's transaction.

Need to know: absences and 回避 relations say something about a person (leave, family,
former employers). Those who keep the directories (`inspection.write`) and those who see
every action see them all; an officer sees their own (`visible_officer_ids`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from zhifa.catalog.versions import history_of, save_version
from zhifa.core.auth import Principal
from zhifa.core.certificates import OfficerView, list_officers
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import User
from zhifa.core.permissions import Permission, Role
from zhifa.core.validation import BodyRecordId
from zhifa.core.versioning import add_version
from zhifa.enforcement.identifiers import validate_uscc
from zhifa.enforcement.models import Party, PartyVersion
from zhifa.inspection.inspectors.models import (
    InspectorAbsence,
    InspectorAbsenceVersion,
    Recusal,
    RecusalVersion,
)
from zhifa.inspection.inspectors.rules import (
    AbsenceFacts,
    AbsenceKind,
    CertificateFacts,
    Period,
    listing,
)
from zhifa.inspection.subjects.service import enterprise_by_uscc


def sees_all_inspectors(who: Principal) -> bool:
    return who.can(Permission.inspection_write) or who.can(Permission.action_all)


def visible_officer_ids(who: Principal) -> Select[Any] | None:
    """The officers whose absences and 回避 relations ``who`` may see (None: all)."""
    if sees_all_inspectors(who):
        return None
    return select(User.id).where(User.id == who.user_id)


# ---- inputs ----------------------------------------------------------------------------------


class _Dated(BaseModel):
    starts_on: date
    ends_on: date | None = None

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise DomainError("结束日期不能早于开始日期", "ends_on")
        return self


class AbsenceDetails(_Dated):
    kind: AbsenceKind
    ends_on: date | None = None
    note: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ends(self) -> Self:
        if self.ends_on is None:
            raise DomainError("请填写结束日期", "ends_on")
        return self


class AbsenceIn(AbsenceDetails):
    officer_id: BodyRecordId


class RecusalDetails(_Dated):
    ground: str = Field(min_length=1, max_length=200)


class RecusalDeclaration(RecusalDetails):
    """An officer's own declaration: whom it concerns is who declares it."""

    uscc: str = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _code(self) -> Self:
        self.uscc = validate_uscc(self.uscc)
        return self


class RecusalIn(RecusalDeclaration):
    officer_id: BodyRecordId


class Withdrawal(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


# ---- views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectorRow:
    """An officer as the directory lists them for a period and field."""

    officer: OfficerView
    number: str | None  # the 执法证号 they are listed under; None: not listed
    problems: list[str]  # why not


@dataclass(frozen=True)
class AbsenceView:
    absence: InspectorAbsence
    current: InspectorAbsenceVersion
    officer: User


@dataclass(frozen=True)
class RecusalView:
    recusal: Recusal
    current: RecusalVersion
    officer: User
    party: PartyVersion


def certificate_facts(view: OfficerView) -> tuple[CertificateFacts, ...]:
    return tuple(
        CertificateFacts(
            c.current.number,
            c.current.status,
            c.current.valid_from,
            c.current.valid_to,
            c.current.scope,
        )
        for c in view.certificates
    )


def _absences(
    db: Session, who: Principal | None, *, active_only: bool = False
) -> list[AbsenceView]:
    query = (
        select(InspectorAbsence, InspectorAbsenceVersion, User)
        .join(
            InspectorAbsenceVersion,
            and_(
                InspectorAbsenceVersion.absence_id == InspectorAbsence.id,
                InspectorAbsenceVersion.version == InspectorAbsence.current_version,
            ),
        )
        .join(User, User.id == InspectorAbsence.officer_id)
    )
    ids = visible_officer_ids(who) if who is not None else None
    if ids is not None:
        query = query.where(InspectorAbsence.officer_id.in_(ids))
    if active_only:
        query = query.where(InspectorAbsenceVersion.active.is_(True))
    order = (InspectorAbsenceVersion.starts_on.desc(), InspectorAbsence.id)
    return [AbsenceView(*row) for row in db.execute(query.order_by(*order))]


def list_absences(db: Session, who: Principal | None) -> list[AbsenceView]:
    return _absences(db, who)


def list_recusals(db: Session, who: Principal | None) -> list[RecusalView]:
    query = (
        select(Recusal, RecusalVersion, User, PartyVersion)
        .join(
            RecusalVersion,
            and_(
                RecusalVersion.recusal_id == Recusal.id,
                RecusalVersion.version == Recusal.current_version,
            ),
        )
        .join(User, User.id == Recusal.officer_id)
        .join(Party, Party.id == Recusal.party_id)
        .join(
            PartyVersion,
            and_(PartyVersion.party_id == Party.id, PartyVersion.version == Party.current_version),
        )
    )
    ids = visible_officer_ids(who) if who is not None else None
    if ids is not None:
        query = query.where(Recusal.officer_id.in_(ids))
    order = (RecusalVersion.starts_on.desc(), Recusal.id)
    return [RecusalView(*row) for row in db.execute(query.order_by(*order))]


def absences_by_officer(db: Session) -> dict[int, list[AbsenceFacts]]:
    """Every officer's active absences, as the rules read them."""
    absent: dict[int, list[AbsenceFacts]] = {}
    for view in _absences(db, None, active_only=True):
        c = view.current
        facts = AbsenceFacts(c.kind, c.starts_on, c.ends_on)
        absent.setdefault(view.absence.officer_id, []).append(facts)
    return absent


def inspector_rows(db: Session, period: Period, field: str) -> list[InspectorRow]:
    """Every officer, listed or not for the period and field, and why not."""
    absent = absences_by_officer(db)
    rows = []
    for officer in list_officers(db):
        facts = list(certificate_facts(officer))
        number, problems = listing(facts, absent.get(officer.user.id, []), period, field)
        rows.append(InspectorRow(officer, number, problems))
    return rows


# ---- writes ----------------------------------------------------------------------------------


def _officer(db: Session, officer_id: int) -> User:
    user = db.get(User, officer_id)
    if user is None or Role.officer not in user.roles:
        raise DomainError("所选人员不是执法人员", "officer_id")
    return user


def record_absence(db: Session, data: AbsenceIn, who: Principal | None) -> AbsenceView:
    _officer(db, data.officer_id)
    absence = InspectorAbsence(officer_id=data.officer_id, created_by=who.user_id if who else None)
    db.add(absence)
    save_version(
        db,
        entity=absence,
        version_model=InspectorAbsenceVersion,
        link="absence_id",
        fields=data.model_dump(exclude={"officer_id"}),
        reason="登记",
        who=who,
        kind="inspection.absence.version",
    )
    return get_absence(db, absence.id, who)


def record_recusal(db: Session, data: RecusalIn, who: Principal | None) -> RecusalView:
    _officer(db, data.officer_id)
    party = enterprise_by_uscc(db, data.uscc)
    recusal = Recusal(
        officer_id=data.officer_id, party_id=party.id, created_by=who.user_id if who else None
    )
    db.add(recusal)
    save_version(
        db,
        entity=recusal,
        version_model=RecusalVersion,
        link="recusal_id",
        fields=data.model_dump(exclude={"officer_id", "uscc"}),
        reason="申报",
        who=who,
        kind="inspection.recusal.version",
    )
    return get_recusal(db, recusal.id, who)


def declare_recusal(db: Session, data: RecusalDeclaration, who: Principal) -> RecusalView:
    """An officer declares their own 回避 (no keeper needed): it is recorded for them."""
    return record_recusal(db, RecusalIn(officer_id=who.user_id, **data.model_dump()), who)


def get_absence(db: Session, absence_id: int, who: Principal | None) -> AbsenceView:
    found = next((a for a in _absences(db, who) if a.absence.id == absence_id), None)
    if found is None:
        raise NotFound("不可用时段记录不存在")
    return found


def get_recusal(db: Session, recusal_id: int, who: Principal | None) -> RecusalView:
    found = next((r for r in list_recusals(db, who) if r.recusal.id == recusal_id), None)
    if found is None:
        raise NotFound("回避关系记录不存在")
    return found


def _withdraw(
    db: Session,
    entity: InspectorAbsence | Recusal,
    current: InspectorAbsenceVersion | RecusalVersion,
    link: str,
    reason: str,
    who: Principal | None,
) -> None:
    """The record's next version, the same as the current one but withdrawn."""
    if not current.active:
        raise DomainError("该记录已撤销", "reason")
    model = type(current)
    fields = {
        c.key: getattr(current, c.key)
        for c in model.__table__.columns
        if c.key not in {"id", link, "version", "reason", "created_at", "created_by"}
    }
    add_version(
        db,
        entity=entity,
        current=current,
        version_model=model,
        link=link,
        fields={**fields, "active": False},
        reason=reason,
        who=who,
        kind=f"inspection.{link.removesuffix('_id')}.version",
    )


def withdraw_absence(
    db: Session, absence_id: int, data: Withdrawal, who: Principal | None
) -> AbsenceView:
    view = get_absence(db, absence_id, who)
    _withdraw(db, view.absence, view.current, "absence_id", data.reason, who)
    return get_absence(db, absence_id, who)


def withdraw_recusal(
    db: Session, recusal_id: int, data: Withdrawal, who: Principal | None
) -> RecusalView:
    view = get_recusal(db, recusal_id, who)
    _withdraw(db, view.recusal, view.current, "recusal_id", data.reason, who)
    return get_recusal(db, recusal_id, who)


def absence_history(db: Session, view: AbsenceView) -> list[InspectorAbsenceVersion]:
    return history_of(db, view.absence, InspectorAbsenceVersion, "absence_id")


def recusal_history(db: Session, view: RecusalView) -> list[RecusalVersion]:
    return history_of(db, view.recusal, RecusalVersion, "recusal_id")

"""Officers (users with the officer role) and their enforcement certificates (执法证):
kept in core because every feature checks them; the catalog publishes them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Self

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.certificate_rules import CertificateState, certificate_state
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.features import registry
from zhifa.core.models import Certificate, CertificateStatus, CertificateVersion, User, UserRole
from zhifa.core.permissions import Role
from zhifa.core.validation import BodyRecordId
from zhifa.core.versioning import add_version


class CertificateDetails(BaseModel):
    number: str = Field(min_length=4, max_length=30, pattern=r"^[0-9A-Za-z\-]+$")
    issuing_authority: str = Field(min_length=1, max_length=100)
    scope: str = Field(min_length=1, max_length=100)
    valid_from: date
    valid_to: date
    status: CertificateStatus = CertificateStatus.active

    @field_validator("issuing_authority", "scope")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()

    @model_validator(mode="after")
    def _term(self) -> Self:
        if self.valid_to < self.valid_from:
            raise DomainError("有效期至不能早于有效期起", "valid_to")
        return self


class CertificateIn(CertificateDetails):
    officer_id: BodyRecordId


class CertificateRevision(CertificateDetails):
    reason: str = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class CertificateView:
    certificate: Certificate
    current: CertificateVersion

    def state(self, on: date) -> CertificateState:
        c = self.current
        return certificate_state(c.status, c.valid_from, c.valid_to, on)


@dataclass(frozen=True)
class OfficerView:
    user: User
    certificates: list[CertificateView]

    def has_valid_certificate(self, on: date) -> bool:
        return any(view.state(on) is CertificateState.valid for view in self.certificates)


# Called with (db, the certificate as changed, who) inside the transaction of every new
# version of a certificate: features that publish certificates (the catalogue) declare
# them in their manifests (`certificate_hooks`) without core importing them.
ChangeHook = Callable[[Session, "CertificateView", Principal | None], None]


def _current_certificates(db: Session) -> list[CertificateView]:
    query = select(Certificate, CertificateVersion).join(
        CertificateVersion,
        and_(
            CertificateVersion.certificate_id == Certificate.id,
            CertificateVersion.version == Certificate.current_version,
        ),
    )
    return [CertificateView(c, v) for c, v in db.execute(query.order_by(Certificate.id))]


def list_officers(db: Session, text: str = "") -> list[OfficerView]:
    """Officers with their current certificates; ``text`` matches a name, username or
    certificate number."""
    officers = db.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.officer.value)
        .order_by(User.full_name)
    ).all()
    by_officer: dict[int, list[CertificateView]] = {}
    for view in _current_certificates(db):
        by_officer.setdefault(view.certificate.officer_id, []).append(view)
    views = [OfficerView(user, by_officer.get(user.id, [])) for user in officers]
    needle = text.strip()
    if needle:
        views = [v for v in views if _matches(v, needle)]
    return views


def _matches(view: OfficerView, needle: str) -> bool:
    numbers = [c.current.number for c in view.certificates]
    return needle in view.user.full_name or needle in view.user.username or needle in numbers


def get_officer(db: Session, user_id: int) -> OfficerView:
    for officer in list_officers(db):
        if officer.user.id == user_id:
            return officer
    raise NotFound("执法人员不存在")


def get_certificate(db: Session, certificate_id: int) -> CertificateView:
    for view in _current_certificates(db):
        if view.certificate.id == certificate_id:
            return view
    raise NotFound("执法证不存在")


def _number_taken(db: Session, number: str, except_certificate: int | None) -> bool:
    return any(
        view.current.number == number and view.certificate.id != except_certificate
        for view in _current_certificates(db)
    )


def issue_certificate(db: Session, data: CertificateIn, who: Principal | None) -> CertificateView:
    officer = db.get(User, data.officer_id)
    if officer is None or Role.officer not in officer.roles:
        raise DomainError("所选人员不是执法人员", "officer_id")
    if _number_taken(db, data.number, None):
        raise Conflict(f"执法证号 {data.number} 已被登记", "number")
    certificate = Certificate(officer_id=officer.id, current_version=1)
    db.add(certificate)
    db.flush()
    version = CertificateVersion(
        certificate_id=certificate.id,
        version=1,
        reason="登记",
        created_by=who.user_id if who else None,
        **data.model_dump(exclude={"officer_id"}),
    )
    db.add(version)
    record_change(db, actor_name(who), "certificate.issue", certificate, version)
    return CertificateView(certificate, version)


def revise_certificate(
    db: Session, certificate_id: int, data: CertificateRevision, who: Principal | None
) -> CertificateView:
    view = get_certificate(db, certificate_id)
    if _number_taken(db, data.number, certificate_id):
        raise Conflict(f"执法证号 {data.number} 已被登记", "number")
    version = add_version(
        db,
        entity=view.certificate,
        current=view.current,
        version_model=CertificateVersion,
        link="certificate_id",
        fields=data.model_dump(exclude={"reason"}),
        reason=data.reason,
        who=who,
        kind="certificate.revise",
    )
    changed = CertificateView(view.certificate, version)
    for hook in registry().certificate_hooks:
        hook(db, changed, who)
    return changed

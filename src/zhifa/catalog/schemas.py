"""What the officers API answers: an officer with the current version of each of their
enforcement certificates."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from zhifa.core import certificates as officers
from zhifa.core.certificate_rules import CertificateState
from zhifa.core.clock import today
from zhifa.core.models import CertificateStatus


class CertificateOut(BaseModel):
    id: int
    officer_id: int
    version: int
    number: str
    issuing_authority: str
    scope: str
    valid_from: date
    valid_to: date
    status: CertificateStatus
    state_today: CertificateState

    @classmethod
    def of(cls, view: officers.CertificateView) -> CertificateOut:
        c = view.current
        return cls(
            id=view.certificate.id,
            officer_id=view.certificate.officer_id,
            version=c.version,
            number=c.number,
            issuing_authority=c.issuing_authority,
            scope=c.scope,
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            status=c.status,
            state_today=view.state(today()),
        )


class OfficerOut(BaseModel):
    user_id: int
    username: str
    full_name: str
    unit: str | None
    certificates: list[CertificateOut]

    @classmethod
    def of(cls, officer: officers.OfficerView) -> OfficerOut:
        return cls(
            user_id=officer.user.id,
            username=officer.user.username,
            full_name=officer.user.full_name,
            unit=officer.user.unit.name if officer.user.unit else None,
            certificates=[CertificateOut.of(v) for v in officer.certificates],
        )

"""Pure decisions about the 执法检查人员名录库: who may be drawn as an inspector for a
period and a field (执法领域), and which 回避 relations are in force. No database, no clock.

An officer is a candidate for a period when one of their certificates is valid on every
day of it (in use, its term covering the whole period: core.certificate_rules) and its
执法领域 names the field, and no recorded absence overlaps the period: a drawn inspector
must be able to go on any day of the batch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhifa.core.certificate_rules import STATE_LABELS, CertificateState, certificate_state
from zhifa.core.clock import people_date
from zhifa.core.models import CertificateStatus


class AbsenceKind(StrEnum):
    leave = "leave"
    training = "training"
    secondment = "secondment"
    sick = "sick"
    other = "other"


ABSENCE_LABELS = {
    AbsenceKind.leave: "休假",
    AbsenceKind.training: "培训",
    AbsenceKind.secondment: "借调",
    AbsenceKind.sick: "病假",
    AbsenceKind.other: "其他",
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    def overlaps(self, start: date, end: date | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)

    def __str__(self) -> str:
        return f"{people_date(self.start)}至{people_date(self.end)}"


@dataclass(frozen=True)
class CertificateFacts:
    number: str  # 执法证号
    status: CertificateStatus
    valid_from: date
    valid_to: date
    scope: str  # 执法领域, e.g. "安全生产、应急管理"


_SEPARATORS = re.compile(r"[、,，;；\s]+")


def scope_fields(scope: str) -> frozenset[str]:
    """The fields a certificate's 执法领域 names."""
    return frozenset(part for part in _SEPARATORS.split(scope) if part)


def certificate_problem(cert: CertificateFacts, period: Period, field: str) -> str | None:
    """Why this certificate does not let its holder inspect in ``field`` for ``period``."""
    for day in (period.start, period.end):
        state = certificate_state(cert.status, cert.valid_from, cert.valid_to, day)
        if state is not CertificateState.valid:
            return f"执法证 {cert.number} 在 {people_date(day)} {STATE_LABELS[state]}"
    if field not in scope_fields(cert.scope):
        return f"执法证 {cert.number} 的执法领域（{cert.scope}）不含“{field}”"
    return None


def qualifying_number(
    certificates: list[CertificateFacts], period: Period, field: str
) -> tuple[str | None, list[str]]:
    """The (lowest) number of a certificate that qualifies, or None and why none does."""
    problems = [certificate_problem(c, period, field) for c in certificates]
    good = sorted(c.number for c, p in zip(certificates, problems, strict=True) if p is None)
    if good:
        return good[0], []
    return None, [p for p in problems if p] or ["没有执法证"]


@dataclass(frozen=True)
class AbsenceFacts:
    kind: AbsenceKind
    starts_on: date
    ends_on: date


def listing(
    certificates: list[CertificateFacts],
    absences: list[AbsenceFacts],
    period: Period,
    field: str,
) -> tuple[str | None, list[str]]:
    """The 执法证号 an officer is listed under for the period and field, or None; and why
    not (certificates that do not qualify, absences that overlap the period)."""
    number, problems = qualifying_number(certificates, period, field)
    clashes = [
        f"{ABSENCE_LABELS[a.kind]} {Period(a.starts_on, a.ends_on)}，与期间重叠"
        for a in absences
        if period.overlaps(a.starts_on, a.ends_on)
    ]
    return (None if clashes else number), problems + clashes

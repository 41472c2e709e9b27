"""The frozen candidate lists a draw commits to (一单两库 → the draw's inputs): pure, no
database, no clock. `collect` (inspection.directory) gathers the facts from the two
directories; `freeze` decides.

- **Subjects**: the entries in scope of random checks and 在营, labelled by their
  统一社会信用代码, sorted by code point, each with the attributes a plan stratifies by
  (门类, 大类, risk grade, 属地, special flags, licence state).
- **Inspectors**: officers with a certificate valid for the whole period whose 执法领域
  names the field and with no absence overlapping the period (inspectors.rules), labelled
  by that certificate's 执法证号, sorted.
- **回避**: the (执法证号, 统一社会信用代码) pairs of the relations in force on any day of
  the period, between listed inspectors and listed subjects, sorted — the draw's
  ``avoidance`` pairs (inspector, target)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from zhifa.inspection.inspectors.rules import AbsenceFacts, CertificateFacts, Period, listing
from zhifa.inspection.subjects.rules import LicenceState, OperatingStatus, RiskGrade, drawable


@dataclass(frozen=True)
class SubjectFacts:
    uscc: str
    industry_code: str
    risk_grade: RiskGrade
    street: str
    special_flags: tuple[str, ...]
    licence_state: LicenceState
    status: OperatingStatus
    in_scope: bool


@dataclass(frozen=True)
class InspectorFacts:
    officer_id: int
    certificates: tuple[CertificateFacts, ...]
    absences: tuple[AbsenceFacts, ...] = ()  # the active ones


@dataclass(frozen=True)
class RecusalFacts:
    officer_id: int
    uscc: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class CandidateSubject:
    label: str  # 统一社会信用代码
    section: str  # 门类
    division: str  # 大类
    industry_code: str
    risk_grade: str
    street: str
    special_flags: tuple[str, ...]
    licence_state: str

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "section": self.section,
            "division": self.division,
            "industry_code": self.industry_code,
            "risk_grade": self.risk_grade,
            "street": self.street,
            "special_flags": list(self.special_flags),
            "licence_state": self.licence_state,
        }


@dataclass(frozen=True)
class Candidates:
    period: Period
    field: str
    subjects: tuple[CandidateSubject, ...]
    inspectors: tuple[str, ...]  # 执法证号, sorted
    avoidance: tuple[tuple[str, str], ...]  # (执法证号, 统一社会信用代码), sorted

    def to_json(self) -> dict[str, object]:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "field": self.field,
            "subjects": [s.to_json() for s in self.subjects],
            "inspectors": list(self.inspectors),
            "avoidance": [list(pair) for pair in self.avoidance],
        }


def _subject(facts: SubjectFacts) -> CandidateSubject:
    return CandidateSubject(
        label=facts.uscc,
        section=facts.industry_code[0],
        division=facts.industry_code[1:3],
        industry_code=facts.industry_code,
        risk_grade=str(facts.risk_grade),
        street=facts.street,
        special_flags=tuple(sorted(facts.special_flags)),
        licence_state=str(facts.licence_state),
    )


def inspector_label(facts: InspectorFacts, period: Period, field: str) -> str | None:
    """The 执法证号 this officer is listed under for the period, or None if not listed."""
    number, _ = listing(list(facts.certificates), list(facts.absences), period, field)
    return number


def freeze(
    subjects: Iterable[SubjectFacts],
    inspectors: Iterable[InspectorFacts],
    recusals: Sequence[RecusalFacts],
    period: Period,
    field: str,
) -> Candidates:
    listed = sorted(
        (_subject(s) for s in subjects if drawable(s.status, s.in_scope)), key=lambda s: s.label
    )
    labels = {s.label for s in listed}
    numbers: dict[int, str] = {}
    for facts in inspectors:
        number = inspector_label(facts, period, field)
        if number is not None:
            numbers[facts.officer_id] = number
    pairs = {
        (numbers[r.officer_id], r.uscc)
        for r in recusals
        if r.officer_id in numbers and r.uscc in labels and period.overlaps(r.starts_on, r.ends_on)
    }
    return Candidates(
        period=period,
        field=field,
        subjects=tuple(listed),
        inspectors=tuple(sorted(numbers.values())),
        avoidance=tuple(sorted(pairs)),
    )

"""The two directories read for a draw: the facts `candidates.freeze` decides on, as
they stand now (current versions, active absences and 回避 relations)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhifa.core.certificates import list_officers
from zhifa.inspection.candidates import (
    Candidates,
    InspectorFacts,
    RecusalFacts,
    SubjectFacts,
    freeze,
)
from zhifa.inspection.inspectors.rules import Period
from zhifa.inspection.inspectors.service import (
    absences_by_officer,
    certificate_facts,
    list_recusals,
)
from zhifa.inspection.subjects.service import list_subjects


def collect(db: Session, period: Period, field: str) -> Candidates:
    """The frozen candidate lists for ``period`` and ``field`` (inspection.candidates)."""
    subjects = [
        SubjectFacts(
            uscc=v.party.uscc or "",
            industry_code=v.current.industry_code,
            risk_grade=v.current.risk_grade,
            street=v.current.street,
            special_flags=tuple(v.current.special_flags),
            licence_state=v.current.licence_state,
            status=v.current.status,
            in_scope=v.current.in_scope,
        )
        for v in list_subjects(db)
    ]
    absent = absences_by_officer(db)
    inspectors = [
        InspectorFacts(o.user.id, certificate_facts(o), tuple(absent.get(o.user.id, ())))
        for o in list_officers(db)
    ]
    recusals = [
        RecusalFacts(
            r.recusal.officer_id, r.party.uscc or "", r.current.starts_on, r.current.ends_on
        )
        for r in list_recusals(db, None)
        if r.current.active
    ]
    return freeze(subjects, inspectors, recusals, period, field)

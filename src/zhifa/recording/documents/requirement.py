"""The documents requirement of a step: each document kind the step lists must have an
issued document for the action that no correction has replaced."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhifa.enforcement.models import Action
from zhifa.enforcement.steps import Step
from zhifa.recording.documents.kinds import KINDS
from zhifa.recording.documents.service import effective, has_effective, services_of, title_of


def missing_documents(db: Session, action: Action, step: Step) -> list[str]:
    missing = []
    for code in step.documents:
        kind = KINDS.get(code)
        if kind is None:
            missing.append(f"文书种类“{code}”未定义，无法签发")
        elif not has_effective(db, action.id, code):
            missing.append(f"尚未签发《{kind.title}》")
    return missing


# Decisions that must reach the party before the 送达 step is done (《行政处罚法》第六十一条，
# 《行政强制法》第二十四条).
DECISION_KINDS = (
    "penalty_decision",
    "seizure_decision",
    "on_site_measure_decision",
    "license_decision",
)


def missing_service(db: Session, action: Action, step: Step) -> list[str]:
    """At a 送达 step every issued decision needs a service record; without a decision
    document (e.g. a licence), a 文书送达回执 shows what was handed over."""
    if step.code != "service":
        return []
    decisions = [doc for code in DECISION_KINDS for doc in effective(db, action.id, code)]
    if not decisions:
        if has_effective(db, action.id, "service_receipt"):
            return []
        return [f"尚未签发《{KINDS['service_receipt'].title}》"]
    return [
        f"《{title_of(doc)}》{doc.doc_number or ''}尚未记录送达"
        for doc in decisions
        if not services_of(db, doc.id)
    ]

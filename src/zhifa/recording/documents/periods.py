"""The start events documents give a case's periods (`enforcement.periods`): the service
of a notice or decision on the party (its service record's `served_on`), the 期限起算日 of
a seizure decision, the 整改期限 of a 责令限期整改指令书. Declared in recording's manifest."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zhifa.core.clock import people_date
from zhifa.enforcement.models import Action
from zhifa.enforcement.periods import NotYet, StartEvent
from zhifa.recording.documents.kinds import KINDS
from zhifa.recording.documents.models import SERVICE_METHOD_LABELS, Document
from zhifa.recording.documents.service import effective, services_of


def _name(doc: Document) -> str:
    return f"《{KINDS[doc.kind].title}》{doc.doc_number or ''}"


def _served(db: Session, action: Action, kinds: tuple[str, ...]) -> list[StartEvent | NotYet]:
    out: list[StartEvent | NotYet] = []
    for kind in kinds:
        for doc in effective(db, action.id, kind):
            served = services_of(db, doc.id)
            if served:
                on, how = served[0].served_on, SERVICE_METHOD_LABELS[served[0].method]
                out.append(StartEvent(on, f"{_name(doc)}于{people_date(on)}{how}"))
            elif kind == "on_site_penalty_decision" and doc.issue_date is not None:
                # 《行政处罚法》第五十二条: handed to the party on the spot when made
                on = doc.issue_date
                out.append(StartEvent(on, f"{_name(doc)}于{people_date(on)}当场交付"))
            else:
                out.append(NotYet(f"{_name(doc)}已签发但尚未记录送达"))
    return out


def notice_served(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """Each notice telling the party its rights (告知书, 听证告知书), from its service."""
    return _served(db, action, ("penalty_notice", "hearing_notice"))


def decision_served(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The penalty decision received by the party (《行政处罚法》第六十七条第三款)."""
    return _served(db, action, ("penalty_decision", "on_site_penalty_decision"))


def _field_day(
    db: Session, action: Action, kind: str, field: str, what: str
) -> list[StartEvent | NotYet]:
    docs = effective(db, action.id, kind)
    if not docs:
        return []
    doc = docs[-1]
    value = doc.fields.get(field)
    if not value:
        return [NotYet(f"{_name(doc)}未填写{what}")]
    day = date.fromisoformat(str(value))
    return [StartEvent(day, f"{_name(doc)}所定{what}{people_date(day)}")]


def seizure_start(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The seizure's start day as its decision states it (《行政强制法》第二十四条、第二十五条)."""
    return _field_day(db, action, "seizure_decision", "start_on", "期限起算日")


def rectification_deadline(db: Session, action: Action) -> list[StartEvent | NotYet]:
    """The 整改期限 of the newest 责令限期整改指令书: the reinspection runs from its end."""
    return _field_day(db, action, "rectification_order", "deadline", "整改期限")

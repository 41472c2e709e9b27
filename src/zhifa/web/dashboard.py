"""Figures on the internal app's home page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.enforcement.actions import list_actions
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.enforcement.parties import count_parties
from zhifa.enforcement.periods import CaseDeadline, running_deadlines
from zhifa.recording.documents.models import Document
from zhifa.recording.documents.service import ServiceDeadline, title_of, unserved_decisions


@dataclass(frozen=True)
class DashboardFigures:
    parties: int
    officers: int
    officers_without_valid_certificate: list[str]
    open_actions: int
    unserved: list[tuple[Document, str, ServiceDeadline]]
    deadlines: list[tuple[Action, CaseDeadline]]  # started, not yet done, soonest end first


def dashboard_figures(db: Session, who: Principal) -> DashboardFigures:
    day = today()
    officers = list_officers(db)
    lacking = [o.user.full_name for o in officers if not o.has_valid_certificate(day)]
    _, open_actions = list_actions(db, who, status=ActionStatus.open)
    return DashboardFigures(
        count_parties(db),
        len(officers),
        lacking,
        open_actions,
        [(doc, title_of(doc), due) for doc, due in unserved_decisions(db, who)],
        running_deadlines(db, who),
    )

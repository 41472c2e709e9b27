"""Figures on the internal app's home page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.enforcement.parties import count_parties


@dataclass(frozen=True)
class DashboardFigures:
    parties: int
    officers: int
    officers_without_valid_certificate: list[str]


def dashboard_figures(db: Session) -> DashboardFigures:
    day = today()
    officers = list_officers(db)
    lacking = [o.user.full_name for o in officers if not o.has_valid_certificate(day)]
    return DashboardFigures(count_parties(db), len(officers), lacking)

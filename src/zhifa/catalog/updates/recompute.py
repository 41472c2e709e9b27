"""Recompute the provisional due days of catalogue updates (事前公示更新) when a year's
official holiday schedule is loaded (a `recompute_hooks` entry of the catalog manifest)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhifa.catalog.updates.models import CatalogueUpdate
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.recompute import recompute_rows


def recompute_updates(db: Session, calendar: WorkingCalendar, year: int, actor: str | None) -> int:
    """Each open or done update with a provisional due day, from the day it counts from."""
    return recompute_rows(db, calendar, year, actor, CatalogueUpdate, "started_on")

"""The bureau's local day: legal days are counted in Beijing time."""

from __future__ import annotations

from datetime import date, datetime

from zhifa.core.calendar import SHANGHAI


def today() -> date:
    return datetime.now(SHANGHAI).date()

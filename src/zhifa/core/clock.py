"""The bureau's local day: legal days are counted in Beijing time."""

from __future__ import annotations

from datetime import date, datetime

from zhifa.core.calendar import SHANGHAI


def today() -> date:
    return datetime.now(SHANGHAI).date()


def people_date(value: date | datetime | str | None) -> str:
    """The one date format people read: 2026年12月7日 (a datetime counts in Beijing time;
    an ISO string is parsed; anything else unparseable is shown as it is)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def people_datetime(value: datetime | None) -> str:
    """2026年12月7日 14:05 in Beijing time (stored times are UTC)."""
    if value is None:
        return ""
    local = value.astimezone(SHANGHAI) if value.tzinfo else value
    return f"{people_date(local.date())} {local:%H:%M}"

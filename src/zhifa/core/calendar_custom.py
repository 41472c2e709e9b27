"""The longest rest the official notices plausibly give in a year without one (yet).

A provisional year's party periods end on the LATEST plausible day (design invariant 3):
besides the rest days of the law (statutory days and 补假, calendar_rules), they count
the extended breaks the 国务院办公厅 notices have customarily made with 调休 — and none of
the make-up working days, which would only shorten a period. The breaks are derived
from the notices 2015–2026 as transcribed by the `chinesecalendar` package, not guessed:

- long holidays (春节, 劳动节, 国庆节): the break starts on the first statutory day (除夕,
  5月1日, 10月1日) and lasts the LONGEST run of consecutive rest days counted from that
  day that any notice of 2015–2026 gave (春节 9 days in 2024; 劳动节 5 days 2020–2026;
  国庆节 8 days in 2017, 2020 and 2025). The 2020 春节 is left out: its end was extended
  by 国办发明电〔2020〕1号 for the epidemic, not by the holiday notice.
- one-day holidays (元旦, 清明节, 端午节, 中秋节): every notice of 2015–2026 that put such a
  day on a Tuesday made the Monday before it a rest day, and on a Thursday the Friday
  after it (a "bridge" paid back by a weekend make-up day); tests check the history.

Pure module: no database, no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Final

import chinese_calendar

from zhifa.core.calendar_rules import (
    dragon_boat_day,
    law_rest_days,
    lunar_new_years_eve,
    mid_autumn_day,
    qingming_day,
)

HISTORY: Final = range(2015, 2027)  # notices transcribed by chinesecalendar, studied
_EXCLUDED: Final = {("春节", 2020)}  # epidemic extension (国办发明电〔2020〕1号)

LONG_HOLIDAYS: Final[dict[str, Callable[[int], date]]] = {
    "春节": lunar_new_years_eve,
    "劳动节": lambda year: date(year, 5, 1),
    "国庆节": lambda year: date(year, 10, 1),
}
ONE_DAY_HOLIDAYS: Final[dict[str, Callable[[int], date]]] = {
    "元旦": lambda year: date(year, 1, 1),
    "清明节": qingming_day,
    "端午节": dragon_boat_day,
    "中秋节": mid_autumn_day,
}
# weekday of a one-day holiday -> the weekday made a rest day beside it (Mon=0)
BRIDGES: Final = MappingProxyType({1: -1, 3: +1})


def official_break_from(anchor: date) -> int:
    """Days from `anchor` to the end of its run of rest days in an official notice."""
    day = anchor
    while not chinese_calendar.is_workday(day + timedelta(days=1)):
        day += timedelta(days=1)
    return (day - anchor).days + 1


@cache
def customary_lengths() -> MappingProxyType[str, int]:
    """Longest break of each long holiday in the notices of HISTORY, from its first day."""
    return MappingProxyType(
        {
            name: max(
                official_break_from(first(year))
                for year in HISTORY
                if (name, year) not in _EXCLUDED
            )
            for name, first in LONG_HOLIDAYS.items()
        }
    )


@cache
def customary_rest_days(year: int) -> MappingProxyType[date, str]:
    """The law's rest days of `year` plus the customary breaks and bridges (latest side)."""
    days = dict(law_rest_days(year))
    lengths = customary_lengths()
    for name, first in LONG_HOLIDAYS.items():
        start = first(year)
        for offset in range(lengths[name]):
            day = start + timedelta(days=offset)
            if day.weekday() < 5:
                days.setdefault(day, f"{name}（惯例延长假期）")
    for name, when in ONE_DAY_HOLIDAYS.items():
        holiday = when(year)
        if holiday.weekday() in BRIDGES:
            day = holiday + timedelta(days=BRIDGES[holiday.weekday()])
            days.setdefault(day, f"{name}（惯例调休）")
    return MappingProxyType(dict(sorted(days.items())))

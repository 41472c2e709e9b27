"""Statutory holidays of 《全国年节及纪念日放假办法》 (as amended by 国务院令第795号).

Used for years that have no official 国务院办公厅 schedule (yet): the statutory days and
their 补假 are holidays, every Saturday and Sunday is a rest day, and there is no 调休.
Such results are always marked provisional by the calendar.

第二条 (in force from 2025-01-01):
  元旦 1天 (1月1日); 春节 4天 (农历除夕、正月初一至初三); 清明节 1天 (农历清明当日);
  劳动节 2天 (5月1日、2日); 端午节 1天 (农历端午当日); 中秋节 1天 (农历中秋当日);
  国庆节 3天 (10月1日至3日).

第六条: "全体公民放假的假日，如果适逢周六、周日，应当在工作日补假。" The notices make it up
on the first working day(s) right after the holiday period (e.g. 2027: 春节 初一/初二 on
Sat/Sun -> 2月9日、10日; 劳动节 5月1日/2日 -> 5月3日、4日; 国庆 10月2日/3日 -> 10月4日、5日);
`make_up_days` does the same, one working day for each statutory holiday on a weekend
(two holidays on one weekend day, such as 中秋 on a 国庆 Sunday, owe two).

Lunar dates and the 清明 solar term come from `borax` (MIT, data table for 1900–2100).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Final

from borax.calendars.lunardate import LunarDate, TermUtils

# The amended rules apply from 2025; the lunar table ends with lunar year 2100.
FIRST_RULE_YEAR: Final = 2025
LAST_RULE_YEAR: Final = 2099

RULES_BASIS: Final = (
    "《全国年节及纪念日放假办法》第二条、第六条（国务院令第795号修订，2025年1月1日起施行）"
)


def rules_cover(year: int) -> bool:
    """True when the statutory rules (and the lunar table) can compute `year`."""
    return FIRST_RULE_YEAR <= year <= LAST_RULE_YEAR


def lunar_new_year(year: int) -> date:
    """正月初一 of the lunar year that starts in Gregorian `year`."""
    return LunarDate(year, 1, 1).to_solar_date()


def lunar_new_years_eve(year: int) -> date:
    """农历除夕: the last day of the 12th lunar month (廿九 or 三十), the day before 初一."""
    return lunar_new_year(year) - timedelta(days=1)


def dragon_boat_day(year: int) -> date:
    """端午: 农历五月初五 (never in a leap month)."""
    return LunarDate(year, 5, 5).to_solar_date()


def mid_autumn_day(year: int) -> date:
    """中秋: 农历八月十五."""
    return LunarDate(year, 8, 15).to_solar_date()


def qingming_day(year: int) -> date:
    """清明: the day of the 清明 solar term (April 4 or 5)."""
    return TermUtils.nth_term_day(year, term_name="清明")


def _statutory_days(year: int) -> list[tuple[date, str]]:
    eve = lunar_new_years_eve(year)
    new_year = lunar_new_year(year)
    return [
        (date(year, 1, 1), "元旦"),
        (eve, "春节（农历除夕）"),
        (new_year, "春节（正月初一）"),
        (new_year + timedelta(days=1), "春节（正月初二）"),
        (new_year + timedelta(days=2), "春节（正月初三）"),
        (qingming_day(year), "清明节"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
        (dragon_boat_day(year), "端午节"),
        (mid_autumn_day(year), "中秋节"),
        (date(year, 10, 1), "国庆节"),
        (date(year, 10, 2), "国庆节"),
        (date(year, 10, 3), "国庆节"),
    ]


@cache
def statutory_holidays(year: int) -> MappingProxyType[date, str]:
    """The statutory holidays of `year`, date -> name (names joined when two coincide,
    e.g. 中秋 on 10月1日 in 2031)."""
    if not rules_cover(year):
        raise ValueError(
            f"法定节假日规则只能推算 {FIRST_RULE_YEAR}–{LAST_RULE_YEAR} 年，不能推算 {year} 年"
        )
    days: dict[date, str] = {}
    for day, name in _statutory_days(year):
        days[day] = f"{days[day]}、{name}" if day in days else name
    return MappingProxyType(dict(sorted(days.items())))


@cache
def make_up_days(year: int) -> MappingProxyType[date, str]:
    """补假 of 第六条: for each run of consecutive statutory days (a holiday period), one
    working day for each holiday of it that falls on a Saturday or Sunday, taken from the
    first working days right after the period (date -> "春节补假" etc.)."""
    holidays = statutory_holidays(year)
    made_up: dict[date, str] = {}
    for period in _periods(sorted(holidays)):
        # two holidays on one weekend day (中秋 on 国庆, e.g. 2039-10-02) owe a day each
        owed = sum(len(holidays[day].split("、")) for day in period if day.weekday() >= 5)
        name = holidays[period[0]].split("（")[0].split("、")[0]
        day = period[-1]
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in holidays and day not in made_up:
                made_up[day] = f"{name}补假"
                owed -= 1
    return MappingProxyType(made_up)


def law_rest_days(year: int) -> MappingProxyType[date, str]:
    """Every weekday the law itself makes a rest day: statutory days and their 补假."""
    return MappingProxyType(
        dict(sorted({**statutory_holidays(year), **make_up_days(year)}.items()))
    )


def _periods(days: list[date]) -> list[list[date]]:
    periods: list[list[date]] = []
    for day in days:
        if periods and day - periods[-1][-1] == timedelta(days=1):
            periods[-1].append(day)
        else:
            periods.append([day])
    return periods

"""Statutory holidays of 《全国年节及纪念日放假办法》 (as amended by 国务院令第795号).

Used for years that have no official 国务院办公厅 schedule (yet): only the statutory days
themselves are holidays, every Saturday and Sunday is a rest day, and there is no 调休.
Such results are always marked provisional by the calendar.

第二条 (in force from 2025-01-01):
  元旦 1天 (1月1日); 春节 4天 (农历除夕、正月初一至初三); 清明节 1天 (农历清明当日);
  劳动节 2天 (5月1日、2日); 端午节 1天 (农历端午当日); 中秋节 1天 (农历中秋当日);
  国庆节 3天 (10月1日至3日).

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

RULES_BASIS: Final = "《全国年节及纪念日放假办法》第二条（国务院令第795号修订，2025年1月1日起施行）"


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

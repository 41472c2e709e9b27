"""The working-day calendar: the only place in zhifa that knows about days (invariant 3).

Sources of a year's days, in order of precedence:
1. a loaded `YearSchedule` (an official 国务院办公厅 notice entered as a data file);
2. the `chinesecalendar` package's transcription of the official notices (2004–2026 in 1.11);
3. otherwise the statutory rules of 《全国年节及纪念日放假办法》 (see calendar_rules):
   statutory days, their 补假 (第六条) and weekends, no 调休 — every result touching such a
   year is marked `provisional=True`. A calendar made `with_rest_days(RestDays.CUSTOMARY)`
   also rests on the customary extended breaks of the notices (calendar_custom): the
   time-limit table uses it for the side a provisional result leans to. Loading the
   official schedule later and calling again gives the final answer.

Period rules (《中华人民共和国民法典》第一编第十章):
- 第二百零一条: the start day is not counted; counting begins the next day.
- 第二百零二条: months/years end on the corresponding day of the due month, or the last day
  of that month when it has no such day.
- 第二百零三条: a period whose last day is a 法定休假日 (holiday or weekend rest day) ends on
  the day after the rest days end; the last day ends at 24:00.

Every function here is pure: it takes `date`s (never `datetime`s, never the clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from zhifa.core.calendar_custom import customary_rest_days
from zhifa.core.calendar_rules import (
    FIRST_RULE_YEAR,
    LAST_RULE_YEAR,
    RULES_BASIS,
    law_rest_days,
    rules_cover,
)
from zhifa.core.calendar_schedule import (
    NamedDay,
    ScheduleError,
    YearSchedule,
    parse_schedule_file,
    schedule_from_dict,
    schedule_to_dict,
    weekday_name,
)
from zhifa.core.errors import DomainError

__all__ = [
    "CalendarRangeError",
    "Counted",
    "DayKind",
    "DayStatus",
    "DeadlineState",
    "Due",
    "DueInstant",
    "NamedDay",
    "RestDays",
    "ScheduleError",
    "WorkingCalendar",
    "YearSchedule",
    "add_hours",
    "countable_days",
    "deadline_end",
    "deadline_start",
    "deadline_status",
    "default_calendar",
    "fixed_date_in_year",
    "hours_before",
    "is_overdue",
    "parse_schedule_file",
    "schedule_from_dict",
    "schedule_to_dict",
]


def _shanghai() -> tzinfo:
    # China has had no DST since 1991: a fixed UTC+8 is equivalent if tzdata is missing.
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:
        from datetime import timezone

        return timezone(timedelta(hours=8), "Asia/Shanghai")


SHANGHAI: Final = _shanghai()
ONE_DAY: Final = timedelta(days=1)

# Notice numbers of the official schedules transcribed by chinesecalendar (for `basis`).
KNOWN_NOTICES: Final[Mapping[int, str]] = MappingProxyType(
    {
        2025: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
        2026: "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
    }
)


class CalendarRangeError(DomainError):
    """A day the calendar can neither read from a schedule nor compute from the rules."""


class RestDays(StrEnum):
    """Which rest days a provisional (rules-based) year has; official years are unaffected.

    LAW: the statutory days and their 补假 only — the fewest rest days, so the earliest
    plausible end of a forward period. CUSTOMARY: also the extended breaks and bridges
    the notices of recent years customarily gave (calendar_custom) — the latest."""

    LAW = "仅法定节日及第六条补假为休息日"
    CUSTOMARY = "另计近年放假通知惯例的延长假期和调休"


class DayKind(StrEnum):
    WORKDAY = "工作日"
    MAKEUP_WORKDAY = "调休上班日"
    WEEKEND = "休息日"
    HOLIDAY = "节假日"


@dataclass(frozen=True)
class DayStatus:
    """What one day is, and on what authority."""

    date: date
    kind: DayKind
    name: str | None  # the holiday a holiday / make-up day belongs to
    provisional: bool  # True: the year has no official schedule (rules-based guess)
    source: str

    @property
    def working(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


@dataclass(frozen=True)
class Due:
    """A computed last day of a time limit.

    The limit runs to the END of `date` (Asia/Shanghai): see `deadline_end`.
    `provisional` is True when any day examined lies in a year without an official
    schedule; `provisional_years` names those years. `basis` explains the computation.
    """

    date: date
    provisional: bool
    basis: str
    provisional_years: tuple[int, ...] = ()

    @property
    def ends_at(self) -> datetime:
        return deadline_end(self)


@dataclass(frozen=True)
class DueInstant:
    """A computed instant of a time limit counted in hours (Asia/Shanghai, timezone-aware):
    a limit of hours runs from an instant to an instant, whatever day or holiday it
    crosses. `basis` explains the computation."""

    at: datetime
    basis: str


@dataclass(frozen=True)
class Counted:
    """A number of days with the same provisional marking as Due."""

    count: int
    provisional: bool
    provisional_years: tuple[int, ...] = ()


class DeadlineState(StrEnum):
    OPEN = "未到期"  # before the due day
    DUE_TODAY = "今日到期"  # during the due day
    OVERDUE = "已逾期"  # at or after the end of the due day


@dataclass(frozen=True)
class _Year:
    holidays: Mapping[date, str]
    makeups: Mapping[date, str]
    source: str
    provisional: bool


class WorkingCalendar:
    """China's working days: official schedules where known, statutory rules otherwise.

    `schedules`: loaded official schedules (one per year); they take precedence over the
    chinesecalendar package for the same year. `use_library=False` ignores the package
    (tests, or to rely on loaded schedules only).
    """

    def __init__(
        self,
        schedules: Iterable[YearSchedule] = (),
        *,
        use_library: bool = True,
        rest_days: RestDays = RestDays.LAW,
    ) -> None:
        self._years: dict[int, _Year] = {}
        for schedule in schedules:
            if schedule.year in self._years:
                raise ScheduleError([f"{schedule.year} 年的放假安排重复加载"])
            self._years[schedule.year] = _from_schedule(schedule)
        self._use_library = use_library
        self.rest_days = rest_days

    def with_rest_days(self, rest_days: RestDays) -> WorkingCalendar:
        """The same calendar with `rest_days` in provisional (rules-based) years."""
        if rest_days is self.rest_days:
            return self
        other = WorkingCalendar(use_library=self._use_library, rest_days=rest_days)
        other._years = self._years
        return other

    # ---- single days -------------------------------------------------------------

    def official_years(self) -> frozenset[int]:
        """Years with an official (non-provisional) schedule."""
        loaded = {y for y, data in self._years.items() if not data.provisional}
        library = _library_years() if self._use_library else frozenset()
        example = {y for y, data in self._years.items() if data.provisional}
        return frozenset(loaded | (library - example))

    def day_status(self, day: date) -> DayStatus:
        """Kind, name, source and provisional flag of `day`."""
        _require_date(day, "day")
        data = self._year(day.year)
        if day in data.makeups:
            kind, name = DayKind.MAKEUP_WORKDAY, data.makeups[day]
        elif day in data.holidays:
            kind, name = DayKind.HOLIDAY, data.holidays[day]
        else:
            kind, name = (DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY), None
        return DayStatus(day, kind, name, data.provisional, data.source)

    def is_working_day(self, day: date) -> bool:
        """True on Monday–Friday non-holidays and on 调休 make-up working days.

        Use `day_status(day).provisional` to learn whether the answer is final.
        """
        return self.day_status(day).working

    # ---- periods -----------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> Due:
        """ "自start之日起n个工作日内": the n-th working day after `start`.

        The start day is not counted (民法典 第二百零一条), whatever kind of day it is.
        """
        _require_date(start, "start")
        _require_positive(n)
        seen = _Seen()
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            if seen.working(self.day_status(day)):
                counted += 1
        basis = (
            f"自{_cn(start)}起（当日不计入）第{n}个工作日；{self._sources(start + ONE_DAY, day)}"
        )
        return seen.due(day, basis)

    def working_days_between(self, start: date, end: date) -> Counted:
        """Number of working days in (start, end]: `start` excluded, `end` included."""
        _require_date(start, "start")
        _require_date(end, "end")
        seen = _Seen()
        count = sum(1 for day in _days(start + ONE_DAY, end) if seen.working(self.day_status(day)))
        return Counted(count, seen.provisional, seen.years())

    def add_calendar_days(self, start: date, n: int, *, extend_if_rest_day: bool) -> Due:
        """`n` calendar days after `start` (start not counted, 民法典 第二百零一条).

        extend_if_rest_day=True: 民法典 第二百零三条 — if that day is a 法定休假日 (holiday or
        weekend rest day; a 调休 working day is not one) the period ends on the first
        working day after it. extend_if_rest_day=False: pure calendar days, never moved
        (e.g. a minimum such as 保存期不少于N日).
        """
        _require_date(start, "start")
        _require_positive(n)
        end = start + timedelta(days=n)
        return self._finish(end, extend_if_rest_day, f"自{_cn(start)}起（当日不计入）{n}日")

    def add_months(self, start: date, n: int, *, extend_if_rest_day: bool) -> Due:
        """`n` months after `start`: the corresponding day of the due month, or the last day
        of that month if it has no such day (民法典 第二百零二条), e.g. 8月31日 + 6个月 =
        2月28日/29日. `extend_if_rest_day` as in add_calendar_days (民法典 第二百零三条);
        False for minimum durations such as "不少于6个月".
        """
        _require_date(start, "start")
        _require_positive(n)
        end = _shift_months(start, n)
        return self._finish(end, extend_if_rest_day, f"自{_cn(start)}起{n}个月（到期月对应日）")

    def add_years(self, start: date, n: int, *, extend_if_rest_day: bool) -> Due:
        """`n` years after `start` (2月29日 + 1年 = 2月28日), as add_months(start, 12*n)."""
        _require_date(start, "start")
        _require_positive(n)
        end = _shift_months(start, 12 * n)
        return self._finish(end, extend_if_rest_day, f"自{_cn(start)}起{n}年（到期月对应日）")

    # ---- internals ---------------------------------------------------------------

    def _finish(self, end: date, extend: bool, what: str) -> Due:
        if not extend:
            return Due(end, False, f"{what}，期满日为{_cn(end)}；不因节假日顺延")
        seen = _Seen()
        day = end
        while not seen.working(self.day_status(day)):
            day += ONE_DAY
        if day == end:
            rule = "期满日为工作日，不顺延"
        else:
            rule = f"期满日{_cn(end)}为法定休假日，依民法典第二百零三条顺延至{_cn(day)}"
        return seen.due(day, f"{what}；{rule}；{self._sources(end, day)}")

    def _sources(self, first: date, last: date) -> str:
        parts = [f"{y}年：{self._year(y).source}" for y in range(first.year, last.year + 1)]
        return "日历依据：" + "；".join(parts)

    def _year(self, year: int) -> _Year:
        if year in self._years:
            return self._years[year]
        if self._use_library and year in _library_years():
            return _library_year(year)
        if rules_cover(year):
            return _rules_year(year, self.rest_days)
        raise CalendarRangeError(
            f"{year} 年没有放假安排，也不在法定节假日规则可推算的范围"
            f"（{FIRST_RULE_YEAR}–{LAST_RULE_YEAR} 年）内，无法计算",
            field="date",
        )


class _Seen:
    """Collects which provisional years the examined days belonged to."""

    def __init__(self) -> None:
        self._years: set[int] = set()

    def working(self, status: DayStatus) -> bool:
        if status.provisional:
            self._years.add(status.date.year)
        return status.working

    @property
    def provisional(self) -> bool:
        return bool(self._years)

    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def due(self, day: date, basis: str) -> Due:
        if self._years:
            years = "、".join(str(y) for y in self.years())
            basis += f"（暂定：{years}年尚无官方放假安排，发布后须重新计算）"
        return Due(day, self.provisional, basis, self.years())


# ---- year data ---------------------------------------------------------------------


def _from_schedule(schedule: YearSchedule) -> _Year:
    source = schedule.source
    if schedule.example:
        source = f"示例数据，非官方安排：{source}"
    return _Year(
        MappingProxyType(schedule.holiday_map()),
        MappingProxyType(schedule.makeup_map()),
        source,
        provisional=schedule.example,
    )


def countable_days() -> tuple[date, date]:
    """The first and last start day the calendar can count from: the package's first
    transcribed year to the last year the statutory rules cover."""
    return date(min(_library_years()), 1, 1), date(LAST_RULE_YEAR, 12, 31)


@cache
def _library_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays)


def _library_name(value: str) -> str:
    try:
        return str(chinese_calendar.Holiday(value).chinese)
    except ValueError:
        return value


@cache
def _library_year(year: int) -> _Year:
    def pick(table: Mapping[date, str]) -> MappingProxyType[date, str]:
        return MappingProxyType({d: _library_name(v) for d, v in table.items() if d.year == year})

    notice = KNOWN_NOTICES.get(year, f"国务院办公厅关于{year}年部分节假日安排的通知")
    source = f"{notice}（系统内置的节假日安排）"
    return _Year(pick(chinese_calendar.holidays), pick(chinese_calendar.workdays), source, False)


@cache
def _rules_year(year: int, rest_days: RestDays) -> _Year:
    if rest_days is RestDays.CUSTOMARY:
        source = f"尚无官方放假安排，按{RULES_BASIS}推算，并计入近年放假通知惯例的延长假期和调休"
        return _Year(customary_rest_days(year), MappingProxyType({}), source, provisional=True)
    source = f"尚无官方放假安排，按{RULES_BASIS}推算（法定节日、补假和周末，未计调休）"
    return _Year(law_rest_days(year), MappingProxyType({}), source, provisional=True)


@cache
def default_calendar() -> WorkingCalendar:
    """The calendar with the chinesecalendar data only (no loaded schedules)."""
    return WorkingCalendar()


# ---- fixed dates and deadline instants -----------------------------------------------


def fixed_date_in_year(year: int, month: int, day: int) -> Due:
    """A fixed yearly date such as "每年1月31日前": due by the END of that day.

    The date is not moved when it falls on a weekend or holiday (no rule says so);
    not provisional, since no holiday data is needed.
    """
    try:
        due = date(year, month, day)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"日期 {year}-{month}-{day} 不存在") from exc
    return Due(due, False, f"固定日期：{_cn(due)}（截至当日24时，不因节假日顺延）")


def deadline_start(due: Due | date) -> datetime:
    """The first instant of the due day: 00:00 Asia/Shanghai."""
    day = due.date if isinstance(due, Due) else due
    _require_date(day, "due")
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def deadline_end(due: Due | date) -> datetime:
    """The instant the limit has passed: 24:00 of the due day, i.e. 00:00 Asia/Shanghai of
    the NEXT day, as an EXCLUSIVE bound (民法典 第二百零三条 第二款: 截止时间为二十四时).

    Something done at `t` is on time iff `t < deadline_end(due)`.
    """
    day = due.date if isinstance(due, Due) else due
    _require_date(day, "due")
    return datetime.combine(day + ONE_DAY, time.min, tzinfo=SHANGHAI)


def is_overdue(due: Due | date, at: datetime) -> bool:
    """True when instant `at` (timezone-aware) is at or after the end of the due day."""
    return _aware(at) >= deadline_end(due)


def deadline_status(due: Due | date, at: datetime) -> DeadlineState:
    """OPEN before the due day, DUE_TODAY during it, OVERDUE from its end on."""
    at = _aware(at)
    if at >= deadline_end(due):
        return DeadlineState.OVERDUE
    if at >= deadline_start(due):
        return DeadlineState.DUE_TODAY
    return DeadlineState.OPEN


# ---- limits counted in hours --------------------------------------------------------


def add_hours(start: datetime, n: int) -> DueInstant:
    """The instant `n` hours after `start` ("在二十四小时内"): 23:30 + 24 hours is 23:30 of
    the next day. Hours are not moved for rest days (no rule says so)."""
    begin = _aware(start).astimezone(SHANGHAI)
    _require_positive(n)
    end = begin + timedelta(hours=n)
    return DueInstant(end, f"自{_cn_at(begin)}起{n}小时，至{_cn_at(end)}止；不因节假日顺延")


def hours_before(event: datetime, n: int) -> DueInstant:
    """The latest instant an act (a notice) may be done `n` hours before `event`
    ("提前二十四小时通知"): done at or before it, the full `n` hours lie before the event."""
    at = _aware(event).astimezone(SHANGHAI)
    _require_positive(n)
    latest = at - timedelta(hours=n)
    return DueInstant(latest, f"事件时间{_cn_at(at)}；须提前{n}小时，即最迟于{_cn_at(latest)}完成")


# ---- helpers -----------------------------------------------------------------------


def _require_date(value: object, name: str) -> None:
    # datetime is a subclass of date: refuse it so no time of day leaks in.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date (not {type(value).__name__})")


def _require_positive(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"period length must be a positive integer, got {n!r}")


def _aware(at: datetime) -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be a timezone-aware datetime")
    return at


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _shift_months(start: date, months: int) -> date:
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return (first_of_next - ONE_DAY).day


def _cn_at(at: datetime) -> str:
    return f"{_cn(at.date())}{at.hour}时{at.minute:02d}分"


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（{weekday_name(day)}）"

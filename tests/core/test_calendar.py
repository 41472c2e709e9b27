"""The working-day calendar (invariant 3): official schedules, statutory rules, 民法典 periods.

Official schedules used as fixtures, transcribed from the notices' text:
- 2025: 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）
- 2026: 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）
Statutory days: 《全国年节及纪念日放假办法》第二条，国务院令第795号修订，2025年1月1日起施行.
Periods: 《民法典》第二百零一条、第二百零二条、第二百零三条.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.core.calendar import (
    SHANGHAI,
    CalendarRangeError,
    DayKind,
    DeadlineState,
    ScheduleError,
    WorkingCalendar,
    YearSchedule,
    deadline_end,
    deadline_start,
    deadline_status,
    default_calendar,
    fixed_date_in_year,
    is_overdue,
    parse_schedule_file,
    schedule_from_dict,
    schedule_to_dict,
)
from zhifa.core.calendar_rules import (
    dragon_boat_day,
    law_rest_days,
    lunar_new_year,
    lunar_new_years_eve,
    make_up_days,
    mid_autumn_day,
    qingming_day,
    statutory_holidays,
)

EXAMPLE_FILE = (
    Path(__file__).resolve().parents[2] / "src/zhifa/core/data/schedule-example-2027.json"
)

CAL = default_calendar()


def span(first: date, last: date, name: str) -> list[dict[str, str]]:
    days, day = [], first
    while day <= last:
        days.append({"date": day.isoformat(), "name": name})
        day += timedelta(days=1)
    return days


def schedule_json(year: int, source: str, periods: list, makeups: list, **extra: Any) -> dict:
    holidays = [d for first, last, name in periods for d in span(first, last, name)]
    return {
        "format": "zhifa-holiday-schedule/1",
        "year": year,
        "source": source,
        "holidays": holidays,
        "makeup_workdays": [{"date": d.isoformat(), "name": n} for d, n in makeups],
        **extra,
    }


# 国办发明电〔2024〕12号, items 一–六.
NOTICE_2025 = schedule_json(
    2025,
    "国办发明电〔2024〕12号",
    [
        (date(2025, 1, 1), date(2025, 1, 1), "元旦"),  # 1月1日（周三）放假1天，不调休
        (date(2025, 1, 28), date(2025, 2, 4), "春节"),  # 1月28日（农历除夕）至2月4日
        (date(2025, 4, 4), date(2025, 4, 6), "清明节"),
        (date(2025, 5, 1), date(2025, 5, 5), "劳动节"),
        (date(2025, 5, 31), date(2025, 6, 2), "端午节"),
        (date(2025, 10, 1), date(2025, 10, 8), "国庆节、中秋节"),
    ],
    [
        (date(2025, 1, 26), "春节"),  # 周日上班
        (date(2025, 2, 8), "春节"),  # 周六上班
        (date(2025, 4, 27), "劳动节"),  # 周日上班
        (date(2025, 9, 28), "国庆节、中秋节"),  # 周日上班
        (date(2025, 10, 11), "国庆节、中秋节"),  # 周六上班
    ],
)

# 国办发明电〔2025〕7号, items 一–七.
NOTICE_2026 = schedule_json(
    2026,
    "国办发明电〔2025〕7号",
    [
        (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
        (date(2026, 2, 15), date(2026, 2, 23), "春节"),  # 腊月二十八至正月初七
        (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
        (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
        (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
        (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
        (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
    ],
    [
        (date(2026, 1, 4), "元旦"),  # 周日上班
        (date(2026, 2, 14), "春节"),  # 周六上班
        (date(2026, 2, 28), "春节"),  # 周六上班
        (date(2026, 5, 9), "劳动节"),  # 周六上班
        (date(2026, 9, 20), "国庆节"),  # 周日上班
        (date(2026, 10, 10), "国庆节"),  # 周六上班
    ],
)

# An invented, official-looking 2027 schedule (differs from the statutory-rules guess).
FAKE_2027 = schedule_json(
    2027,
    "测试用：国办发明电〔2026〕X号",
    [
        (date(2027, 1, 1), date(2027, 1, 3), "元旦"),
        (date(2027, 2, 5), date(2027, 2, 12), "春节"),
        (date(2027, 4, 3), date(2027, 4, 5), "清明节"),
        (date(2027, 5, 1), date(2027, 5, 5), "劳动节"),
        (date(2027, 6, 9), date(2027, 6, 9), "端午节"),
        (date(2027, 9, 15), date(2027, 9, 15), "中秋节"),
        (date(2027, 10, 1), date(2027, 10, 7), "国庆节"),
    ],
    [(date(2027, 2, 20), "春节"), (date(2027, 9, 26), "国庆节"), (date(2027, 10, 9), "国庆节")],
)


def write(tmp_path: Path, data: Any, name: str = "schedule.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def load(tmp_path: Path, data: dict) -> YearSchedule:
    return parse_schedule_file(write(tmp_path, data, f"{data['year']}.json"))


@pytest.fixture
def notice_calendar(tmp_path: Path) -> WorkingCalendar:
    """Only the notice texts, no chinesecalendar data."""
    schedules = [load(tmp_path, NOTICE_2025), load(tmp_path, NOTICE_2026)]
    return WorkingCalendar(schedules, use_library=False)


def every_day(year: int) -> list[date]:
    return [date(year, 1, 1) + timedelta(days=i) for i in range(365 + (year % 4 == 0))]


# ---- the official schedules: library == notice text ----------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_library_agrees_with_notice_text_every_day(year, notice_calendar):
    for day in every_day(year):
        ours, lib = notice_calendar.day_status(day), CAL.day_status(day)
        assert (ours.kind, ours.working) == (lib.kind, lib.working), day
        assert not ours.provisional and not lib.provisional


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2025, 1, 26), DayKind.MAKEUP_WORKDAY),  # Sunday
        (date(2025, 1, 28), DayKind.HOLIDAY),  # 除夕
        (date(2025, 2, 4), DayKind.HOLIDAY),
        (date(2025, 2, 5), DayKind.WORKDAY),
        (date(2025, 2, 8), DayKind.MAKEUP_WORKDAY),  # Saturday
        (date(2025, 4, 27), DayKind.MAKEUP_WORKDAY),
        (date(2025, 5, 5), DayKind.HOLIDAY),  # Monday
        (date(2025, 9, 28), DayKind.MAKEUP_WORKDAY),
        (date(2025, 10, 8), DayKind.HOLIDAY),  # Wednesday
        (date(2025, 10, 11), DayKind.MAKEUP_WORKDAY),
        (date(2026, 1, 4), DayKind.MAKEUP_WORKDAY),
        (date(2026, 2, 14), DayKind.MAKEUP_WORKDAY),
        (date(2026, 2, 15), DayKind.HOLIDAY),
        (date(2026, 2, 23), DayKind.HOLIDAY),  # Monday, 正月初七
        (date(2026, 2, 28), DayKind.MAKEUP_WORKDAY),
        (date(2026, 5, 9), DayKind.MAKEUP_WORKDAY),
        (date(2026, 9, 20), DayKind.MAKEUP_WORKDAY),
        (date(2026, 10, 7), DayKind.HOLIDAY),
        (date(2026, 10, 10), DayKind.MAKEUP_WORKDAY),
        (date(2026, 10, 11), DayKind.WEEKEND),
    ],
)
def test_notable_days(day, kind):
    status = CAL.day_status(day)
    assert status.kind == kind
    assert status.working == (kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY))
    assert CAL.is_working_day(day) == status.working
    assert not status.provisional


def test_day_status_names_the_source():
    status = CAL.day_status(date(2025, 1, 29))
    assert status.name == "春节"
    assert "国办发明电〔2024〕12号" in status.source
    assert "国办发明电〔2025〕7号" in CAL.day_status(date(2026, 2, 16)).source


# ---- working days -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2025, 3, 3), 7, date(2025, 3, 12)),  # an ordinary fortnight
        (date(2025, 1, 24), 7, date(2025, 2, 10)),  # across 春节 2025 and both make-up days
        (date(2025, 1, 25), 1, date(2025, 1, 26)),  # lands on the make-up Sunday
        (date(2025, 2, 3), 4, date(2025, 2, 8)),  # starts on a holiday, lands on make-up Sat
        (date(2025, 4, 25), 1, date(2025, 4, 27)),  # 劳动节 make-up Sunday
        (date(2025, 4, 30), 1, date(2025, 5, 6)),  # across 劳动节 5/1–5/5
        (date(2025, 9, 26), 7, date(2025, 10, 13)),  # across 国庆+中秋 2025
        (date(2025, 3, 8), 1, date(2025, 3, 10)),  # starts on a Saturday
        (date(2026, 2, 9), 20, date(2026, 3, 13)),  # 20 days across 春节 2026
        (date(2026, 2, 13), 7, date(2026, 3, 2)),  # 2/14 Sat, 2/24–27, 2/28 Sat, 3/2
        (date(2026, 2, 20), 7, date(2026, 3, 3)),  # starts inside 春节 2026
        (date(2026, 9, 18), 7, date(2026, 9, 29)),  # 9/20 make-up Sunday, then 中秋
        (date(2026, 9, 29), 7, date(2026, 10, 14)),  # across 国庆 2026 with 10/10 make-up
        (date(2026, 10, 1), 7, date(2026, 10, 15)),  # starts on 国庆节
        (date(2026, 9, 30), 20, date(2026, 11, 3)),
    ],
)
def test_add_working_days(start, n, due):
    result = CAL.add_working_days(start, n)
    assert not result.provisional and result.provisional_years == ()
    assert result.date == due
    assert CAL.working_days_between(start, due).count == n
    assert "当日不计入" in result.basis


def test_start_day_is_never_counted_even_if_working():
    assert CAL.add_working_days(date(2025, 3, 3), 1).date == date(2025, 3, 4)


def test_working_days_between_half_open():
    # (2025-01-24, 2025-02-10]: 1/26, 1/27, 2/5, 2/6, 2/7, 2/8, 2/10
    assert CAL.working_days_between(date(2025, 1, 24), date(2025, 2, 10)).count == 7
    assert CAL.working_days_between(date(2025, 2, 10), date(2025, 2, 10)).count == 0


# ---- calendar days, months, years (民法典 第二百零一～二百零三条) ----------------------


@pytest.mark.parametrize(
    ("start", "n", "plain", "extended"),
    [
        (date(2025, 9, 20), 11, date(2025, 10, 1), date(2025, 10, 9)),  # ends on 国庆
        (date(2025, 3, 1), 7, date(2025, 3, 8), date(2025, 3, 10)),  # ends on a Saturday
        (date(2025, 2, 1), 7, date(2025, 2, 8), date(2025, 2, 8)),  # make-up Sat: a workday
        (date(2026, 2, 8), 8, date(2026, 2, 16), date(2026, 2, 24)),  # ends inside 春节
        (date(2025, 3, 3), 10, date(2025, 3, 13), date(2025, 3, 13)),  # a Thursday
        (date(2025, 12, 31), 1, date(2026, 1, 1), date(2026, 1, 4)),  # 元旦; 1/4 make-up Sun
    ],
)
def test_add_calendar_days(start, n, plain, extended):
    assert CAL.add_calendar_days(start, n, extend_if_rest_day=False).date == plain
    due = CAL.add_calendar_days(start, n, extend_if_rest_day=True)
    assert due.date == extended
    assert not due.provisional
    if extended != plain:
        assert "第二百零三条" in due.basis


def test_extension_flag_is_required():
    with pytest.raises(TypeError):
        CAL.add_calendar_days(date(2025, 1, 1), 3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        CAL.add_months(date(2025, 1, 1), 3)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("start", "n", "plain", "extended"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28), date(2026, 2, 28)),  # clamp; 2/28 make-up Sat
        (date(2023, 8, 31), 6, date(2024, 2, 29), date(2024, 2, 29)),  # leap year, Thursday
        (date(2025, 7, 31), 6, date(2026, 1, 31), date(2026, 2, 2)),  # Jan 31 is a Saturday
        (date(2025, 3, 31), 1, date(2025, 4, 30), date(2025, 4, 30)),
        (date(2025, 4, 30), 5, date(2025, 9, 30), date(2025, 9, 30)),
        (date(2025, 5, 1), 5, date(2025, 10, 1), date(2025, 10, 9)),  # ends on 国庆
        (date(2025, 1, 31), 13, date(2026, 2, 28), date(2026, 2, 28)),
    ],
)
def test_add_months(start, n, plain, extended):
    assert CAL.add_months(start, n, extend_if_rest_day=False).date == plain
    assert CAL.add_months(start, n, extend_if_rest_day=True).date == extended


def test_add_years_clamps_leap_day():
    assert CAL.add_years(date(2024, 2, 29), 1, extend_if_rest_day=False).date == date(2025, 2, 28)
    assert CAL.add_years(date(2024, 2, 29), 4, extend_if_rest_day=False).date == date(2028, 2, 29)
    ten = CAL.add_years(date(2016, 3, 15), 10, extend_if_rest_day=False)
    assert ten.date == date(2026, 3, 15) and not ten.provisional


def test_minimum_duration_is_not_extended_nor_provisional():
    # "保存期不少于6个月" ending on 春节 2027 (provisional year): pure calendar arithmetic.
    due = CAL.add_months(date(2026, 8, 6), 6, extend_if_rest_day=False)
    assert due.date == date(2027, 2, 6)
    assert not due.provisional
    assert "不因节假日顺延" in due.basis


def test_extended_period_into_unscheduled_year_is_provisional():
    due = CAL.add_months(date(2026, 8, 6), 6, extend_if_rest_day=True)
    # 2/6 初一 (Sat), 2/7 Sun, 2/8 初三 (Mon) are rest days under the statutory rules,
    # 2/9 and 2/10 their 补假 (第六条): the first working day after is 2/11.
    assert due.date == date(2027, 2, 11)
    assert due.provisional and due.provisional_years == (2027,)


# ---- fixed dates and the end of a deadline ---------------------------------------------


def test_fixed_date_is_not_moved_off_a_weekend():
    due = fixed_date_in_year(2026, 1, 31)  # a Saturday
    assert due.date == date(2026, 1, 31)
    assert not due.provisional
    assert deadline_end(due) == datetime(2026, 2, 1, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="不存在"):
        fixed_date_in_year(2026, 2, 30)


def test_deadline_end_is_exclusive_midnight_shanghai():
    due = CAL.add_working_days(date(2025, 1, 24), 7)  # 2025-02-10
    end = deadline_end(due)
    assert end == datetime(2025, 2, 11, 0, 0, tzinfo=SHANGHAI)
    assert end.utcoffset() == timedelta(hours=8)
    assert due.ends_at == end
    assert deadline_start(due) == datetime(2025, 2, 10, tzinfo=SHANGHAI)
    assert deadline_end(date(2025, 2, 10)) == end


@pytest.mark.parametrize(
    ("at", "state"),
    [
        (datetime(2025, 2, 9, 23, 59, 59, tzinfo=SHANGHAI), DeadlineState.OPEN),
        (datetime(2025, 2, 10, 0, 0, tzinfo=SHANGHAI), DeadlineState.DUE_TODAY),
        (datetime(2025, 2, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI), DeadlineState.DUE_TODAY),
        (datetime(2025, 2, 11, 0, 0, tzinfo=SHANGHAI), DeadlineState.OVERDUE),
        (datetime(2025, 2, 10, 15, 59, 59, tzinfo=UTC), DeadlineState.DUE_TODAY),  # 23:59:59 +8
        (datetime(2025, 2, 10, 16, 0, tzinfo=UTC), DeadlineState.OVERDUE),  # 00:00 +8
    ],
)
def test_deadline_status_at_instants(at, state):
    due = date(2025, 2, 10)
    assert deadline_status(due, at) == state
    assert is_overdue(due, at) == (state == DeadlineState.OVERDUE)


def test_naive_instant_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        is_overdue(date(2025, 2, 10), datetime(2025, 2, 11))


# ---- inputs ----------------------------------------------------------------------


def test_dates_only_and_positive_lengths():
    with pytest.raises(TypeError):
        CAL.add_working_days(datetime(2025, 1, 1, tzinfo=SHANGHAI), 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CAL.is_working_day("2025-01-01")  # type: ignore[arg-type]
    for n in (0, -1, True, 1.5):
        with pytest.raises(ValueError):
            CAL.add_working_days(date(2025, 1, 1), n)  # type: ignore[arg-type]


# ---- statutory rules and lunar dates -------------------------------------------------


# year: 除夕, 正月初一, 清明, 端午, 中秋 (2025/2026 as named in the notices; 2027: 除夕 is 腊月廿九)
LUNAR_DATES = {
    2025: ("2025-01-28", "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"),
    2026: ("2026-02-16", "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"),
    2027: ("2027-02-05", "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"),
    2028: ("2028-01-25", "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"),
}


@pytest.mark.parametrize("year", sorted(LUNAR_DATES))
def test_lunar_and_solar_term_dates(year):
    functions = (lunar_new_years_eve, lunar_new_year, qingming_day, dragon_boat_day, mid_autumn_day)
    for function, expected in zip(functions, LUNAR_DATES[year], strict=True):
        assert function(year) == date.fromisoformat(expected), function.__name__


def test_qingming_agrees_with_chinesecalendar_formula():
    for year in range(2025, 2100):
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
        assert qingming_day(year) == next(d for d, name in terms if name == "清明"), year


@pytest.mark.parametrize("year", [2025, 2026])
def test_statutory_days_are_holidays_in_the_official_schedules(year):
    days = statutory_holidays(year)
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    for day in days:
        assert CAL.day_status(day).kind == DayKind.HOLIDAY, day


def test_mid_autumn_on_national_day_is_one_day_two_names():
    days = statutory_holidays(2031)  # 中秋 2031-10-01
    assert len(days) == 12
    assert days[date(2031, 10, 1)] == "中秋节、国庆节"  # in the order of 第二条


def test_unscheduled_year_uses_statutory_days_make_up_days_and_weekends_only():
    rules_only = WorkingCalendar(use_library=False)
    assert rules_only.day_status(date(2025, 1, 28)).kind == DayKind.HOLIDAY  # 除夕
    assert rules_only.day_status(date(2025, 2, 3)).working  # 正月初六: off only by 调休
    assert not rules_only.day_status(date(2025, 1, 26)).working  # no make-up Sunday
    assert rules_only.day_status(date(2025, 2, 3)).provisional
    for day in every_day(2027):
        status = CAL.day_status(day)
        assert status.provisional
        expected = day.weekday() < 5 and day not in law_rest_days(2027)
        assert status.working == expected, day
    assert set(law_rest_days(2027)) - set(statutory_holidays(2027)) == set(make_up_days(2027))


# ---- provisional results and recomputation ----------------------------------------------


def test_2027_is_provisional_and_stable():
    first = CAL.add_working_days(date(2027, 1, 29), 7)
    # 2/1–2/4, then 2/5 除夕, weekend, 2/8 初三, 2/9–2/10 补假, then 2/11, 2/12, 2/15
    assert first.date == date(2027, 2, 15)
    assert first.provisional and first.provisional_years == (2027,)
    assert "暂定" in first.basis
    assert CAL.add_working_days(date(2027, 1, 29), 7) == first
    assert 2027 not in CAL.official_years()


def test_crossing_into_2027_is_provisional():
    due = CAL.add_working_days(date(2026, 12, 25), 7)
    assert due.date == date(2027, 1, 6)
    assert due.provisional_years == (2027,)
    assert not CAL.add_working_days(date(2026, 12, 21), 7).provisional  # ends 2026-12-30


def test_loading_official_schedule_makes_results_final(tmp_path):
    start = date(2027, 1, 29)
    before = CAL.add_working_days(start, 7)
    calendar = WorkingCalendar([load(tmp_path, FAKE_2027)])
    after = calendar.add_working_days(start, 7)
    assert before.provisional and not after.provisional
    assert after.date == date(2027, 2, 17)  # 2/5–2/12 off, then the weekend
    assert after.date != before.date
    assert "测试用：国办发明电〔2026〕X号" in after.basis
    assert 2027 in calendar.official_years()
    # 2/20 (Saturday) is a make-up working day in that schedule
    assert calendar.add_working_days(date(2027, 2, 19), 1).date == date(2027, 2, 20)


def test_loaded_schedule_takes_precedence_over_library(tmp_path):
    data = json.loads(json.dumps(NOTICE_2026))
    data["holidays"].append({"date": "2026-03-02", "name": "测试"})
    calendar = WorkingCalendar([load(tmp_path, data)])
    assert not calendar.is_working_day(date(2026, 3, 2))
    assert CAL.is_working_day(date(2026, 3, 2))


def test_years_outside_any_source_raise_clear_error():
    with pytest.raises(CalendarRangeError, match="2100"):
        CAL.day_status(date(2100, 1, 4))
    with pytest.raises(CalendarRangeError, match="2003"):
        CAL.add_working_days(date(2003, 6, 1), 3)
    with pytest.raises(CalendarRangeError):
        WorkingCalendar(use_library=False).is_working_day(date(2024, 3, 1))


# ---- schedule files --------------------------------------------------------------------


def test_example_file_is_refused_unless_allowed():
    with pytest.raises(ScheduleError, match="示例文件"):
        parse_schedule_file(EXAMPLE_FILE)
    example = parse_schedule_file(EXAMPLE_FILE, allow_example=True)
    assert example.example and example.year == 2027
    calendar = WorkingCalendar([example])
    due = calendar.add_working_days(date(2027, 1, 29), 7)
    assert due.provisional  # example data never counts as official
    assert "示例数据" in due.basis
    assert 2027 not in calendar.official_years()


def test_schedule_round_trips_through_dict(tmp_path):
    schedule = load(tmp_path, NOTICE_2025)
    assert schedule_from_dict(schedule_to_dict(schedule)) == schedule
    assert schedule.source == "国办发明电〔2024〕12号"
    assert len(schedule.makeup_workdays) == 5


def test_duplicate_year_is_refused(tmp_path):
    schedule = load(tmp_path, NOTICE_2025)
    with pytest.raises(ScheduleError, match="重复"):
        WorkingCalendar([schedule, schedule])


def changed(path: str, value: Any) -> dict:
    """FAKE_2027 with one element replaced: path like 'holidays.3.date'."""
    data = json.loads(json.dumps(FAKE_2027))
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (changed("holidays.3.date", "2027-02-30"), "2027-02-30 不存在"),
        (changed("holidays.3.date", "2027/02/05"), "格式错误"),
        (changed("holidays.0.date", "2026-12-31"), "不在声明的年份 2027 年内"),
        (changed("makeup_workdays.0.date", "2027-02-08"), "既列为放假日又列为调休上班日"),
        (changed("makeup_workdays.0.date", "2027-02-17"), "是星期三，不是周六或周日"),
        (changed("holidays.4.date", "2027-02-13"), "法定节假日 2027-02-06（春节（正月初一））"),
        (changed("holidays.1.date", "2027-01-01"), "重复出现"),
        (changed("source", ""), "source（依据文号） 必须是非空字符串"),
        (changed("source", KeyError), "缺少字段 source"),
        (changed("workdays", []), "未知字段 workdays"),
        (changed("format", "v2"), "format 必须是"),
        (changed("year", "2027"), "year 必须是整数年份"),
        (changed("year", 2150), "超出支持范围"),
        (changed("holidays.2", {"date": "2027-01-03"}), "只含 date 和 name"),
        (changed("holidays", "2027-01-01"), "必须是列表"),
        (changed("example", "yes"), "example 必须是 true 或 false"),
        ([1, 2], "顶层必须是一个 JSON 对象"),
    ],
)
def test_invalid_schedule_files(tmp_path, data, message):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule_file(write(tmp_path, data))
    assert message in str(caught.value)
    assert caught.value.message.startswith("放假安排文件 schedule.json 有误：")


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(ScheduleError, match="无法读取"):
        parse_schedule_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"year": 2027,\n  oops}', encoding="utf-8")
    with pytest.raises(ScheduleError, match="不是有效的 JSON（第2行"):
        parse_schedule_file(bad)


def test_all_problems_are_reported_at_once(tmp_path):
    data = changed("makeup_workdays.0.date", "2027-02-17")
    data["holidays"][0]["date"] = "2026-12-31"
    with pytest.raises(ScheduleError) as caught:
        parse_schedule_file(write(tmp_path, data))
    assert len(caught.value.problems) == 3  # outside year, weekday make-up, 元旦 missing


# ---- properties ---------------------------------------------------------------------

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
lengths = st.integers(min_value=1, max_value=60)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=lengths)
def test_property_add_working_days(start, n):
    due = CAL.add_working_days(start, n)
    assert due.date > start
    assert CAL.is_working_day(due.date)
    assert CAL.working_days_between(start, due.date).count == n
    assert CAL.working_days_between(start, due.date - timedelta(days=1)).count == n - 1
    examined_years = set(range((start + timedelta(days=1)).year, due.date.year + 1))
    assert set(due.provisional_years) == examined_years - CAL.official_years()
    assert due.provisional == bool(due.provisional_years)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=lengths)
def test_property_monotonic_in_n(start, n):
    assert CAL.add_working_days(start, n + 1).date > CAL.add_working_days(start, n).date


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_property_calendar_day_extension(start, n):
    plain = CAL.add_calendar_days(start, n, extend_if_rest_day=False).date
    due = CAL.add_calendar_days(start, n, extend_if_rest_day=True).date
    assert plain == start + timedelta(days=n)
    assert due >= plain and CAL.is_working_day(due)
    day = plain
    while day < due:  # everything skipped is a rest day
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=120))
def test_property_months(start, n):
    end = CAL.add_months(start, n, extend_if_rest_day=False).date
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    assert end.day == start.day or (end.day < start.day and (end + timedelta(days=1)).day == 1)


NOTICES_ONLY = WorkingCalendar(
    [schedule_from_dict(NOTICE_2025), schedule_from_dict(NOTICE_2026)], use_library=False
)


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2024, 12, 31), max_value=date(2026, 10, 31)), n=lengths)
def test_property_notice_text_equals_library(start, n):
    ours, lib = NOTICES_ONLY.add_working_days(start, n), CAL.add_working_days(start, n)
    assert ours.date == lib.date and ours.provisional == lib.provisional

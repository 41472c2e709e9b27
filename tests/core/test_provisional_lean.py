"""Provisional years follow the law and lean to the safe side (issue 14 point 4): 补假 of
《全国年节及纪念日放假办法》第六条 in the rules-based fallback; a party's period ends on the
latest plausible day, a bureau duty on the earliest; official years are unaffected."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from zhifa.core.calendar import DayKind, RestDays, default_calendar
from zhifa.core.calendar_custom import (
    BRIDGES,
    HISTORY,
    ONE_DAY_HOLIDAYS,
    customary_lengths,
    customary_rest_days,
)
from zhifa.core.calendar_rules import law_rest_days, make_up_days
from zhifa.core.time_limits import LIMITS, Direction, Lean, due, earliest_event, rest_days_for

CAL = default_calendar()
SPRING_2027 = date(2027, 2, 3)  # a Wednesday before 除夕 (2月5日)


def test_2027_fallback_has_the_six_make_up_days() -> None:
    assert set(make_up_days(2027)) == {
        date(2027, 2, 9),  # 初一/初二 on Sat/Sun, after 初三 (Mon 2月8日)
        date(2027, 2, 10),
        date(2027, 5, 3),  # 5月1日/2日 on Sat/Sun
        date(2027, 5, 4),
        date(2027, 10, 4),  # 10月2日/3日 on Sat/Sun
        date(2027, 10, 5),
    }
    status = CAL.day_status(date(2027, 2, 9))
    assert status.kind is DayKind.HOLIDAY and status.name == "春节补假" and status.provisional
    assert "第六条" in status.source
    # two holidays on one weekend day owe a day each (中秋 on 国庆 Sunday, 2039)
    assert {d for d in make_up_days(2039) if d.month == 10} == {
        date(2039, 10, 4),
        date(2039, 10, 5),
        date(2039, 10, 6),
    }


def test_a_party_period_across_2027_spring_festival_ends_on_the_latest_plausible_day() -> None:
    # 5 working days from 2月3日: law only -> 2/4, 2/11, 2/12, 2/15, 2/16; with the
    # customary 9-day break (2/5–2/13) -> 2/4, 2/15, 2/16, 2/17, 2/18.
    hearing = due(CAL, "penalty.hearing_request", SPRING_2027)
    assert hearing.date == date(2027, 2, 18) and hearing.provisional
    assert "当事人期限按最晚可能日计算" in hearing.basis and "暂定" in hearing.basis
    assert CAL.add_working_days(SPRING_2027, 5).date == date(2027, 2, 16)  # law only
    # 15 calendar days from 1月27日 end on 2月11日: a working day by law, a customary
    # rest day -> extended (民法典 第二百零三条) over 2/12 and the weekend to 2/15.
    fine = due(CAL, "penalty.fine_payment", date(2027, 1, 27))
    assert fine.date == date(2027, 2, 15)


def test_a_bureau_duty_across_2027_spring_festival_is_due_on_the_earliest_plausible_day() -> None:
    # 3 working days from 2月3日: law only -> 2/4, 2/11, 2/12 (customary: 2/16).
    withdrawal = due(CAL, "publicity.withdrawal_penalty", SPRING_2027)
    assert withdrawal.date == date(2027, 2, 12)
    assert "本局义务按最早可能日计算" in withdrawal.basis
    assert CAL.with_rest_days(RestDays.CUSTOMARY).add_working_days(SPRING_2027, 3).date == date(
        2027, 2, 16
    )
    # the notice before a hearing on 2月22日 (a bureau duty, counted backwards): the
    # earliest plausible day has the most rest days in between -> 2月2日 (law only: 2月10日)
    notice = due(CAL, "penalty.hearing_notice", date(2027, 2, 22))
    assert notice.date == date(2027, 2, 2)
    # and a hearing after a notice of 2月3日 is no earlier than the latest plausible day
    assert earliest_event(CAL, "penalty.hearing_notice", SPRING_2027).date == date(2027, 2, 23)


def test_every_row_leans_to_its_own_side() -> None:
    for row in LIMITS.values():
        forward = row.direction is Direction.AFTER
        early = (row.lean is Lean.EARLIEST) == forward
        assert rest_days_for(row) is (RestDays.LAW if early else RestDays.CUSTOMARY), row.code


def test_official_years_are_unaffected() -> None:
    customary = CAL.with_rest_days(RestDays.CUSTOMARY)
    for start in (date(2025, 1, 20), date(2026, 2, 10), date(2026, 9, 28)):
        assert customary.add_working_days(start, 5) == CAL.add_working_days(start, 5)
    hearing = due(CAL, "penalty.hearing_request", date(2026, 2, 10))
    assert not hearing.provisional and "暂定" not in hearing.basis


def test_the_customary_breaks_are_derived_from_the_notices_2015_2026() -> None:
    # 春节 9 days from 除夕 (2024), 劳动节 5 (2020–2026), 国庆节 8 (2017, 2020, 2025)
    assert dict(customary_lengths()) == {"春节": 9, "劳动节": 5, "国庆节": 8}
    latest = customary_rest_days(2027)
    assert set(law_rest_days(2027)) <= set(latest)
    spring = [date(2027, 2, 5) + timedelta(days=i) for i in range(9)]
    assert all(day in latest or day.weekday() >= 5 for day in spring)
    # every one-day holiday on a Tuesday/Thursday in 2015–2026 got its bridge day
    cases = 0
    for year in HISTORY:
        for when in ONE_DAY_HOLIDAYS.values():
            holiday = when(year)
            if holiday.weekday() in BRIDGES:
                bridge = holiday + timedelta(days=BRIDGES[holiday.weekday()])
                assert not chinese_calendar.is_workday(bridge), (year, holiday)
                cases += 1
    assert cases >= 10

"""The retention schedule's pure rules: which period wins, the 档号 codes of periods and
the dates the calendar computes from the event that starts a period."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.archive.retention.rules import (
    PERMANENT,
    Period,
    PeriodKind,
    RecordClass,
    ScheduleRow,
    StartEvent,
    case_class,
    longest,
    retention_dates,
    row_problem,
)
from zhifa.core.calendar import default_calendar

CALENDAR = default_calendar()


def _row(cls: RecordClass, period: Period, starts: StartEvent = StartEvent.closed_next_year):
    return ScheduleRow(cls, period, starts, "依据")


def test_the_longest_applicable_period_wins() -> None:
    rows = [
        _row(RecordClass.inspection, Period(PeriodKind.years, 10)),
        _row(RecordClass.compulsion, Period(PeriodKind.years, 30)),
        _row(RecordClass.media_unfiled, Period(PeriodKind.months, 6), StartEvent.recorded),
    ]
    assert longest(rows).record_class is RecordClass.compulsion
    assert longest([*rows, _row(RecordClass.other, PERMANENT)]).period is PERMANENT
    with pytest.raises(ValueError):
        longest([])


def test_periods_read_as_people_and_the_archival_code_write_them() -> None:
    assert [p.label for p in (PERMANENT, Period(PeriodKind.years, 30))] == ["永久", "30年"]
    assert [p.code for p in (PERMANENT, Period(PeriodKind.years, 10))] == ["Y", "D10"]
    assert Period(PeriodKind.months, 6).months == 6 and PERMANENT.months is None
    with pytest.raises(ValueError):
        Period(PeriodKind.years, 0)


def test_a_case_period_starts_on_1_january_after_it_closed() -> None:
    row = _row(RecordClass.penalty_summary, Period(PeriodKind.years, 30))
    dates = retention_dates(CALENDAR, row, date(2026, 5, 3))
    assert dates.starts_on == date(2027, 1, 1)
    assert dates.keep_until is not None and dates.keep_until.date == date(2056, 12, 31)
    assert "30年" in dates.keep_until.basis
    assert (
        retention_dates(CALENDAR, _row(RecordClass.other, PERMANENT), date(2026, 5, 3)).keep_until
        is None
    )


def test_unfiled_video_is_kept_six_months_from_the_day_it_was_recorded() -> None:
    row = _row(RecordClass.media_unfiled, Period(PeriodKind.months, 6), StartEvent.recorded)
    kept = retention_dates(CALENDAR, row, date(2026, 8, 31)).keep_until
    assert kept is not None and kept.date == date(2027, 2, 28)  # no 31 February: month end


def test_a_schedule_row_keeps_the_legal_minimums() -> None:
    short = _row(RecordClass.media_unfiled, Period(PeriodKind.months, 5), StartEvent.recorded)
    field, words = row_problem(short) or ("", "")
    assert field == "period_n" and "不得少于6个月" in words
    ledger = _row(RecordClass.ledger, Period(PeriodKind.years, 30))
    field, words = row_problem(ledger) or ("", "")
    assert field == "period_kind" and "只能永久保存" in words
    assert row_problem(_row(RecordClass.ledger, PERMANENT)) is None


def test_a_case_class_follows_kind_procedure_and_outcome() -> None:
    assert case_class("penalty", "penalty.general", True) is RecordClass.penalty_decided
    assert case_class("penalty", "penalty.general", False) is RecordClass.penalty_not_decided
    assert case_class("penalty", "penalty.summary", True) is RecordClass.penalty_summary
    assert case_class("inspection", "inspection.on_site", False) is RecordClass.inspection

"""Limits counted in hours (issue 14 point 8): 《行政强制法》第十九条 (report within 24 hours
after an on-the-spot measure) and 《安全生产法》第七十条第二款 (notify 24 hours before
cutting power) run from an instant to an instant, across midnight, month, year and
holidays alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from zhifa.core.calendar import SHANGHAI, add_hours, default_calendar, hours_before
from zhifa.core.time_limits import LIMITS, Direction, Lean, Unit, due, due_at


def test_report_within_24_hours_across_midnight_and_the_year() -> None:
    at = datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI)
    assert due_at("compulsion.on_site_report", at).at == datetime(
        2027, 1, 1, 23, 30, tzinfo=SHANGHAI
    )
    # a holiday does not move an hours limit (National Day)
    holiday = datetime(2026, 9, 30, 22, 0, tzinfo=SHANGHAI)
    assert due_at("compulsion.on_site_report", holiday).at == datetime(
        2026, 10, 1, 22, 0, tzinfo=SHANGHAI
    )


def test_an_instant_in_utc_is_read_in_beijing_time() -> None:
    # 2026-03-01 16:30 UTC is 2026-03-02 00:30 in Beijing
    found = due_at("compulsion.on_site_report", datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    assert found.at == datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI)
    assert "2026年3月3日" in found.basis and "0时30分" in found.basis


def test_power_cut_notice_24_hours_before_across_midnight() -> None:
    cut = datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI)
    latest = due_at("compulsion.power_cut_notice", cut).at
    assert latest == datetime(2026, 2, 28, 0, 30, tzinfo=SHANGHAI)
    assert hours_before(cut, 24).at == latest
    assert add_hours(latest, 24).at == cut


def test_rows_in_hours_are_what_the_articles_say() -> None:
    report, notice = LIMITS["compulsion.on_site_report"], LIMITS["compulsion.power_cut_notice"]
    assert (report.n, report.unit, report.direction) == (24, Unit.HOURS, Direction.AFTER)
    assert (notice.n, notice.unit, notice.direction) == (24, Unit.HOURS, Direction.BEFORE)
    assert "第十九条" in report.basis and "第七十条第二款" in notice.basis
    assert report.lean is Lean.EARLIEST and notice.lean is Lean.EARLIEST


def test_hours_and_days_are_not_mixed_up() -> None:
    with pytest.raises(ValueError, match="按小时"):
        due(default_calendar(), "compulsion.on_site_report", date(2026, 3, 1))
    with pytest.raises(ValueError, match="按日"):
        due_at("penalty.hearing_request", datetime(2026, 3, 1, tzinfo=SHANGHAI))
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at("compulsion.on_site_report", datetime(2026, 3, 1, 9, 0))
    with pytest.raises(TypeError):
        due_at("compulsion.on_site_report", date(2026, 3, 1))  # type: ignore[arg-type]


def test_new_rows_lean_and_count_as_the_law_says() -> None:
    supplement = LIMITS["license.supplement_notice"]
    assert (supplement.n, supplement.unit) == (5, Unit.WORKING_DAYS)
    assert "第三十二条第一款第四项" in supplement.basis and supplement.lean is Lean.EARLIEST
    litigation = LIMITS["penalty.litigation_period"]
    assert (litigation.n, litigation.unit, litigation.lean) == (6, Unit.MONTHS, Lean.LATEST)
    # 2026-03-02 (Mon) + 5 working days = 2026-03-09 (Mon)
    assert due(default_calendar(), "license.supplement_notice", date(2026, 3, 2)).date == date(
        2026, 3, 9
    )

"""The complaint limits of the rule table across the 2026 holidays, and the case's states.

Counted by hand against the 2026 schedule (国庆 10-01..10-07 off, Sat 10-10 worked). The
limits are calendar days ("十五日""六十日""三十日"), the trigger day not counted, the last
day moved to the next working day when it is a rest day (民法典 第二百零三条)."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.core.calendar import default_calendar
from zhifa.core.errors import Conflict
from zhifa.core.time_limits import LIMITS, Unit, due
from zhifa.supervision.complaints import rules
from zhifa.supervision.complaints.rules import ComplaintStatus, Tab

CAL = default_calendar()


@pytest.mark.parametrize(
    ("code", "start", "expected"),
    [
        # 09-20 + 15 = 10-05, inside 国庆: the notice is due on the first working day after
        ("complaint.acceptance_notice", date(2026, 9, 20), date(2026, 10, 8)),
        # 09-28 + 15 = 10-13, a Tuesday: not moved
        ("complaint.acceptance_notice", date(2026, 9, 28), date(2026, 10, 13)),
        # 08-04 + 60 = 10-03, inside 国庆: moved to 10-08
        ("complaint.handling", date(2026, 8, 4), date(2026, 10, 8)),
        # accepted 08-04: 60 days end 10-03 (moved to 10-08 for the 60-day limit only);
        # the 30 days follow 10-03, not 10-08: 08-04 + 90 = 11-02, a Monday
        ("complaint.handling_extended", date(2026, 8, 4), date(2026, 11, 2)),
        # 08-09 + 90 = 11-07, a Saturday: moved to Monday 11-09
        ("complaint.handling_extended", date(2026, 8, 9), date(2026, 11, 9)),
    ],
)
def test_complaint_limits_across_national_day(code: str, start: date, expected: date) -> None:
    result = due(CAL, code, start)
    assert result.date == expected
    assert not result.provisional
    assert "信访条例" in result.basis


def test_the_rows_are_calendar_days_with_their_basis() -> None:
    for code in (rules.ACCEPTANCE_LIMIT, rules.HANDLING_LIMIT, rules.EXTENSION_LIMIT):
        row = LIMITS[code]
        assert row.unit is Unit.CALENDAR_DAYS and row.extend_if_rest_day
        assert "《上海市信访条例》第三十" in row.basis and "《信访工作条例》第" in row.basis
        assert "未能核实《行政执法监督条例》" in row.note
    assert (LIMITS[rules.ACCEPTANCE_LIMIT].n, LIMITS[rules.HANDLING_LIMIT].n) == (15, 60)
    assert LIMITS[rules.EXTENSION_LIMIT].n == 60 + 30


def test_tabs_and_overdue() -> None:
    due_on, day = date(2026, 10, 8), date(2026, 10, 9)
    assert rules.tabs_of("received", due_on, due_on) == {Tab.waiting}
    assert rules.tabs_of("received", due_on, day) == {Tab.waiting, Tab.overdue}
    assert rules.tabs_of("signing", due_on, day) == {Tab.open, Tab.overdue}
    # answered or refused: never overdue, whatever the day
    assert rules.tabs_of("answered", due_on, day) == {Tab.answered}
    assert rules.tabs_of("rejected", due_on, day) == {Tab.answered}


@pytest.mark.parametrize(
    ("step", "status", "leads_to"),
    [
        ("accept", "received", ComplaintStatus.accepted),
        ("reject", "received", ComplaintStatus.rejected),
        ("propose", "accepted", ComplaintStatus.signing),
        ("sign", "signing", ComplaintStatus.answered),
        ("return", "signing", ComplaintStatus.accepted),
        ("findings", "accepted", None),
    ],
)
def test_allowed_steps(step: str, status: str, leads_to: ComplaintStatus | None) -> None:
    assert rules.check_step(step, status) == leads_to


@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("accept", "accepted"),
        ("reject", "answered"),
        ("sign", "accepted"),
        ("propose", "received"),
        ("findings", "answered"),
        ("link", "answered"),
        ("extend", "received"),
    ],
)
def test_refused_steps(step: str, status: str) -> None:
    with pytest.raises(Conflict):
        rules.check_step(step, status)


def test_receipt_format() -> None:
    assert rules.RECEIPT_RE.fullmatch("TS-2026-7K3M9QXA")
    assert not rules.RECEIPT_RE.fullmatch("TS-2026-7K3M9QXO")  # no O
    assert not rules.RECEIPT_RE.fullmatch("GZ-2026-7K3M9QXA")

"""Every publicity limit in the rule table, counted across the 2026 holidays and their
make-up working days (issue 6, point 10).

Expected days were counted by hand against 国办发明电〔2025〕7号 (the 2026 schedule):
国庆 10-01..10-07 off, Sat 10-10 a working day; 春节 02-15..02-23 off, Sat 02-14 and
Sat 02-28 working days. The trigger day is not counted (民法典 第二百零一条).

From Mon 2026-09-28: 1=09-29 2=09-30 3=10-08 4=10-09 5=10-10(Sat) 6=10-12 7=10-13
... 10=10-16 11..15=10-19..23 16..20=10-26..30.
From Wed 2026-02-11: 1=02-12 2=02-13 3=02-14(Sat) 4=02-24 5=02-25 6=02-26 7=02-27
8=02-28(Sat) 9..13=03-02..06 14..18=03-09..13 19=03-16 20=03-17.
"""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.core.calendar import default_calendar
from zhifa.core.time_limits import LIMITS, due

CAL = default_calendar()
NATIONAL_DAY_START = date(2026, 9, 28)
SPRING_FESTIVAL_START = date(2026, 2, 11)

# code -> (due from 2026-09-28, due from 2026-02-11)
EXPECTED: dict[str, tuple[date, date]] = {
    "publicity.penalty": (date(2026, 10, 13), date(2026, 2, 27)),
    "publicity.compulsion": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.license": (date(2026, 10, 13), date(2026, 2, 27)),
    "publicity.license_local": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.other_decision": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.random_inspection": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.update_law_change": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.update_organisation": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.update_certificate": (date(2026, 10, 30), date(2026, 3, 17)),
    "publicity.update_decision_changed": (date(2026, 10, 30), date(2026, 3, 17)),
    # 5 working days ends on the make-up Saturday in October
    "publicity.correction_request": (date(2026, 10, 10), date(2026, 2, 25)),
    "publicity.withdrawal": (date(2026, 10, 13), date(2026, 2, 27)),
    # 3 working days ends on the make-up Saturday before 春节
    "publicity.withdrawal_penalty": (date(2026, 10, 8), date(2026, 2, 14)),
    # a fixed day of the next year, never moved
    "publicity.yearly_figures": (date(2027, 1, 31), date(2027, 1, 31)),
    # Publication periods in months end on the corresponding day of the last month
    # (民法典 第二百零二条) and are never moved off a rest day, holidays or not.
    "publicity.period_minor_max": (date(2026, 12, 28), date(2026, 5, 11)),
    "publicity.period_general_min": (date(2026, 12, 28), date(2026, 5, 11)),
    "publicity.period_general_max": (date(2027, 9, 28), date(2027, 2, 11)),
    "publicity.period_serious_min": (date(2027, 9, 28), date(2027, 2, 11)),
    "publicity.period_serious_max": (date(2029, 9, 28), date(2029, 2, 11)),
    "publicity.period_compulsion": (date(2027, 9, 28), date(2027, 2, 11)),
}


def test_every_publicity_limit_has_a_hand_counted_case() -> None:
    publicity_codes = {code for code in LIMITS if code.startswith("publicity.")}
    assert publicity_codes == set(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_due_across_national_day_and_spring_festival(code: str) -> None:
    autumn, spring = EXPECTED[code]
    got_autumn = due(CAL, code, NATIONAL_DAY_START)
    got_spring = due(CAL, code, SPRING_FESTIVAL_START)
    assert (got_autumn.date, got_spring.date) == (autumn, spring)
    assert not got_autumn.provisional and not got_spring.provisional

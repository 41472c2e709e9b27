"""The rules-based fallback checked against an independent model of the same law: the
`holidays` package (PyPI, dev dependency only), whose China class models the statutory
days of 国务院令第795号 and the 补假 of 第六条 for years without a notice, and transcribes
the notices (with their 调休 rest days) for years that have one."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import holidays

from zhifa.core.calendar_rules import law_rest_days, make_up_days, statutory_holidays


def _package(year: int) -> dict[date, str]:
    return dict(holidays.China(years=year).items())


def test_2027_statutory_days_and_make_up_days_agree_with_the_package() -> None:
    package = _package(2027)
    observed = {d for d, name in package.items() if "(observed)" in name}
    assert observed == set(make_up_days(2027))
    assert set(package) - observed == set(statutory_holidays(2027))


def test_years_without_a_notice_agree_day_for_day_until_2088() -> None:
    # The lunar tables differ in 2089 (中秋 on 9月18日 there, 9月19日 in borax's table,
    # which the rules use): a far-future astronomical edge, not a difference of the law.
    for year in range(2027, 2089):
        assert set(_package(year)) == set(law_rest_days(year)), year


def test_past_years_package_notices_and_the_law_agree() -> None:
    # With a notice (2025, 2026) the package's rest days are the notice's: every one is a
    # rest day of the official schedule (chinesecalendar), and the law's days (statutory +
    # 补假) are among them; the rest are the notice's 调休 days the law does not give.
    for year in (2025, 2026):
        package = set(_package(year))
        assert all(not chinese_calendar.is_workday(d) for d in package)
        assert set(law_rest_days(year)) <= package
    extra_2026 = set(_package(2026)) - set(law_rest_days(2026))
    assert date(2026, 2, 23) in extra_2026  # 春节 break to 初七: 调休, not law

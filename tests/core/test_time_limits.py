"""The rule table of legal time limits (core.time_limits) on the official 2026 calendar.

2026 schedule (国办发明电〔2025〕7号, as transcribed by chinesecalendar and checked in
test_calendar): 春节 2月15日–23日 (make-up working days 2月14日、2月28日); 中秋 9月25日–27日;
国庆 10月1日–7日 (make-up working days 9月20日、10月10日).
"""

from __future__ import annotations

import ast
import re
from dataclasses import FrozenInstanceError, replace
from datetime import date, datetime
from pathlib import Path

import pytest

from zhifa.core.calendar import NamedDay, WorkingCalendar, YearSchedule, default_calendar
from zhifa.core.time_limits import (
    LIMITS,
    Area,
    Direction,
    TimeLimit,
    Unit,
    Verification,
    due,
    earliest_event,
    limit,
    limits_by_area,
    limits_table_markdown,
    publicity_limit,
    stricter_due,
    withdrawal_due,
    withdrawal_limit,
)

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/time-limits.md"
CAL = default_calendar()

# Codes other modules already reference: they must never disappear.
REQUIRED_CODES = {
    "penalty.decision_after_filing",
    "penalty.hearing_request",
    "penalty.hearing_notice",
    "penalty.service_of_decision",
    "penalty.evidence_preservation_decision",
    "compulsion.seizure_period",
    "compulsion.seizure_extension",
    "compulsion.handling_after_seizure",
    "inspection.reinspection",
    "license.decision",
    "license.decision_extension",
    "publicity.penalty",
    "publicity.compulsion",
    "publicity.license",
    "publicity.random_inspection",
    "publicity.update_law_change",
    "publicity.update_organisation",
    "publicity.update_certificate",
    "publicity.update_decision_changed",
    "publicity.correction_request",
    "publicity.withdrawal",
    "publicity.withdrawal_penalty",
    "publicity.yearly_figures",
    "recording.av_minimum_retention",
}

ARTICLE = re.compile(r"第[一二三四五六七八九十百零]+条")


# ---- the table itself ----------------------------------------------------------------


def test_every_required_code_exists() -> None:
    assert set(LIMITS) >= REQUIRED_CODES


@pytest.mark.parametrize("code", sorted(LIMITS))
def test_every_limit_is_complete_and_cites_an_article(code: str) -> None:
    row = limit(code)
    assert row.code == code
    assert ARTICLE.search(row.basis), row.basis
    assert row.title and row.counted_from and row.note and row.sources
    assert row.describe()
    if row.verification is Verification.UNVERIFIED:
        assert "未能核实" in row.note


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        LIMITS["x"] = LIMITS["license.decision"]  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        LIMITS["license.decision"].n = 1  # type: ignore[misc]


def test_unknown_code_gives_a_clear_error() -> None:
    with pytest.raises(KeyError, match=r"未知的时限代码.*penalty\.nope"):
        limit("penalty.nope")
    with pytest.raises(KeyError, match="未知的时限代码"):
        due(CAL, "penalty.nope", date(2026, 3, 2))


def test_prevails_over_points_at_existing_codes() -> None:
    for row in LIMITS.values():
        for other in row.prevails_over:
            assert other in LIMITS
            assert other != row.code


def test_limits_by_area_covers_every_code_once() -> None:
    groups = limits_by_area()
    codes = [row.code for rows in groups.values() for row in rows]
    assert sorted(codes) == sorted(LIMITS)
    assert all(row.area is area for area, rows in groups.items() for row in rows)
    assert limit("publicity.penalty") in groups[Area.PUBLICITY]


# ---- the legal counting rules the table encodes -----------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "penalty.hearing_request",
        "penalty.hearing_notice",
        "penalty.service_of_decision",
        "penalty.evidence_preservation_decision",
        "publicity.withdrawal_penalty",
    ],
)
def test_penalty_law_short_periods_are_working_days(code: str) -> None:
    # 行政处罚法 第八十五条: "二日""三日""五日""七日" are working days.
    row = limit(code)
    assert row.unit is Unit.WORKING_DAYS
    assert "第八十五条" in row.basis


def test_longer_penalty_and_compulsion_periods_are_calendar_days() -> None:
    # "九十日" (行政处罚法 第六十条) and "三十日" (行政强制法 第二十五条, > 十日 of 第六十九条).
    assert limit("penalty.decision_after_filing").unit is Unit.CALENDAR_DAYS
    assert limit("penalty.decision_after_filing").extend_if_rest_day
    assert limit("compulsion.seizure_period").unit is Unit.CALENDAR_DAYS


def test_licence_periods_are_working_days() -> None:
    # 行政许可法 第八十二条.
    for code in ("license.decision", "license.decision_extension", "license.certificate_issue"):
        assert limit(code).unit is Unit.WORKING_DAYS
        assert "第八十二条" in limit(code).basis


def test_minimum_retention_is_never_extended() -> None:
    row = limit("recording.av_minimum_retention")
    assert (row.n, row.unit, row.extend_if_rest_day) == (6, Unit.MONTHS, False)


def test_unverified_rows_are_marked() -> None:
    assert limit("inspection.reinspection").verification is Verification.UNVERIFIED
    # the 18th order of the Ministry could not be checked: the caveat is in the note
    assert "应急管理部令第18号" in limit("penalty.decision_after_filing").note
    assert "未能核实" in limit("penalty.decision_after_filing").note


# ---- rows say how sure they are (issue 14, point 7) ---------------------------------------


def test_no_row_claims_more_than_what_was_read_of_what_it_relies_on() -> None:
    from zhifa.core.time_limits import SOURCES, Reading, relied_on

    strength = {Verification.UNVERIFIED: 0, Verification.SECONDARY: 1, Verification.VERIFIED: 2}
    most = {Reading.NONE: 0, Reading.SECONDARY: 1, Reading.TEXT: 2}
    for row in LIMITS.values():
        relied = relied_on(row)
        assert relied, f"{row.code}: its basis cites no registered document"
        for source in relied:
            assert strength[row.verification] <= most[source.reading], (row.code, source.key)
            assert source.where in row.sources, (row.code, source.key)
    # the State Council's 118号 was never obtained: no row relying on it is VERIFIED
    assert SOURCES["guoban118"].reading is not Reading.TEXT
    for row in LIMITS.values():
        if "国办发〔2018〕118号" in row.basis:
            assert row.verification is not Verification.VERIFIED, row.code


def test_deciding_a_case_yields_to_the_ministrys_unread_order() -> None:
    from zhifa.core.time_limits import SOURCES, Reading, relied_on

    row = limit("penalty.decision_after_filing")
    order = SOURCES["chufa_banfa"]
    assert "应急管理部令第18号" in order.title
    assert order in relied_on(row) and "chufa_banfa" in row.yields_to
    if order.reading is not Reading.TEXT:
        assert row.verification is not Verification.VERIFIED
        assert "未能核实" in row.note and "30日" in row.note
    assert "检索" in order.where  # what was searched is said
    assert order.where in row.sources and order.where in limit("inspection.reinspection").sources


def test_licence_decision_names_the_regulations_that_set_their_own_period() -> None:
    from zhifa.core.time_limits import SOURCES, Reading

    row = limit("license.decision")
    assert set(row.yields_to) == {"yanhua", "weihua"}
    assert all(SOURCES[key].reading is Reading.TEXT for key in row.yields_to)
    assert "第十九条第二款" in row.note and "第三十五条第一款" in row.note


def test_publication_of_penalties_rests_on_texts_that_were_read() -> None:
    from zhifa.core.time_limits import Reading, relied_on

    for code in ("publicity.penalty", "publicity.compulsion"):
        row = limit(code)
        assert "国办发〔2018〕118号" not in row.basis
        assert row.verification is Verification.VERIFIED
        assert all(s.reading is Reading.TEXT for s in relied_on(row))
    assert "第七十八条第二款" in limit("publicity.penalty").basis
    licence = limit("publicity.license")
    assert "国办发〔2015〕51号" in licence.basis and licence.verification is Verification.SECONDARY


def _row(**changes: object) -> TimeLimit:
    # a VERIFIED row relying only on the bureau's measures, changed one field at a time
    return replace(limit("publicity.compulsion"), code="x.test", **changes)  # type: ignore[arg-type]


def test_check_refuses_a_row_claiming_more_than_was_read() -> None:
    from zhifa.core.time_limits import _check

    ok = _row()
    assert _check([ok])["x.test"] is ok
    citing_118 = _row(
        basis="国办发〔2018〕118号第（四）项；《上海市普陀区应急管理行政执法公示办法》第七条"
    )
    with pytest.raises(ValueError, match="guoban118"):
        _check([citing_118])
    with pytest.raises(ValueError, match="chufa_banfa"):
        _check([_row(yields_to=("chufa_banfa",))])
    with pytest.raises(ValueError, match="unknown source"):
        _check([_row(yields_to=("nope",))])
    with pytest.raises(ValueError, match="sources must say"):
        _check([_row(sources="读过")])
    with pytest.raises(ValueError, match="cites no document"):
        _check([_row(basis="某某规定第一条")])


# ---- 双随机 results have their limit (issue 14, point 5) -----------------------------------


def test_inspection_results_are_published_within_twenty_working_days() -> None:
    from zhifa.core.time_limits import Lean

    row = limit("publicity.random_inspection")
    assert (row.area, row.n, row.unit, row.lean) == (
        Area.PUBLICITY,
        20,
        Unit.WORKING_DAYS,
        Lean.EARLIEST,
    )
    assert "《中华人民共和国政府信息公开条例》第二十条第十三项、第二十六条" in row.basis
    assert row.verification is Verification.VERIFIED
    assert "形成" in row.counted_from
    assert publicity_limit("inspection") is row
    # formed on Mon 28 Sep 2026: 20 working days across 国庆 and the make-up Saturday
    assert due(CAL, "publicity.random_inspection", date(2026, 9, 28)).date == date(2026, 10, 30)
    # no row says the 双随机 results have no limit any more
    for other in LIMITS.values():
        assert not ("双随机" in other.note and "未设时限" in other.note), other.code


# ---- concrete due dates on the official 2026 calendar -----------------------------------


def test_penalty_publicity_crosses_mid_autumn_national_day_and_makeup_saturday() -> None:
    # Decision on 9月25日 (中秋, a holiday: not counted). Working days: 9/28, 9/29, 9/30,
    # (10/1–10/7 国庆), 10/8, 10/9, 10/10 (调休上班的星期六), 10/12 = the 7th.
    result = due(CAL, "publicity.penalty", date(2026, 9, 25))
    assert result.date == date(2026, 10, 12)
    assert not result.provisional
    assert "第七十八条" in result.basis and "第7个工作日" in result.basis
    assert "国办发明电〔2025〕7号" in result.basis


def test_penalty_withdrawal_is_three_working_days_over_a_weekend() -> None:
    # Revoked Thursday 11月26日: 11/27 (Fri), 11/30 (Mon), 12/1 (Tue). Not 3 calendar days
    # (which would end on Sunday 11/29 and move to 11/30): 第八十五条 makes them working days.
    result = due(CAL, "publicity.withdrawal_penalty", date(2026, 11, 26))
    assert result.date == date(2026, 12, 1)
    assert "第四十八条第二款" in result.basis


def test_licence_decision_crosses_spring_festival() -> None:
    # Accepted 2月10日. Working days: 2/11–2/13 (3), 2/14 Sat make-up (4), 春节 2/15–2/23,
    # 2/24–2/27 (8), 2/28 Sat make-up (9), 3/2–3/6 (14), 3/9–3/13 (19), 3/16 (20).
    result = due(CAL, "license.decision", date(2026, 2, 10))
    assert result.date == date(2026, 3, 16)
    extended = due(CAL, "license.decision_extension", result.date)
    assert extended.date == date(2026, 3, 30)
    assert extended.date == CAL.add_working_days(date(2026, 2, 10), 30).date


def test_yearly_figures_for_2026_are_due_on_31_january_2027_unmoved() -> None:
    for any_day in (date(2026, 1, 1), date(2026, 7, 15), date(2026, 12, 31)):
        result = due(CAL, "publicity.yearly_figures", any_day)
        assert result.date == date(2027, 1, 31)  # a Sunday: fixed dates are not moved
        assert not result.provisional
        assert "第七条第四款" in result.basis


def test_penalty_decision_ninety_days_moves_off_the_national_day_holiday() -> None:
    # Filed Sunday 7月5日: day 90 is 10月3日 (国庆) -> first working day after: 10月8日.
    result = due(CAL, "penalty.decision_after_filing", date(2026, 7, 5))
    assert result.date == date(2026, 10, 8)
    assert "第二百零三条" in result.basis and "第六十条" in result.basis


def test_seizure_period_is_not_extended_into_the_holiday() -> None:
    # Seized 9月1日: day 30 is 10月1日 (国庆). A coercive measure's maximum is not prolonged.
    period = due(CAL, "compulsion.seizure_period", date(2026, 9, 1))
    assert period.date == date(2026, 10, 1)
    extension = due(CAL, "compulsion.seizure_extension", period.date)
    assert extension.date == date(2026, 10, 31)
    assert due(CAL, "compulsion.handling_after_seizure", date(2026, 9, 1)).date == period.date


def test_evidence_preservation_decision_in_seven_working_days() -> None:
    # Preserved Friday 9月18日: 9/20 Sun is a make-up working day (1), 9/21–9/24 (5),
    # 中秋 9/25–9/27, 9/28 (6), 9/29 (7).
    assert due(CAL, "penalty.evidence_preservation_decision", date(2026, 9, 18)).date == date(
        2026, 9, 29
    )


def test_minimum_retention_six_months_to_the_month_end_unmoved() -> None:
    # 8月31日 + 6个月 = 2月28日 (民法典 第二百零二条), a Sunday, not moved.
    result = due(CAL, "recording.av_minimum_retention", date(2026, 8, 31))
    assert result.date == date(2027, 2, 28)
    assert not result.provisional
    assert "不因节假日顺延" in result.basis


def test_provisional_year_is_reported() -> None:
    # 2027 has no official schedule in chinesecalendar 1.11: the result says so.
    result = due(CAL, "publicity.penalty", date(2027, 3, 1))
    assert result.provisional and result.provisional_years == (2027,)
    assert "暂定" in result.basis


def test_a_loaded_official_schedule_is_used() -> None:
    # A (fictitious) extra holiday on 3月3日 2027 pushes the 7th working day by one.
    schedule = YearSchedule(
        year=2027,
        source="测试用安排",
        holidays=(NamedDay(date(2027, 3, 3), "测试假日"),),
        makeup_workdays=(),
    )
    calendar = WorkingCalendar([schedule])
    plain = due(CAL, "publicity.penalty", date(2027, 3, 1))
    loaded = due(calendar, "publicity.penalty", date(2027, 3, 1))
    assert CAL.is_working_day(date(2027, 3, 3))
    assert loaded.date > plain.date
    assert "测试用安排" in loaded.basis


# ---- the "at least 7 days before the hearing" limit ---------------------------------------


def test_hearing_notice_latest_day_before_a_hearing() -> None:
    # Hearing Monday 10月12日. The 7 working days before it: 10/10 (Sat make-up), 10/9, 10/8,
    # 9/30, 9/29, 9/28 and 9/24 (中秋 9/25–9/27). Notice by 9月23日 at the latest.
    row = limit("penalty.hearing_notice")
    assert row.direction is Direction.BEFORE
    result = due(CAL, "penalty.hearing_notice", date(2026, 10, 12))
    assert result.date == date(2026, 9, 23)
    # the window after the latest notice day ends before the hearing; a day later does not
    assert CAL.add_working_days(date(2026, 9, 23), 7).date < date(2026, 10, 12)
    assert CAL.add_working_days(date(2026, 9, 24), 7).date >= date(2026, 10, 12)
    assert "第六十四条第二项" in result.basis


def test_hearing_notice_round_trip_with_earliest_event() -> None:
    for hearing in (date(2026, 2, 25), date(2026, 5, 11), date(2026, 10, 12), date(2026, 12, 1)):
        latest = due(CAL, "penalty.hearing_notice", hearing).date
        assert earliest_event(CAL, "penalty.hearing_notice", latest).date <= hearing
        later = CAL.add_calendar_days(latest, 1, extend_if_rest_day=False).date
        assert earliest_event(CAL, "penalty.hearing_notice", later).date > hearing


def test_licence_hearing_notice_is_the_same_rule_in_working_days() -> None:
    # 行政许可法 第四十八条第一款第一项 with 第八十二条: same counting as the penalty hearing.
    for hearing in (date(2026, 3, 2), date(2026, 10, 12)):
        assert (
            due(CAL, "license.hearing_notice", hearing).date
            == due(CAL, "penalty.hearing_notice", hearing).date
        )
    assert limit("license.hearing_organise").unit is Unit.WORKING_DAYS


def test_earliest_event_only_for_before_limits() -> None:
    with pytest.raises(ValueError, match="不是"):
        earliest_event(CAL, "publicity.penalty", date(2026, 3, 2))


# ---- the stricter rule prevails ---------------------------------------------------------


def test_penalty_withdrawal_prefers_the_law_over_the_local_seven_days() -> None:
    assert withdrawal_limit("penalty").code == "publicity.withdrawal_penalty"
    assert withdrawal_limit("compulsion").code == "publicity.withdrawal"
    row, result = withdrawal_due(CAL, "penalty", date(2026, 11, 26))
    assert row.code == "publicity.withdrawal_penalty"
    assert result.date == date(2026, 12, 1)
    assert "另比较了：“撤下被撤销等的行政执法决定信息”（2026年12月7日）" in result.basis
    row, result = withdrawal_due(CAL, "license", date(2026, 11, 26))
    assert row.code == "publicity.withdrawal" and result.date == date(2026, 12, 7)
    assert "publicity.withdrawal" in limit("publicity.withdrawal_penalty").prevails_over


def test_licence_publicity_follows_the_stricter_national_rule() -> None:
    national, local = limit("publicity.license"), limit("publicity.license_local")
    assert (national.n, local.n) == (7, 20)
    assert local.code in national.prevails_over
    assert publicity_limit("license") is national
    row, result = stricter_due(
        CAL, ["publicity.license", "publicity.license_local"], date(2026, 2, 10)
    )
    assert row is national
    assert result.date == due(CAL, "publicity.license", date(2026, 2, 10)).date


def test_publicity_limit_per_action_kind() -> None:
    assert publicity_limit("penalty").code == "publicity.penalty"
    assert publicity_limit("compulsion").code == "publicity.compulsion"
    assert publicity_limit("levy").code == "publicity.other_decision"
    assert publicity_limit("inspection").code == "publicity.random_inspection"
    with pytest.raises(ValueError, match="未知的执法行为类别"):
        publicity_limit("parking")
    with pytest.raises(ValueError, match="未知的执法行为类别"):
        withdrawal_limit("parking")


def test_stricter_due_tie_keeps_the_first_code() -> None:
    row, _ = stricter_due(
        CAL, ["publicity.update_law_change", "publicity.update_certificate"], date(2026, 3, 2)
    )
    assert row.code == "publicity.update_law_change"
    with pytest.raises(ValueError):
        stricter_due(CAL, [], date(2026, 3, 2))


def test_due_refuses_datetimes() -> None:
    with pytest.raises(TypeError):
        due(CAL, "publicity.penalty", datetime(2026, 3, 2, 9, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        due(CAL, "publicity.yearly_figures", datetime(2026, 3, 2, 9, 0))  # type: ignore[arg-type]


def test_hours_unit_is_refused_by_due(monkeypatch: pytest.MonkeyPatch) -> None:
    row = TimeLimit(
        code="x.hours",
        area=Area.COMPULSION,
        title="测试",
        n=24,
        unit=Unit.HOURS,
        basis="第一条",
        counted_from="自…起",
        extend_if_rest_day=False,
        note="测试",
        verification=Verification.VERIFIED,
        sources="测试",
    )
    import zhifa.core.time_limits as module

    # a table with one hours-based row (the real table stays read-only and has none)
    monkeypatch.setattr(module, "LIMITS", {**LIMITS, "x.hours": row})
    with pytest.raises(ValueError, match="按小时"):
        module.due(CAL, "x.hours", date(2026, 3, 2))


# ---- publication periods (公示期限) -------------------------------------------------------

PERIOD_CODES = {
    "publicity.period_minor_max": 3,
    "publicity.period_general_min": 3,
    "publicity.period_general_max": 12,
    "publicity.period_serious_min": 12,
    "publicity.period_serious_max": 36,
    "publicity.period_compulsion": 12,
}


@pytest.mark.parametrize(("code", "months"), sorted(PERIOD_CODES.items()))
def test_publication_periods_are_rows_in_months_never_extended(code: str, months: int) -> None:
    row = limit(code)
    assert (row.n, row.unit, row.extend_if_rest_day) == (months, Unit.MONTHS, False)
    assert row.area is Area.PUBLICITY


def test_publication_period_bases_stay_as_honest_as_checked() -> None:
    for code in set(PERIOD_CODES) - {"publicity.period_compulsion"}:
        row = limit(code)
        # the articles of 《信用修复管理办法》 could not be checked: the row says so
        assert "《信用修复管理办法》" in row.basis and "条号未能核实" in row.basis
        assert row.verification is Verification.SECONDARY
    compulsion = limit("publicity.period_compulsion")
    assert compulsion.verification is Verification.UNVERIFIED
    assert "本局口径" in compulsion.basis and "未能核实" in compulsion.note


def test_period_rules_take_their_months_from_the_table() -> None:
    from zhifa.publicity import rules

    for rule in rules.PERIOD_RULES:
        if rule.max_code:
            assert rule.max_months == limit(rule.max_code).n
            assert rule.basis.startswith(limit(rule.max_code).basis)
        if rule.min_code:
            assert rule.min_months == limit(rule.min_code).n
    general = rules.period_rule("penalty", rules.Severity.general)
    day = date(2026, 9, 28)
    until = rules.public_until(CAL, general, day)
    assert until == due(CAL, "publicity.period_general_max", day)
    assert until is not None and until.date == date(2027, 9, 28)


# ---- invariant 3 and the documentation page ---------------------------------------------


def test_no_day_arithmetic_in_the_module() -> None:
    source = (ROOT / "src/zhifa/core/time_limits.py").read_text(encoding="utf-8")
    names = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
    attrs = {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)}
    assert "timedelta" not in names | attrs
    assert "toordinal" not in attrs and "fromordinal" not in attrs


def test_every_code_appears_in_the_documentation() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in LIMITS:
        assert f"`{code}`" in text, code


def test_documentation_table_is_the_generated_one() -> None:
    text = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN GENERATED TABLE -->\n", "<!-- END GENERATED TABLE -->"
    generated = text.split(begin, 1)[1].split(end, 1)[0]
    assert generated.strip() == limits_table_markdown().strip(), (
        "docs/time-limits.md is stale: regenerate the table with `python -m zhifa.core.time_limits`"
    )


# ---- invariant 3 across the whole source tree --------------------------------------------

# Files that ARE the one table and the one calendar: day arithmetic is their job.
TABLE_AND_CALENDAR = {
    "core/time_limits.py": "the rule table",
    "core/calendar.py": "the working-day calendar",
    "core/calendar_rules.py": "the calendar's holiday rules (春节 from the lunar new year)",
    "core/calendar_custom.py": "the calendar's customary breaks (provisional years, latest side)",
}
# A duration that is not a legal limit (a session, an upload's expiry, a rate window, a
# retry, a cache) is allowed where a comment on its line, or on the line above, says so:
#     # not a legal limit: <why>
MARKER = re.compile(r"#\s*not a legal limit:\s*\S.{3,}")
# Units a legal limit is written in (日、周、月、年、小时); "per_day" is a rate, not a length.
UNIT_NAME = re.compile(r"(?<!per)(?:^|_)(?:days|weeks|months|years|hours)(?:$|_)", re.I)
CALENDAR_STEPS = {"add_months", "add_calendar_days", "add_working_days"}
LEGAL_UNITS = {"days", "weeks", "hours", "months", "years"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _length(node: ast.AST) -> bool:
    # a literal that can be a length: 0 and 1 are bounds and steps, not durations
    return (
        isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value >= 2  # type: ignore[operator]
    )


def _lengths_in(node: ast.AST, what: str) -> list[tuple[ast.AST, str]]:
    return [(n, f"{what} = {n.value}") for n in ast.walk(node) if _length(n)]  # type: ignore[attr-defined]


def _durations_in_call(node: ast.Call) -> list[tuple[ast.AST, str]]:
    found: list[tuple[ast.AST, str]] = []
    fn = _name(node.func)
    units = {k.arg for k in node.keywords}
    if fn in ("timedelta", "relativedelta") and (
        units & LEGAL_UNITS or None in units or any(not _zero(a) for a in node.args)
    ):
        found.append((node, f"{fn}(…)"))
    elif fn in CALENDAR_STEPS:
        found.append((node, f"calendar.{fn}(…) outside the table"))
    elif fn == "fromordinal":
        found.append((node, "day arithmetic (fromordinal)"))
    elif fn == "TimeLimit":
        found.append((node, "a TimeLimit row outside the table"))
    for k in node.keywords:
        if k.arg and UNIT_NAME.search(k.arg):
            found += _lengths_in(k.value, k.arg)
    # a form field or setting named in a unit, e.g. FieldSpec("period_days", maximum=30)
    named = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if any(UNIT_NAME.search(n) for n in named):
        for k in node.keywords:
            found += _lengths_in(k.value, f"{named[0]}: {k.arg}")
    return found


def _zero(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0


def legal_duration_findings(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Places that write a duration: timedelta/relativedelta in the units of the law,
    calendar steps, day arithmetic, TimeLimit rows, and literal lengths bound to names in
    such units (`RETENTION_DAYS = 180`, `hours=24`, `x.days > 30`)."""
    found: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += _durations_in_call(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(UNIT_NAME.search(_name(t)) for t in targets):
                found += _lengths_in(node.value, _name(targets[0]))
        elif isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            if any(_name(p) == "days" for p in parts) and any(_length(p) for p in parts):
                found.append((node, "a number of days compared"))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if any(m.split(".")[0] == "dateutil" for m in modules):
                found.append((node, "dateutil (relativedelta)"))
    return found


def unmarked_durations(source: str) -> list[str]:
    lines = source.splitlines()
    problems = []
    for node, what in legal_duration_findings(ast.parse(source)):
        first, last = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        above = lines[first - 2].strip() if first >= 2 else ""
        near = lines[first - 1 : last] + ([above] if above.startswith("#") else [])
        if not any(MARKER.search(line) for line in near):
            problems.append(f"{first}: {what}: {lines[first - 1].strip()}")
    return problems


def test_no_legal_duration_is_written_outside_the_table() -> None:
    """Invariant 3 for the whole tree: a legal limit is a row of the table, computed by
    the calendar; any other duration says why it is not a legal limit."""
    src = ROOT / "src/zhifa"
    problems = []
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        if rel not in TABLE_AND_CALENDAR:
            problems += [f"{rel}:{p}" for p in unmarked_durations(path.read_text("utf-8"))]
    assert not problems, (
        "durations outside core/time_limits.py: make a legal limit a row of the table and "
        "use due(); mark anything else `# not a legal limit: <why>`\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "line",
    [
        "x = today() + timedelta(days=15)",
        "x = timedelta(3)",
        "x = datetime.timedelta(hours=24)",
        "from dateutil.relativedelta import relativedelta",
        "x = cal.add_months(d, 12, extend_if_rest_day=False)",
        "x = cal.add_working_days(d, n)",
        "x = date.fromordinal(d.toordinal() + 7)",
        "SEIZURE_DAYS = 30",
        "keep_months: int = Field(default=6)",
        'f = FieldSpec("period_days", "期限（日）", maximum=30, default=30)',
        "f = Field(retention_days=3650)",
        "late = (today - decided).days > 7",
        'r = TimeLimit(code="x", n=5)',
    ],
)
def test_the_tree_check_finds_a_written_duration(line: str) -> None:
    assert unmarked_durations(line), line
    assert not unmarked_durations(line + "  # not a legal limit: a test of the marker")
    assert not unmarked_durations("# not a legal limit: a test of the marker\n" + line)
    # a marker needs a reason
    assert unmarked_durations(line + "  # not a legal limit:")


@pytest.mark.parametrize(
    "line",
    [
        "x = timedelta(0)",
        "x = timedelta(minutes=10)",
        "end = start + timedelta(milliseconds=duration_ms)",
        "requests_per_hour = 5",
        "FIRST_YEAR = 2000",
        "n = (end - start).days",
        "row = due(calendar, 'publicity.penalty', day)",
    ],
)
def test_the_tree_check_lets_other_code_pass(line: str) -> None:
    assert not unmarked_durations(line), line

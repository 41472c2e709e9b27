"""Pure rules of 事后公示: due days across the 2026 holidays for each publicity limit,
board states, the period table, and the desensitised snapshot."""

from __future__ import annotations

import re
from datetime import date

import pytest

from zhifa.core.calendar import default_calendar
from zhifa.core.time_limits import limit
from zhifa.publicity import rules, snapshots
from zhifa.publicity.service import obligation_due

CAL = default_calendar()


# Checked by hand against the State Council's 2026 schedule (国办发明电〔2025〕7号 as loaded
# in core/data): 国庆 10-01..10-07 off, 10-10 (Sat) a make-up working day; 春节 02-15..02-23
# off, 02-14 (Sat) and 02-28 (Sat) make-up working days.
@pytest.mark.parametrize(
    ("kind", "decided", "due", "code"),
    [
        # 9-29 1, 9-30 2, [10-01..07 off], 10-08 3, 10-09 4, 10-10 (make-up Sat) 5,
        # 10-12 6, 10-13 7
        ("penalty", date(2026, 9, 28), date(2026, 10, 13), "publicity.penalty"),
        # the licence's national 7 days prevail over the bureau's 20
        ("license", date(2026, 9, 28), date(2026, 10, 13), "publicity.license"),
        # ... 10-10 5, 10-12..16 6-10, 10-19..23 11-15, 10-26..30 16-20
        ("compulsion", date(2026, 9, 28), date(2026, 10, 30), "publicity.compulsion"),
        # 2-12 1, 2-13 2, 2-14 (make-up Sat) 3, [2-15..23 off], 2-24 4, 2-25 5, 2-26 6, 2-27 7
        ("penalty", date(2026, 2, 11), date(2026, 2, 27), "publicity.penalty"),
        # ... 2-27 7, 2-28 (make-up Sat) 8, 3-02..06 9-13, 3-09..13 14-18, 3-16 19, 3-17 20
        ("compulsion", date(2026, 2, 11), date(2026, 3, 17), "publicity.compulsion"),
    ],
)
def test_due_days_across_holidays_and_makeup_days(
    kind: str, decided: date, due: date, code: str
) -> None:
    got_code, got_due, provisional, basis = obligation_due(CAL, kind, decided)
    assert (got_code, got_due, provisional) == (code, due, False)
    assert "第" in basis and "条" in basis


def test_license_compares_national_and_local_rule() -> None:
    assert rules.limit_codes("license") == ("publicity.license", "publicity.license_local")
    _, _, _, basis = obligation_due(CAL, "license", date(2026, 9, 28))
    # the compared, displaced rule is named, in words
    assert f"另比较了：“{limit('publicity.license_local').title}”" in basis
    assert "publicity." not in basis


def test_board_states() -> None:
    due = date(2026, 10, 13)  # Tuesday
    state = rules.board_state
    assert state(CAL, due, date(2026, 9, 29), done=False)[0] is rules.BoardState.OPEN
    # Friday 10-09: 10-10 (make-up) and 10-12, 10-13 remain -> 3 working days: still open
    assert state(CAL, due, date(2026, 10, 9), done=False) == (rules.BoardState.OPEN, 3)
    assert state(CAL, due, date(2026, 10, 10), done=False) == (rules.BoardState.DUE_SOON, 2)
    assert state(CAL, due, due, done=False) == (rules.BoardState.DUE_SOON, 0)
    assert state(CAL, due, date(2026, 10, 14), done=False) == (rules.BoardState.OVERDUE, -1)
    assert state(CAL, due, date(2026, 10, 14), done=True)[0] is rules.BoardState.DONE


def test_period_rules() -> None:
    general = rules.period_rule("penalty", rules.Severity.general)
    assert (general.min_months, general.max_months) == (3, 12)
    serious = rules.period_rule("penalty", rules.Severity.serious)
    assert (serious.min_months, serious.max_months) == (12, 36)
    minor = rules.period_rule("penalty", rules.Severity.minor)
    assert (minor.min_months, minor.max_months) == (None, 3)
    for rule in rules.PERIOD_RULES:
        assert rule.basis and rule.verification and rule.meaning
    with pytest.raises(ValueError):
        rules.period_rule("compulsion", rules.Severity.serious)


def test_a_penalty_has_no_default_severity_and_minor_is_published() -> None:
    """Issue 14 point 1: no default severity for a penalty; 轻微 decides only whether the
    credit publicity (信用中国) is done, never whether the penalty is published."""
    with pytest.raises(ValueError, match="没有默认值"):
        rules.severity_of("penalty", None)
    assert rules.severity_of("penalty", "minor") is rules.Severity.minor
    assert rules.severity_of("compulsion", None) is rules.Severity.not_credit
    assert rules.severity_of("license", "") is rules.Severity.not_credit
    minor = rules.period_rule("penalty", rules.Severity.minor)
    assert not minor.sent_to_credit("") and not minor.sent_to_credit("  ")
    assert minor.sent_to_credit("涉及公共安全，确有必要")
    general = rules.period_rule("penalty", rules.Severity.general)
    assert general.sent_to_credit("") and rules.necessity_problem(general, "理由")
    assert rules.necessity_problem(minor, "理由") is None
    # the portal publication of a 轻微 one ends with the longest credit period it allows
    due = rules.public_until(CAL, minor, date(2026, 9, 28))
    assert due is not None and due.date == date(2026, 12, 28)


def test_credit_window_is_computed_from_the_decision_day_and_category() -> None:
    """Issue 14 point 2: the earliest day to apply for 信用修复 (the day after the shortest
    period) and the automatic end (the longest), both from the decision day."""
    day = date(2026, 9, 28)
    general = rules.credit_window(CAL, rules.period_rule("penalty", rules.Severity.general), day)
    assert general is not None
    assert (general.earliest_repair, general.ends.date) == (date(2026, 12, 29), date(2027, 9, 28))
    assert "最短公示期届满后" in general.earliest_basis
    serious = rules.credit_window(CAL, rules.period_rule("penalty", rules.Severity.serious), day)
    assert serious is not None
    assert (serious.earliest_repair, serious.ends.date) == (date(2027, 9, 29), date(2029, 9, 28))
    minor = rules.credit_window(CAL, rules.period_rule("penalty", rules.Severity.minor), day)
    assert minor is not None and (minor.earliest_repair, minor.ends.date) == (
        day,
        date(2026, 12, 28),
    )
    # 2026-08-31 + 3 months ends on 11-30 (no 31st); repair from 12-01
    end_of_month = rules.credit_window(
        CAL, rules.period_rule("penalty", rules.Severity.general), date(2026, 8, 31)
    )
    assert end_of_month is not None and end_of_month.earliest_repair == date(2026, 12, 1)
    compulsion = rules.period_rule("compulsion", rules.Severity.not_credit)
    assert rules.credit_window(CAL, compulsion, day) is None


def test_amounts_and_categories() -> None:
    assert rules.yuan_to_wan("20000") == "2"
    assert rules.yuan_to_wan("1234.5") == "0.12345"
    assert rules.yuan_to_wan(None) == ""
    assert rules.penalty_categories("警告，并处罚款人民币贰万元", "20000") == "警告；罚款"
    assert rules.penalty_categories("责令停产停业整顿", None) == "责令停产停业"


PERSON = {
    "kind": "person",
    "name": "欧阳娜娜",
    "uscc": None,
    "id_number": "310107199001011234",
    "legal_representative": None,
    "address": "上海市普陀区真如镇街道真北路100弄2号301室",
    "phone": "13812345678",
}
FIELDS = {
    "facts": (
        "当事人欧阳娜娜（身份证号310107199001011234，电话13812345678，住上海市普陀区"
        "真如镇街道真北路100弄2号301室）在其经营场所违规存放液化石油气钢瓶；"
        "另查其银行账号6222021234567891234、联系电话021-62541234。"
    ),
    "violated": "《中华人民共和国安全生产法》第三十六条",
    "penalty_basis": "《中华人民共和国安全生产法》第九十九条",
    "penalty_content": "罚款人民币伍仟元",
    "fine_amount": "5000",
}
BUREAU = snapshots.Bureau("上海市普陀区应急管理局", "11310107MB2F12345X")


def _build(mode: str, party: dict = PERSON) -> dict:
    decision = snapshots.Decision(
        kind="penalty",
        document_kind="penalty_decision",
        doc_number="（普）应急罚〔2026〕1号",
        decided_on=date(2026, 9, 28),
        fields=FIELDS,
        context={"party": party, "power_item": {"name": "违规存放危险物品"}},
    )
    return snapshots.build(decision, bureau=BUREAU, public_until=date(2027, 9, 28), name_mode=mode)  # type: ignore[arg-type]


ID18 = re.compile(r"\d{17}[\dXx]")
MOBILE = re.compile(r"1[3-9]\d{9}")


def test_snapshot_has_only_public_items_masked() -> None:
    snap = _build("surname")
    text = snapshots.canonical(snap)
    assert not ID18.search(text) and not MOBILE.search(text)
    for secret in ("310107199001011234", "13812345678", "6222021234567891234", "62541234"):
        assert secret not in text
    assert "真北路" not in text and "欧阳娜娜" not in text
    assert snapshots.item_value(snap, "party_name") == "欧阳某某"
    assert snapshots.item_value(snap, "party_category") == "自然人"
    assert snapshots.item_value(snap, "uscc") == ""
    assert snapshots.item_value(snap, "fine_wan") == "0.5"
    assert snapshots.item_value(snap, "public_until") == "2027-09-28"
    assert snapshots.item_value(snap, "authority_uscc") == "11310107MB2F12345X"
    labels = [i["label"] for i in snap["items"]]
    assert labels == [label for _, label in rules.PENALTY_ITEMS]
    for excluded in rules.EXCLUDED_ITEMS:
        assert excluded not in labels


def test_person_name_per_setting() -> None:
    snap = _build("full")
    assert snapshots.item_value(snap, "party_name") == "欧阳娜娜"
    assert "欧阳娜娜" in snapshots.item_value(snap, "facts")
    text = snapshots.canonical(snap)
    assert not ID18.search(text) and not MOBILE.search(text)


def test_enterprise_shows_code_and_representative() -> None:
    firm = {
        "kind": "enterprise",
        "name": "上海某某化工有限公司",
        "uscc": "91310107MA1G000001",
        "legal_representative": "王五",
        "address": "上海市普陀区真北路1号",
        "phone": "13900001111",
    }
    snap = _build("surname", firm)
    assert snapshots.item_value(snap, "party_name") == "上海某某化工有限公司"
    assert snapshots.item_value(snap, "uscc") == "91310107MA1G000001"
    assert snapshots.item_value(snap, "legal_representative") == "王五"
    assert snapshots.item_value(snap, "party_category") == "法人及非法人组织"


def test_canonical_json_is_sorted_utf8() -> None:
    snap = _build("surname")
    text = snapshots.canonical(snap)
    assert text.startswith('{"format":') and "欧阳某某" in text  # not \\u-escaped
    assert snapshots.digest(text) == snapshots.digest(snapshots.canonical(_build("surname")))

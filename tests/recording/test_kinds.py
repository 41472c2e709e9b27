"""Pure parts of documents: kinds, patterns, amounts in words, field validation, the
service rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhifa.core.errors import InvalidInput
from zhifa.enforcement.steps import PROCEDURES
from zhifa.recording.documents import forms
from zhifa.recording.documents.kinds import (
    KINDS,
    FieldType,
    format_number,
    money_in_words,
    on_site_fine_problem,
    pattern_problem,
    prefill,
)
from zhifa.recording.documents.models import ServiceMethod
from zhifa.recording.documents.render import FORMS_DIR
from zhifa.recording.documents.rules import (
    ServiceFacts,
    ServiceState,
    service_problem,
    service_state,
)


def test_every_document_a_step_requires_is_a_kind_with_a_template() -> None:
    required = {code for p in PROCEDURES.values() for s in p.steps for code in s.documents}
    assert required <= set(KINDS)
    for kind in KINDS.values():
        templates = [kind.template, *(t for _label, t in kind.variants.values())]
        for name in templates:
            assert (FORMS_DIR / name).is_file(), name
        names = [spec.name for spec in kind.fields]
        assert len(names) == len(set(names)), kind.code
        if kind.pattern:
            assert pattern_problem(kind.pattern) is None


def test_required_templates_exist() -> None:
    titles = {k.title for k in KINDS.values()}
    assert {
        "现场检查记录",
        "现场处理措施决定书",
        "责令限期整改指令书",
        "整改复查意见书",
        "立案审批表",
        "询问笔录",
        "先行登记保存证据通知书",
        "查封扣押决定书",
        "行政处罚告知书",
        "听证告知书",
        "当事人陈述申辩笔录",
        "行政处罚决定书",
        "行政（当场）处罚决定书",
        "文书送达回执",
        "结案审批表",
    } <= titles
    decision = KINDS["penalty_decision"]
    assert decision.variant_for("enterprise")[1] == "行政处罚决定书（单位）"
    assert decision.variant_for("person")[1] == "行政处罚决定书（个人）"
    # Records carry no 文号; decisions do.
    assert not KINDS["inquiry_record"].numbered and not KINDS["service_receipt"].numbered
    assert KINDS["penalty_decision"].numbered and KINDS["rectification_order"].numbered


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "人民币零元整"),
        ("0.5", "人民币伍角整"),
        ("10", "人民币壹拾元整"),
        ("10.05", "人民币壹拾元零伍分"),
        ("1001", "人民币壹仟零壹元整"),
        ("10000", "人民币壹万元整"),
        ("12500.50", "人民币壹万贰仟伍佰元伍角整"),
        ("1000100", "人民币壹佰万零壹佰元整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("123456789.12", "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ],
)
def test_money_in_words(amount: str, words: str) -> None:
    assert money_in_words(Decimal(amount)) == words


def _read_words(text: str) -> int:
    """Cents from capital numerals (the inverse of money_in_words)."""
    digits = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
    units = {"拾": 10, "佰": 100, "仟": 1000}
    body = text.removeprefix("人民币")
    yuan_part, _, rest = body.rpartition("元")
    total = section = number = 0
    for char in yuan_part:
        if char in digits:
            number = digits[char]
        elif char in units:
            section, number = section + number * units[char], 0
        elif char == "万":
            total, section, number = total + (section + number) * 10**4, 0, 0
        elif char == "亿":
            total, section, number = (total + section + number) * 10**8, 0, 0
    cents = (total + section + number) * 100
    number = 0
    for char in rest:
        if char in digits:
            number = digits[char]
        elif char == "角":
            cents, number = cents + number * 10, 0
        elif char == "分":
            cents, number = cents + number, 0
    return cents


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_money_in_words_reads_back(cents: int) -> None:
    # The words always carry the exact amount.
    assert _read_words(money_in_words(Decimal(cents) / 100)) == cents


def test_patterns() -> None:
    assert format_number("（普）应急罚〔{year}〕{n}号", 2026, 12) == "（普）应急罚〔2026〕12号"
    assert pattern_problem("应急罚〔{year}〕号") == "文号格式须包含且只包含一次 {n}"
    assert "未知占位符" in (pattern_problem("{unit}罚〔{year}〕{n}号") or "")
    assert pattern_problem("  ") == "文号格式不能为空"


CONTEXT = {
    "party": {"address": "上海市普陀区某路1号", "contact": "王某", "name": "某公司"},
    "action": {"title": "未如实记录培训情况"},
    "power_item": {"basis": "《安全生产法》第九十七条第四项"},
    "bureau": {"review_body": "上海市普陀区人民政府"},
    "officer_names": {"first": "张伟", "second": "李娜"},
    "issued": {"rectification_order": {"doc_number": "（普）应急责改〔2026〕3号"}},
}


def test_prefill_takes_context_defaults_and_clock() -> None:
    now = datetime(2026, 3, 5, 9, 30)
    decision = prefill(KINDS["penalty_decision"], CONTEXT, now)
    assert decision["penalty_basis"] == "《安全生产法》第九十七条第四项"
    assert decision["review_body"] == "上海市普陀区人民政府"
    assert "facts" not in decision
    record = prefill(KINDS["site_inspection_record"], CONTEXT, now)
    assert record["place"] == "上海市普陀区某路1号"
    assert record["started_at"] == "2026-03-05T09:30"
    review = prefill(KINDS["reinspection_opinion"], CONTEXT, now)
    assert review["order_number"] == "（普）应急责改〔2026〕3号"
    assert review["reinspected_on"] == "2026-03-05"
    inquiry = prefill(KINDS["inquiry_record"], CONTEXT, now)
    assert inquiry["recorder"] == "李娜"


def _error(kind: str, data: dict[str, object], complete: bool = False) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        forms.validate(KINDS[kind], data, complete=complete)
    return caught.value


def test_validation_messages_name_the_field() -> None:
    e = _error("penalty_decision", {"fine_amount": "-1"})
    assert (e.field, e.message) == ("fine_amount", "罚款金额（元）不能为负数")
    e = _error("penalty_decision", {"fine_amount": "1.005"})
    assert e.message == "罚款金额（元）最多保留两位小数"
    e = _error("penalty_decision", {"fine_amount": "一万"})
    assert e.message == "罚款金额（元）应为数字"
    e = _error("rectification_order", {"deadline": "2026-02-30"})
    assert e.field == "deadline" and "日期无效" in e.message
    e = _error("site_inspection_record", {"started_at": "明天"})
    assert e.field == "started_at" and "时间无效" in e.message
    e = _error("penalty_decision", {"color": "red"})
    assert e.field == "color" and "没有" in e.message
    e = _error("case_filing_approval", {"source": "路过"})
    assert e.field == "source" and "可选：监督检查" in e.message
    e = _error("seizure_decision", {"period_days": 31})
    assert e.message == "期限（日）不能大于 30"
    e = _error("penalty_decision", {"facts": "x"}, complete=True)
    assert (e.field, e.message) == ("evidence", "证据为必填项")


def test_cross_field_checks_on_complete() -> None:
    base = {
        "facts": "f",
        "evidence": "e",
        "violated": "v",
        "penalty_basis": "b",
        "review_body": "r",
    }
    e = _error("penalty_decision", {**base, "penalty_content": "罚款"}, complete=True)
    assert e.field == "fine_amount"
    e = _error(
        "penalty_decision", {**base, "penalty_content": "警告", "fine_amount": 100}, complete=True
    )
    assert e.field == "penalty_content"
    e = _error(
        "inquiry_record",
        {
            "started_at": "2026-03-05T10:00",
            "ended_at": "2026-03-05T09:00",
            "place": "p",
            "interviewee": "i",
            "recorder": "r",
            "content": "c",
        },
        complete=True,
    )
    assert (e.field, e.message) == ("ended_at", "结束时间不能早于开始时间")
    good = forms.validate(
        KINDS["penalty_decision"],
        {**base, "penalty_content": "罚款", "fine_amount": 500},
        complete=True,
    )
    assert good["fine_amount"] == "500.00"
    typed = forms.typed_values(KINDS["penalty_decision"], good)
    assert typed["fine_amount"] == Decimal("500.00")


def test_drafts_may_be_incomplete_but_typed() -> None:
    kind = KINDS["inquiry_record"]
    assert forms.validate(kind, {"place": "  ", "age": ""}, complete=False) == {}
    assert forms.validate(kind, {"age": "45"}, complete=False) == {"age": 45}
    assert all(s.type in FieldType for s in kind.fields)


def test_on_site_fine_limits() -> None:
    assert on_site_fine_problem("person", Decimal(200)) is None
    assert "200" in (on_site_fine_problem("person", Decimal("200.01")) or "")
    assert on_site_fine_problem("enterprise", Decimal(3000)) is None
    assert on_site_fine_problem("enterprise", Decimal(3001)) is not None


def test_service_state() -> None:
    due = date(2026, 3, 13)
    assert service_state(due, None, date(2026, 3, 13)) is ServiceState.pending
    assert service_state(due, None, date(2026, 3, 14)) is ServiceState.overdue
    assert service_state(due, date(2026, 3, 5), date(2026, 3, 20)) is ServiceState.on_time
    assert service_state(due, date(2026, 3, 13), date(2026, 3, 20)) is ServiceState.on_time
    assert service_state(due, date(2026, 3, 16), date(2026, 3, 20)) is ServiceState.late


def _facts(**changes: object) -> ServiceFacts:
    values: dict[str, object] = {
        "method": ServiceMethod.direct,
        "served_on": date(2026, 3, 6),
        "issue_date": date(2026, 3, 5),
        "today": date(2026, 3, 10),
        "has_receipt": True,
        "consent": False,
        "consent_evidence": False,
        "note": "",
        "place": "",
    }
    values.update(changes)
    return ServiceFacts(**values)  # type: ignore[arg-type]


def test_service_rules() -> None:
    assert service_problem(_facts()) is None
    assert service_problem(_facts(served_on=date(2026, 3, 4)))[0] == "served_on"  # type: ignore[index]
    assert service_problem(_facts(served_on=date(2026, 3, 11)))[0] == "served_on"  # type: ignore[index]
    electronic = ServiceMethod.electronic
    assert service_problem(_facts(method=electronic))[0] == "consent"  # type: ignore[index]
    assert service_problem(_facts(method=electronic, consent=True))[0] == "consent_evidence"  # type: ignore[index]
    assert service_problem(_facts(method=electronic, consent=True, consent_evidence=True)) is None
    assert service_problem(_facts(method=ServiceMethod.left))[0] == "note"  # type: ignore[index]
    assert service_problem(_facts(method=ServiceMethod.announcement))[0] == "place"  # type: ignore[index]
    assert service_problem(_facts(has_receipt=False))[0] == "receipt"  # type: ignore[index]

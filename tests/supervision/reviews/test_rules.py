"""The pure scoring rules: the template's sections add to exactly 100, each section's
deductions stop at its weight, any veto fails the file, the grade thresholds, and every
score or deduction outside the template is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from zhifa.core.errors import DomainError
from zhifa.supervision.reviews.rules import Found, Grade, Template, check_deduction, score
from zhifa.supervision.reviews.standard import DEFAULT_TEMPLATE, LATE_STEP, TWO_OFFICERS

T = DEFAULT_TEMPLATE


def test_the_default_template_adds_to_100_and_survives_json() -> None:
    assert sum(s.weight for s in T.sections) == 100
    assert [s.name for s in T.sections] == [
        "主体",
        "事实证据",
        "法律适用",
        "程序",
        "文书规范",
        "归档",
    ]
    assert Template.from_json(T.to_json()) == T


@pytest.mark.parametrize(
    "change",
    [
        {"sections": T.sections[:-1]},  # 90
        {"sections": (*T.sections[:-1], replace(T.sections[-1], weight=11))},  # 101
        {"vetoes": (*T.vetoes, T.vetoes[0])},  # a code twice
        {"pass_from": 95},  # above 优秀
        {"name": " "},
    ],
)
def test_a_template_that_breaks_the_rules_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(DomainError):
        replace(T, **change)


def test_deductions_stop_at_the_sections_weight() -> None:
    found = [Found(LATE_STEP, 5)] * 7  # 35 points off a section of 25
    result = score(T, found)
    assert dict((n, got) for n, _, got in result.sections)["程序"] == 0
    assert result.total == 75 and result.grade is Grade.passed


_TEN = ("evidence_unclear", "evidence_insufficient", "law_discretion", "procedure_rights")


@pytest.mark.parametrize(
    ("off", "grade"),
    [(0, Grade.excellent), (10, Grade.excellent), (11, Grade.passed), (40, Grade.passed),
     (41, Grade.failed)],
)  # fmt: skip
def test_grades_follow_the_templates_thresholds(off: int, grade: Grade) -> None:
    found = [Found(code, 10) for code in _TEN[: off // 10]]
    found += [Found("documents_service", off % 10)] if off % 10 else []
    result = score(T, found)
    assert result.total == 100 - off and result.grade is grade


def test_any_veto_fails_the_file_whatever_its_total() -> None:
    result = score(T, [Found(TWO_OFFICERS)])
    assert result.total == 100 and result.grade is Grade.failed
    assert result.vetoes == ("执法人员少于两人",)


@pytest.mark.parametrize(("code", "points"), [("no_such_item", 1), (LATE_STEP, 6), (LATE_STEP, 0)])
def test_a_deduction_outside_the_template_is_refused(code: str, points: int) -> None:
    with pytest.raises(DomainError):
        check_deduction(T, code, points)
    with pytest.raises(DomainError):
        score(T, [Found(code, points)])

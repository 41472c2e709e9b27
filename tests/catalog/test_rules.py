"""Pure rules of the catalogue: article numbers, law status and date order, citations."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.catalog import rules
from zhifa.catalog.rules import ArticleRef, ChangeKind, LawDates, LawStatus
from zhifa.core.errors import DomainError


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (62, "六十二"), (100, "一百"),
     (101, "一百零一"), (110, "一百一十"), (112, "一百一十二"), (1005, "一千零五")],
)  # fmt: skip
def test_chinese_numbers_both_ways(number: int, text: str) -> None:
    assert rules.cn_number(number) == text
    assert rules.parse_cn_number(text) == number


def test_every_number_round_trips() -> None:
    assert all(rules.parse_cn_number(rules.cn_number(n)) == n for n in range(1, 2000))


def test_article_numbers_parse_and_label() -> None:
    ref = rules.parse_article("第一百零一条第二项")
    assert ref == ArticleRef(101, None, 2)
    assert ref.label == "第一百零一条第二项"
    assert rules.parse_article("第65条第1款第4项").label == "第六十五条第一款第四项"
    assert ArticleRef(65, 1, 4).broader() == [
        ArticleRef(65, 1, 4),
        ArticleRef(65, 1),
        ArticleRef(65),
    ]
    assert rules.article_ref("62", "1", "三") == ArticleRef(62, 1, 3)
    assert rules.article_ref("第六十二条", "第一款") == ArticleRef(62, 1)
    for bad in ("六十二条", "第六十二", "第X条", "第六十二条第一段"):
        with pytest.raises(DomainError, match="格式不正确"):
            rules.parse_article(bad)


def test_law_status_follows_the_dates() -> None:
    dates = LawDates(date(2021, 6, 10), date(2021, 9, 1))
    assert rules.law_status(dates, date(2021, 8, 31)) is LawStatus.pending
    assert rules.law_status(dates, date(2021, 9, 1)) is LawStatus.in_force
    amended = LawDates(date(2007, 8, 30), date(2007, 11, 1), date(2024, 11, 1))
    assert rules.law_status(amended, date(2024, 10, 31)) is LawStatus.in_force
    assert rules.law_status(amended, date(2024, 11, 1)) is LawStatus.amended
    repealed = LawDates(date(2007, 8, 30), date(2007, 11, 1), date(2024, 11, 1), date(2025, 1, 1))
    assert rules.law_status(repealed, date(2025, 1, 1)) is LawStatus.repealed


PUBLISHED, EFFECTIVE = date(2021, 6, 10), date(2021, 9, 1)


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (LawDates(PUBLISHED, date(2021, 6, 9)), "effective_on", "施行日期不能早于公布日期"),
        (LawDates(PUBLISHED, EFFECTIVE, date(2021, 1, 1)), "amended_on", "修改日期"),
        (LawDates(PUBLISHED, EFFECTIVE, None, date(2020, 1, 1)), "repealed_on", "废止日期"),
        (
            LawDates(PUBLISHED, EFFECTIVE, date(2023, 1, 1), date(2022, 1, 1)),
            "repealed_on",
            "早于修改日期",
        ),
    ],
)
def test_dates_out_of_order_are_refused(dates: LawDates, field: str, message: str) -> None:
    with pytest.raises(DomainError, match=message) as caught:
        rules.check_dates(dates)
    assert caught.value.field == field


def test_a_change_sets_the_right_date_and_checks_order() -> None:
    dates = LawDates(date(2021, 6, 10), date(2021, 9, 1))
    revised = rules.dates_after_change(dates, ChangeKind.revised, date(2025, 1, 1))
    assert (revised.amended_on, revised.repealed_on) == (date(2025, 1, 1), None)
    replaced = rules.dates_after_change(dates, ChangeKind.replaced, date(2025, 1, 1))
    assert replaced.repealed_on == date(2025, 1, 1)
    with pytest.raises(DomainError, match="废止日期不能早于公布日期"):
        rules.dates_after_change(dates, ChangeKind.repealed, date(2020, 1, 1))


def test_citations_parse_or_are_refused() -> None:
    found = rules.parse_citations("《中华人民共和国安全生产法》第六十五条\n《行政处罚法》第56条；")
    assert [(c.title, c.ref.label) for c in found] == [
        ("中华人民共和国安全生产法", "第六十五条"),
        ("行政处罚法", "第五十六条"),
    ]
    assert rules.short_title("《中华人民共和国安全生产法》") == "安全生产法"
    with pytest.raises(DomainError, match="格式不正确"):
        rules.parse_citations("安全生产法第六十五条")
    assert rules.parse_citations("  \n ") == []

"""A new scoring-template version from the legal section's form (pure: no database).

The form starts from the current version: every veto item, section weight and deduction
item is a field named after its code, so an item keeps its code across versions (the
pre-fill and the figures across rounds follow codes). Items may be reworded, re-pointed,
removed or added (new ones get the next free code of their section); the items the
platform proposes itself (`standard.PLATFORM_CODES`) cannot be removed. Sections are
fixed: the issue's 主体、事实证据、法律适用、程序、文书规范、归档."""

from __future__ import annotations

from collections.abc import Mapping

from zhifa.core.errors import DomainError, InvalidInput
from zhifa.supervision.reviews.rules import FULL_MARKS, Deduction, Section, Template, Veto
from zhifa.supervision.reviews.standard import PLATFORM_CODES

NEW_ROWS = 2  # blank rows offered for new items, per section and for vetoes
TEXT_MAX = 100


def _text(values: Mapping[str, str], field: str, what: str) -> str:
    text = values.get(field, "").strip()
    if not text:
        raise DomainError(f"请填写{what}", field)
    if len(text) > TEXT_MAX:
        raise DomainError(f"{what}最多 {TEXT_MAX} 字", field)
    return text


def _number(values: Mapping[str, str], field: str, low: int, high: int, what: str) -> int:
    raw = values.get(field, "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise DomainError(f"{what}须为 {low} 至 {high} 的整数", field)
    return int(raw)


def _removed(values: Mapping[str, str], field: str, code: str, what: str) -> bool:
    if not values.get(field):
        return False
    if code in PLATFORM_CODES:
        raise DomainError(f"“{what}”由平台自动核查并预填，不能删除", field)
    return True


def _next_code(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}_{n}" in taken:
        n += 1
    taken.add(f"{prefix}_{n}")
    return f"{prefix}_{n}"


def _vetoes(base: Template, values: Mapping[str, str], taken: set[str]) -> list[Veto]:
    kept = [
        Veto(v.code, _text(values, f"veto_{v.code}", "否决项内容"))
        for v in base.vetoes
        if not _removed(values, f"remove_{v.code}", v.code, v.text)
    ]
    for k in range(NEW_ROWS):
        if values.get(f"new_veto_{k}", "").strip():
            text = _text(values, f"new_veto_{k}", "否决项内容")
            kept.append(Veto(_next_code("veto_added", taken), text))
    return kept


def _items(section: Section, values: Mapping[str, str], taken: set[str]) -> list[Deduction]:
    items = []
    for item in section.items:
        if _removed(values, f"remove_{item.code}", item.code, item.text):
            continue
        text = _text(values, f"item_{item.code}", "扣分项内容")
        points = _number(values, f"points_{item.code}", 1, FULL_MARKS, "每处扣分")
        items.append(Deduction(item.code, text, points))
    for k in range(NEW_ROWS):
        prefix = f"new_{section.code}_{k}"
        if not values.get(prefix, "").strip():
            continue
        text = _text(values, prefix, "扣分项内容")
        points = _number(values, f"{prefix}_points", 1, FULL_MARKS, "每处扣分")
        items.append(Deduction(_next_code(f"{section.code}_added", taken), text, points))
    return items


def _section(section: Section, values: Mapping[str, str], taken: set[str]) -> Section:
    weight = _number(values, f"weight_{section.code}", 1, FULL_MARKS, f"“{section.name}”分值")
    items = _items(section, values, taken)
    for item in items:
        if item.points > weight:
            field = f"points_{item.code}"
            raise DomainError(f"每处扣分不能超过“{section.name}”的分值 {weight} 分", field)
    if not items:
        raise DomainError(f"“{section.name}”至少须有一个扣分项", f"weight_{section.code}")
    return Section(section.code, section.name, weight, tuple(items))


def revised(base: Template, values: Mapping[str, str]) -> Template:
    """The template the form describes, checked as a whole (weights add to 100)."""
    taken = {v.code for v in base.vetoes} | {i.code for s in base.sections for i in s.items}
    name = _text(values, "name", "模板名称")
    excellent = _number(values, "excellent_from", 1, FULL_MARKS, "优秀分数线")
    passing = _number(values, "pass_from", 1, FULL_MARKS, "合格分数线")
    if passing > excellent:
        raise InvalidInput("合格分数线不能高于优秀分数线", "pass_from")
    vetoes = _vetoes(base, values, taken)
    sections = tuple(_section(s, values, taken) for s in base.sections)
    weights = sum(s.weight for s in sections)
    if weights != FULL_MARKS:
        field = f"weight_{sections[0].code}"  # shown under the first weight
        raise DomainError(f"各部分分值之和须为 100 分（现为 {weights} 分）", field)
    return Template(name, tuple(vetoes), sections, excellent, passing, base.sources)

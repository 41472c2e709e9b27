"""Pure rules of case-file review: the scoring template (veto items, weighted sections
adding to 100, deduction items), a sheet's score and grade (no database, clock or I/O).

Scoring follows the common shape of provincial review standards (second-hand: the
测绘地理信息 行政处罚案卷评查标准 as quoted on m.wenke99.com — any one 基本标准 item
makes the file 不合格卷; each section's deductions stop at its weight, "扣完为止，不计负分"):
a section scores its weight less its confirmed deductions, never below 0; the total is the
sum of the sections; any confirmed veto item makes the file 不合格 whatever its total.
The grade thresholds are part of each template version (the bureau's default 90 / 60 is a
bureau choice, not read in any rule)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zhifa.core.errors import DomainError

FULL_MARKS = 100


class Grade(StrEnum):
    excellent = "优秀"
    passed = "合格"
    failed = "不合格"


@dataclass(frozen=True)
class Deduction:
    """A deduction item (扣分项): at most `points` off its section each time it is found."""

    code: str
    text: str
    points: int


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    weight: int
    items: tuple[Deduction, ...]


@dataclass(frozen=True)
class Veto:
    """A veto item (否决项): found once, the file is 不合格."""

    code: str
    text: str


@dataclass(frozen=True)
class Template:
    name: str
    vetoes: tuple[Veto, ...]
    sections: tuple[Section, ...]
    excellent_from: int  # at least this total and no veto: 优秀
    pass_from: int  # at least this total and no veto: 合格
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_template(self)

    def item(self, code: str) -> tuple[Section, Deduction] | None:
        for section in self.sections:
            for item in section.items:
                if item.code == code:
                    return section, item
        return None

    def veto(self, code: str) -> Veto | None:
        return next((v for v in self.vetoes if v.code == code), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "excellent_from": self.excellent_from,
            "pass_from": self.pass_from,
            "sources": list(self.sources),
            "vetoes": [{"code": v.code, "text": v.text} for v in self.vetoes],
            "sections": [
                {
                    "code": s.code,
                    "name": s.name,
                    "weight": s.weight,
                    "items": [
                        {"code": i.code, "text": i.text, "points": i.points} for i in s.items
                    ],
                }
                for s in self.sections
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Template:
        try:
            return cls(
                name=str(data["name"]),
                excellent_from=int(data["excellent_from"]),
                pass_from=int(data["pass_from"]),
                sources=tuple(str(s) for s in data.get("sources", ())),
                vetoes=tuple(Veto(str(v["code"]), str(v["text"])) for v in data["vetoes"]),
                sections=tuple(
                    Section(
                        str(s["code"]),
                        str(s["name"]),
                        int(s["weight"]),
                        tuple(
                            Deduction(str(i["code"]), str(i["text"]), int(i["points"]))
                            for i in s["items"]
                        ),
                    )
                    for s in data["sections"]
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError(f"评查模板格式不正确：{exc}", "template") from exc


def check_template(template: Template) -> None:
    """Sections add to exactly 100; codes unique; points within their section; thresholds
    in order."""
    if not template.name.strip():
        raise DomainError("请填写模板名称", "template")
    weights = sum(s.weight for s in template.sections)
    if weights != FULL_MARKS:
        raise DomainError(f"各部分分值之和须为 100 分（现为 {weights} 分）", "template")
    codes = [v.code for v in template.vetoes] + [s.code for s in template.sections]
    codes += [i.code for s in template.sections for i in s.items]
    if len(set(codes)) != len(codes) or not all(c.strip() for c in codes):
        raise DomainError("否决项、部分和扣分项的代码须非空且互不重复", "template")
    for section in template.sections:
        if section.weight <= 0:
            raise DomainError(f"“{section.name}”的分值须为正数", "template")
        for item in section.items:
            if not 0 < item.points <= section.weight:
                raise DomainError(
                    f"扣分项“{item.text}”的分值须在 1 至 {section.weight} 分之间", "template"
                )
    if not 0 < template.pass_from <= template.excellent_from <= FULL_MARKS:
        raise DomainError("等次分数线须满足 0 < 合格线 ≤ 优秀线 ≤ 100", "template")


# ---- a sheet's findings and score


@dataclass(frozen=True)
class Found:
    """One confirmed finding on a sheet: a deduction item with its points, or a veto."""

    code: str
    points: int = 0


def check_deduction(template: Template, code: str, points: int) -> Deduction:
    """The template's deduction item, the points within it — or a refusal."""
    found = template.item(code)
    if found is None:
        raise DomainError("扣分项不在本轮使用的评查模板中", "item_code")
    _, item = found
    if not 0 < points <= item.points:
        raise DomainError(f"“{item.text}”每处扣分须在 1 至 {item.points} 分之间", "points")
    return item


def check_veto(template: Template, code: str) -> Veto:
    veto = template.veto(code)
    if veto is None:
        raise DomainError("否决项不在本轮使用的评查模板中", "item_code")
    return veto


@dataclass(frozen=True)
class Score:
    sections: tuple[tuple[str, int, int], ...]  # (name, weight, score)
    total: int
    vetoes: tuple[str, ...]  # the vetoed items' texts
    grade: Grade


def grade_of(template: Template, total: int, vetoed: bool) -> Grade:
    if vetoed or total < template.pass_from:
        return Grade.failed
    return Grade.excellent if total >= template.excellent_from else Grade.passed


def score(template: Template, findings: Iterable[Found]) -> Score:
    """100 less the confirmed deductions, each section clamped at 0; any veto fails."""
    lost: dict[str, int] = {}
    vetoes = []
    for finding in findings:
        veto = template.veto(finding.code)
        if veto is not None:
            vetoes.append(veto.text)
            continue
        check_deduction(template, finding.code, finding.points)
        section, _ = template.item(finding.code) or (None, None)
        assert section is not None
        lost[section.code] = lost.get(section.code, 0) + finding.points
    sections = tuple(
        (s.name, s.weight, max(0, s.weight - lost.get(s.code, 0))) for s in template.sections
    )
    total = sum(points for _, _, points in sections)
    return Score(sections, total, tuple(vetoes), grade_of(template, total, bool(vetoes)))

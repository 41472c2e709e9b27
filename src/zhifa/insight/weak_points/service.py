"""The dashboard and its drill-down as the pages show them: the facts brought up to date,
counts, rates and bars per figure, the records behind one figure with links to those the
reader may open; each read is logged (it names cases and people)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.clock import today
from zhifa.core.errors import NotFound
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.enforcement.models import Action
from zhifa.enforcement.steps import ACTION_KIND_LABELS, ActionKind
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.insight.weak_points import facts
from zhifa.insight.weak_points.figures import (
    BY_CODE,
    FIGURES,
    PAGE_SIZE,
    Cell,
    Figure,
    by_month,
    by_unit,
    deduction_items,
    fact_rows,
    readers,
)
from zhifa.insight.weak_points.models import WeakPointFact
from zhifa.insight.weak_points.rules import Bar, Filters, bars, month_bars, rate
from zhifa.supervision.reviews.models import ReviewTemplate
from zhifa.supervision.reviews.rules import Template

NO_UNIT = "（未指定单位）"


@dataclass(frozen=True)
class Card:
    figure: Figure
    count: int
    base: int
    rate: float | None
    bars: list[Bar]


@dataclass(frozen=True)
class Line:
    """One record behind a figure; `link` empty when the reader may not open it."""

    day: date | None
    label: str
    unit: str
    detail: str
    link: str


@dataclass(frozen=True)
class Item:
    """A review deduction item: how many times it was deducted, and the points."""

    label: str
    count: int
    points: int


@dataclass(frozen=True)
class Drill:
    figure: Figure
    count: int
    base: int
    rate: float | None
    months: list[Bar]
    units: list[Bar]
    lines: list[Line]
    page: int
    pages: int
    items: list[Item]


def _units(db: Session) -> dict[int, str]:
    return {u.id: u.name for u in db.scalars(select(Unit))}


def _unit_bars(cells: list[Cell], units: dict[int, str]) -> list[Bar]:
    pairs: dict[str, int] = {}
    for c in cells:
        name = units.get(c.key, NO_UNIT) if isinstance(c.key, int) else NO_UNIT
        pairs[name] = pairs.get(name, 0) + c.count
    return bars([(k, v) for k, v in pairs.items() if v])


def _card(fig: Figure, cells: list[Cell], units: dict[int, str]) -> Card:
    count, base = sum(c.count for c in cells), sum(c.base for c in cells)
    return Card(fig, count, base, rate(count, base) if fig.base else None, _unit_bars(cells, units))


def _people_cells(db: Session, f: Filters) -> list[Cell]:
    return [Cell(unit, 1, 1) for _, unit, _, _ in readers(db, f)]


def describe(db: Session, f: Filters) -> str:
    """The filters in words (the page and the access log's purpose)."""
    unit = db.get(Unit, f.unit_id) if f.unit_id else None
    officer = db.get(User, f.officer_id) if f.officer_id else None
    kind = ACTION_KIND_LABELS[ActionKind(f.action_kind)] if f.action_kind else "全部"
    return "；".join(
        [
            f"期间 {f.start or '不限'} 至 {f.end or '不限'}",
            f"单位：{unit.name if unit else '全部'}",
            f"执法人员：{officer.full_name if officer else '全部'}",
            f"执法行为类别：{kind}",
        ]
    )


def dashboard(db: Session, who: Principal, f: Filters) -> list[Card]:
    facts.refresh(db)
    on, units = today(), _units(db)
    cells = by_unit(db, f, on)
    cards = [
        _card(fig, _people_cells(db, f) if fig.people else cells[fig.code], units)
        for fig in FIGURES
    ]
    log_access(db, who, "weak_points", None, f"薄弱环节分析（{describe(db, f)}）")
    return cards


def figure_of(code: str) -> Figure:
    fig = BY_CODE.get(code)
    if fig is None:
        raise NotFound("没有这项统计")
    return fig


def _visible(db: Session, who: Principal, action_ids: set[int]) -> set[int]:
    query = of_visible_actions(select(Action.id).where(Action.id.in_(action_ids)), Action.id, who)
    return set(db.scalars(query)) if action_ids else set()


def _items(db: Session, f: Filters) -> list[Item]:
    """The deductions by item, labelled by the template version each round used."""
    templates = {t.id: Template.from_json(t.body) for t in db.scalars(select(ReviewTemplate))}
    merged: dict[str, tuple[int, int]] = {}
    for template_id, code, count, points in deduction_items(db, f):
        found = templates[template_id].item(code)
        label = f"{found[0].name}：{found[1].text}" if found else code
        had = merged.get(label, (0, 0))
        merged[label] = (had[0] + count, had[1] + points)
    rows = [Item(label, n, p) for label, (n, p) in merged.items()]
    return sorted(rows, key=lambda i: (-i.count, -i.points, i.label))


def _link(who: Principal, row: WeakPointFact, seen: set[int]) -> str:
    """The record's page if the reader may open it; a deduction opens its score sheet
    for those who read reviews, else the case for those who may see it."""
    if row.record_type == "access_log":
        return row.link if who.can(Permission.access_log_read) else ""
    if row.record_type == "case_review_finding" and who.can(Permission.case_review_read):
        return row.link
    if row.action_id not in seen:
        return ""
    return f"/app/actions/{row.action_id}" if row.record_type == "case_review_finding" else row.link


def _fact_lines(
    db: Session, who: Principal, fig: Figure, f: Filters, page: int
) -> tuple[list[Line], int]:
    rows, total = fact_rows(db, fig, f, today(), page)
    units = _units(db)
    seen = _visible(db, who, {r.action_id for r in rows if r.action_id is not None})
    lines = []
    for r in rows:
        detail = ""
        if r.due_on is not None:
            detail = f"届满 {r.due_on}，" + (f"完成 {r.done_on}" if r.done_on else "未完成")
        unit = units.get(r.unit_id, NO_UNIT) if r.unit_id else NO_UNIT
        lines.append(Line(r.day, r.label, unit, detail, _link(who, r, seen)))
    return lines, total


def _people_lines(db: Session, who: Principal, f: Filters) -> list[Line]:
    units = _units(db)
    names = {u.id: u.full_name for u in db.scalars(select(User))}
    logs = who.can(Permission.access_log_read)
    return [
        Line(
            None,
            names.get(person, f"#{person}"),
            units.get(unit, NO_UNIT) if unit else NO_UNIT,
            f"未承办的案件 {cases} 件，调阅 {reads} 次",
            f"/app/access-log?user={person}" if logs else "",
        )
        for person, unit, cases, reads in readers(db, f)
    ]


def drill(db: Session, who: Principal, fig: Figure, f: Filters, page: int) -> Drill:
    facts.refresh(db)
    on, units = today(), _units(db)
    if fig.people:
        lines = _people_lines(db, who, f)
        total, cells = len(lines), _people_cells(db, f)
    else:
        lines, total = _fact_lines(db, who, fig, f, page)
        cells = by_unit(db, f, on, fig)[fig.code]
    card = _card(fig, cells, units)
    months = [(str(c.key), c.count) for c in by_month(db, fig, f, on) if c.count]
    log_access(db, who, "weak_points", fig.code, f"薄弱环节分析：{fig.name}（{describe(db, f)}）")
    return Drill(
        fig, card.count, card.base, card.rate, month_bars(months), card.bars, lines,
        page, max(1, -(-total // PAGE_SIZE)), _items(db, f) if fig.by_item else [],
    )  # fmt: skip

"""A round's report (grades, scores, the findings each sheet rests on, rectification tasks)
as a page, a PDF (WeasyPrint, A4, CJK fonts, PDF/A like the documents) and an XLSX
(`core.spreadsheet`, every typed text neutralised), and the figures per unit and per
officer across rounds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.clock import people_date, people_datetime
from zhifa.core.models import Unit, User
from zhifa.core.spreadsheet import Value, xlsx_bytes
from zhifa.enforcement.models import Action, ActionOfficer
from zhifa.recording.documents.render import PDF_VARIANT
from zhifa.supervision.reviews.models import (
    FindingState,
    Rectification,
    ReviewFinding,
    ReviewRound,
    ReviewSheet,
    SheetStatus,
)
from zhifa.supervision.reviews.rounds import template_of
from zhifa.supervision.reviews.rules import Grade
from zhifa.supervision.reviews.service import findings_of, rectifications

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ReportLine:
    sheet: ReviewSheet
    title: str
    unit: str
    findings: list[tuple[str, ReviewFinding]]  # (item text, confirmed finding)


@dataclass(frozen=True)
class RoundReport:
    round: ReviewRound
    version: int
    lines: list[ReportLine]
    grades: dict[str, int]
    by_item: list[tuple[str, int, int]]  # (item, times, points)
    tasks: list[tuple[Rectification, str]]  # (task, unit name)


def _unit_name(db: Session, unit_id: int | None) -> str:
    unit = db.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else "未分配单位"


def _item_text(review_round: ReviewRound, code: str) -> str:
    template = template_of(review_round)
    veto = template.veto(code)
    if veto is not None:
        return f"否决项：{veto.text}"
    found = template.item(code)
    return f"{found[0].name}：{found[1].text}" if found else code


def round_report(db: Session, review_round: ReviewRound) -> RoundReport:
    query = select(ReviewSheet).where(ReviewSheet.round_id == review_round.id)
    lines = []
    times: Counter[str] = Counter()
    points: Counter[str] = Counter()
    for sheet in db.scalars(query.order_by(ReviewSheet.id)):
        action = db.get(Action, sheet.action_id)
        assert action is not None
        confirmed = [
            (_item_text(review_round, f.code), f)
            for f in findings_of(db, sheet.id)
            if f.state is FindingState.confirmed
        ]
        for text, finding in confirmed:
            times[text] += 1
            points[text] += finding.points
        lines.append(ReportLine(sheet, action.title, _unit_name(db, action.unit_id), confirmed))
    grades = {g.value: sum(line.sheet.grade == g.value for line in lines) for g in Grade}
    tasks = [(t, _unit_name(db, t.unit_id)) for t in rectifications(db, review_round.id)]
    by_item = [(text, n, points[text]) for text, n in times.most_common()]
    return RoundReport(review_round, review_round.template.version, lines, grades, by_item, tasks)


# ---- PDF and XLSX ---------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["people_date"] = people_date
    env.filters["people_datetime"] = people_datetime
    return env


def report_html(report: RoundReport, names: dict[int, str]) -> str:
    page = _environment().get_template("supervision/reviews/round_report_pdf.html")
    return page.render(report=report, names=names)


def report_pdf(report: RoundReport, names: dict[int, str]) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=report_html(report, names)).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf


XLSX_HEADER = ("序号", "案件编号", "案由", "单位", "层级", "得分", "等次", "扣分与否决依据")


def report_rows(report: RoundReport) -> list[list[Value]]:
    rows: list[list[Value]] = [list(XLSX_HEADER)]
    for number, line in enumerate(report.lines, 1):
        reasons = "；".join(f"{text}（{f.points}分）{f.detail}" for text, f in line.findings)
        rows.append(
            [
                number,
                line.sheet.action_id,
                line.title,
                line.unit,
                line.sheet.stratum,
                line.sheet.total,
                line.sheet.grade or "未提交",
                reasons,
            ]
        )
    return rows


def report_xlsx(report: RoundReport) -> bytes:
    return xlsx_bytes("案卷评查结果", report_rows(report))


def user_names(db: Session, ids: set[int]) -> dict[int, str]:
    return {u.id: u.full_name for u in db.scalars(select(User).where(User.id.in_(ids)))}


# ---- figures across rounds ------------------------------------------------------------------


@dataclass
class Tally:
    name: str
    sheets: int = 0
    points: int = 0
    grades: Counter[str] = field(default_factory=Counter)

    @property
    def average(self) -> str:
        return f"{self.points / self.sheets:.1f}" if self.sheets else "—"


@dataclass(frozen=True)
class Figures:
    units: list[Tally]
    officers: list[Tally]


def figures(db: Session) -> Figures:
    """Per unit and per officer (those assigned to each case), over every submitted sheet."""
    query = select(ReviewSheet, Action).join(Action, Action.id == ReviewSheet.action_id)
    units: dict[int | None, Tally] = {}
    officers: dict[int, Tally] = {}
    rows = db.execute(query.where(ReviewSheet.status == SheetStatus.submitted)).all()
    assigned = select(ActionOfficer.action_id, ActionOfficer.officer_id).where(
        ActionOfficer.action_id.in_([a.id for _, a in rows])
    )
    by_action: dict[int, list[int]] = {}
    for action_id, officer_id in db.execute(assigned):
        by_action.setdefault(action_id, []).append(officer_id)
    names = user_names(db, {o for ids in by_action.values() for o in ids})
    for sheet, action in rows:
        tallies = [units.setdefault(action.unit_id, Tally(_unit_name(db, action.unit_id)))]
        tallies += [
            officers.setdefault(o, Tally(names.get(o, "—"))) for o in by_action.get(action.id, [])
        ]
        for tally in tallies:
            tally.sheets += 1
            tally.points += sheet.total or 0
            tally.grades[sheet.grade or ""] += 1
    return Figures(
        sorted(units.values(), key=lambda t: t.name),
        sorted(officers.values(), key=lambda t: t.name),
    )

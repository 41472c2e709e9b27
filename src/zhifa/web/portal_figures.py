"""The public page of the yearly enforcement figures (公示办法 第三条、第七条第四款):
``/figures`` lists the published years, ``/figures/<year>`` shows one year's published
snapshot: a few headline numbers first, bar charts (inline SVG drawn here, the numbers on
the bars and in each chart's title), every figure once in the table by section, the
definitions folded, and the version, ledger index and digest folded under 核验.

Reads the portal's snapshot tables only (``publicity.portal.subjects``), so it is served
by the portal-only process as well: what it shows is exactly what was frozen and ledgered
when the legal section published the year."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.core.http import Db, render
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly.service import KIND
from zhifa.publicity.models import SnapshotStatus
from zhifa.publicity.portal import subjects as portal_subjects
from zhifa.web.portal import yuan

router = APIRouter(tags=["公示门户（无需登录）"])


def _not_found(request: Request) -> Response:
    return render(
        request,
        "error.html",
        404,
        heading="未找到该年度数据",
        message="该年度的行政执法数据尚未公开，或链接有误。",
    )


def sections(snapshot: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The snapshot's figures grouped by section, in their frozen order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for figure in snapshot.get("figures", []):
        grouped.setdefault(str(figure.get("section", "")), []).append(figure)
    return list(grouped.items())


# The figures a reader looks for first, in this order (shown when the year has them).
HEADLINE = (
    "total.decisions",
    "inspection.count",
    "penalty.decisions",
    "penalty.fine_amount",
    "publicity.on_time_rate",
    "recording.coverage",
)


def _number(value: str, unit: str) -> str:
    """A figure as a headline shows it: thousands separated, 万元 in 元, 98.5%."""
    if unit == "万元":
        return yuan(value) or "0 元"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    shown = f"{number:,}"
    return f"{shown}%" if unit == "%" else f"{shown} {unit}"


def headline(snapshot: dict[str, Any]) -> list[dict[str, str]]:
    """The headline figures of a year: name and value as people read it (figures that
    are not available, "—", are left out)."""
    by_code = {str(f.get("code")): f for f in snapshot.get("figures", [])}
    found = [by_code[c] for c in HEADLINE if c in by_code]
    return [
        {"name": str(f["name"]), "value": _number(str(f["value"]), str(f["unit"]))}
        for f in found
        if str(f.get("value")) not in ("", "—")
    ]


@router.get("/figures", response_class=HTMLResponse, summary="年度行政执法数据")
def figures_list(request: Request, db: Db) -> Response:
    rows = portal_subjects.listing(db, kind=KIND)
    years = sorted(rows, key=lambda r: r.subject, reverse=True)
    return render(request, "portal_figures.html", years=years)


@router.get("/figures/{year}", response_class=HTMLResponse, summary="某年度行政执法数据")
def figures_year(request: Request, year: str, db: Db) -> Response:
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        return _not_found(request)
    row = portal_subjects.current(db, KIND, year)
    if row is None:
        return _not_found(request)
    if row.status == SnapshotStatus.withdrawn.value:
        return render(
            request,
            "error.html",
            410,
            heading="该年度数据已撤下",
            message=f"撤下原因：{row.note}" if row.note else "该年度数据已撤下。",
        )
    snapshot = portal_subjects.snapshot_of(row)
    values = {str(f.get("code")): str(f.get("value")) for f in snapshot.get("figures", [])}
    return render(
        request,
        "portal_figures_year.html",
        row=row,
        snapshot=snapshot,
        sections=sections(snapshot),
        headline=headline(snapshot),
        headings=yearly.HEADINGS,
        charts=yearly.charts(values),
        history=portal_subjects.history(db, KIND, year),
    )

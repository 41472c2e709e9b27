"""Pages of the yearly figures (统计监督 → 年度执法数据): the years and their obligations,
one year's sheet with the sections' forms and the legal section's review, publishing,
the report to the municipal bureau, and the XLSX for the municipal bureau."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.errors import InvalidInput
from zhifa.core.http import CSRF_FIELD, Config, Db, Tx, form_values, redirect, render, require
from zhifa.core.permissions import Permission
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly import service as yearly_service
from zhifa.insight.yearly.models import PART_STATUS_LABELS
from zhifa.insight.yearly.service import check_year
from zhifa.insight.yearly.xlsx import yearly_workbook

pages = APIRouter(prefix="/app/insight/yearly", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.figures_read))]
Reviewer = Annotated[Principal, Depends(require(Permission.figures_review))]
Year = Annotated[int, Path(ge=0, le=9999)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _fields_as_typed(request: Request) -> dict[str, str]:
    """The posted figures or notes untrimmed (the service judges them as sent), without
    the CSRF token."""
    fields = await form_values(request, trim=False)
    fields.pop(CSRF_FIELD, None)
    return fields


Fields = Annotated[dict[str, str], Depends(_fields_as_typed)]


@pages.get("", response_class=HTMLResponse)
def years_page(request: Request, db: Db, who: Reader) -> Response:
    """The last years and the state of each year's publication duty."""
    on, calendar = today(), working_calendar(db)
    duties = [
        yearly_service.obligation(db, calendar, year, on)
        for year in yearly_service.duty_years(db, on)
    ]
    return render(request, "yearly_years.html", duties=duties, this_year=on.year)


def _sheet_context(db: Session, who: Principal, year: int, bureau: str) -> dict[str, object]:
    on, calendar = today(), working_calendar(db)
    check_year(year, on)
    current = yearly_service.sheet(db, calendar, year, on, bureau)
    basis = current.basis
    parts = yearly_service.parts(db, year)
    return {
        "year": year,
        "sheet": current,
        "sections": yearly.SECTIONS,
        "headings": yearly.HEADINGS,
        "basis_label": yearly.BASIS_LABELS[basis],
        "running": year == on.year,
        "duty": yearly_service.obligation(db, calendar, year, on),
        "parts": parts,
        "people": yearly_service.people(db, parts.values()),
        "part_forms": [(p, yearly.part_figures(p, basis)) for p in yearly.PARTS],
        "part_labels": yearly.PART_LABELS,
        "can_submit": {p: who.can(m) for p, m in yearly_service.PART_PERMISSIONS.items()},
        "can_review": who.can(Permission.figures_review),
        "status_labels": PART_STATUS_LABELS,
        "reports": yearly_service.reports(db, year),
        "methods": yearly_service.REPORT_METHODS,
        "charts": yearly.charts(current.values),
        "today": on,
    }


# Before "/{year}": the page's pattern would take "2026.xlsx" too.
@pages.get("/{year}.xlsx")
def year_xlsx(db: Db, who: Reader, year: Year, config: Config) -> Response:
    on = today()
    check_year(year, on)
    current = yearly_service.sheet(db, working_calendar(db), year, on, config.bureau_name)
    body = yearly_workbook(current, on)
    name = f"{current.title}统计表.xlsx"
    return Response(
        body,
        media_type=XLSX,
        headers={
            "content-disposition": f'attachment; filename="yearly-figures-{year}.xlsx"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )


@pages.get("/{year}", response_class=HTMLResponse)
def year_page(request: Request, db: Db, who: Reader, year: Year, config: Config) -> Response:
    context = _sheet_context(db, who, year, config.bureau_name)
    return render(request, "yearly_sheet.html", **context)


@pages.post("/{year}/parts/{part}")
def submit_part(db: Tx, who: Reader, year: Year, part: str, fields: Fields) -> Response:
    note = fields.pop("note", "")
    yearly_service.submit(db, who, year, part, fields, note)
    return redirect(f"/app/insight/yearly/{year}#part-{part}")


@pages.post("/{year}/parts/{part}/approve")
def approve_part(db: Tx, who: Reviewer, year: Year, part: str) -> Response:
    yearly_service.approve(db, who, year, part)
    return redirect(f"/app/insight/yearly/{year}#part-{part}")


@pages.post("/{year}/parts/{part}/return")
def return_part(db: Tx, who: Reviewer, year: Year, part: str, fields: Fields) -> Response:
    yearly_service.send_back(db, who, year, part, fields.get("reason", ""))
    return redirect(f"/app/insight/yearly/{year}#part-{part}")


@pages.post("/{year}/publish")
def publish(db: Tx, who: Reviewer, year: Year, config: Config) -> Response:
    yearly_service.publish(db, who, working_calendar(db), year, config.bureau_name)
    return redirect(f"/app/insight/yearly/{year}#duty")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("报送日期格式应为 YYYY-MM-DD", "reported_on") from None


@pages.post("/{year}/reports")
def record_report(db: Tx, who: Reviewer, year: Year, fields: Fields) -> Response:
    day = _day(fields.get("reported_on", ""))
    yearly_service.record_report(
        db, who, year, day, fields.get("method", ""), fields.get("note", "")
    )
    return redirect(f"/app/insight/yearly/{year}#reports")

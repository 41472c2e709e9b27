"""Pages of 统计监督: the overdue report (/app/insight/overdue) and its XLSX export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.errors import InvalidInput
from zhifa.core.http import Tx, record_id_or_none, render, require
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.insight.accountability import DUTY_LABELS, DutyKind, Filters, Report, overdue_report
from zhifa.insight.xlsx import overdue_workbook
from zhifa.publicity import service as publicity
from zhifa.publicity.duties import platform_started_on

pages = APIRouter(prefix="/app/insight", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.accountability_read))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", field) from None


def _id(value: str, field: str) -> int | None:
    if not value:
        return None
    number = record_id_or_none(value)
    if number is None:
        raise InvalidInput("筛选条件取值无效", field)
    return number


def _kind(value: str) -> DutyKind | None:
    if not value:
        return None
    try:
        return DutyKind(value)
    except ValueError:
        raise InvalidInput(f"类别取值无效（{'/'.join(DUTY_LABELS.values())}）", "kind") from None


def filters_from(start: str, end: str, unit: str, person: str, kind: str) -> Filters:
    first, last = _day(start, "from"), _day(end, "to")
    if first and last and first > last:
        raise InvalidInput("开始日期不能晚于结束日期", "from")
    return Filters(first, last, _id(unit, "unit"), _id(person, "person"), _kind(kind))


@dataclass(frozen=True)
class Wanted:
    """The report's query string as sent (for links) and as checked filters."""

    raw: dict[str, str]
    filters: Filters


def wanted(
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    unit: Annotated[str, Query(max_length=12)] = "",
    person: Annotated[str, Query(max_length=12)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
) -> Wanted:
    raw = {"from": start, "to": end, "unit": unit, "person": person, "kind": kind}
    return Wanted(raw, filters_from(start, end, unit, person, kind))


Asked = Annotated[Wanted, Depends(wanted)]


def _name(db: Session, model: type[Unit] | type[User], row_id: int | None) -> str:
    if row_id is None:
        return "不限"
    row = db.get(model, row_id)
    if row is None:
        return f"#{row_id}（不存在）"
    return row.name if isinstance(row, Unit) else row.full_name


def describe(db: Session, f: Filters) -> str:
    """The filters in words (the export's second row and the access log's purpose)."""
    return "；".join(
        [
            f"期限届满日 {f.start or '不限'} 至 {f.end or '不限'}",
            f"单位：{_name(db, Unit, f.unit_id)}",
            f"责任人：{_name(db, User, f.person_id)}",
            f"类别：{DUTY_LABELS[f.kind] if f.kind else '全部'}",
        ]
    )


def _report(db: Session, f: Filters) -> Report:
    """The report as of today; obligations of newly issued decisions are synced first,
    as the deadline board does, so none is missing (a write: the handlers take `Tx`)."""
    publicity.refresh(db)
    return overdue_report(db, working_calendar(db), today(), f)


@pages.get("/overdue", response_class=HTMLResponse)
def overdue_page(request: Request, db: Tx, who: Reader, q: Asked) -> Response:
    report = _report(db, q.filters)
    words = describe(db, q.filters)
    units = list(db.scalars(select(Unit).order_by(Unit.id)))
    people = list(db.scalars(select(User).order_by(User.id)))
    log_access(db, who, "overdue_report", None, f"逾期问责报告（{words}）")
    export = "/app/insight/overdue.xlsx?" + urlencode({k: v for k, v in q.raw.items() if v})
    return render(
        request,
        "insight_overdue.html",
        report=report,
        words=words,
        raw=q.raw,
        units=units,
        people=people,
        kinds=DUTY_LABELS,
        export=export,
        started_on=platform_started_on(db),
    )


@pages.get("/overdue.xlsx")
def overdue_xlsx(db: Tx, who: Reader, q: Asked) -> Response:
    report = _report(db, q.filters)
    words = describe(db, q.filters)
    body = overdue_workbook(report, words)
    log_access(db, who, "overdue_report", None, f"导出逾期问责报告XLSX（{words}）")
    name = f"逾期问责报告-{report.on.isoformat()}.xlsx"
    return Response(
        body,
        media_type=XLSX,
        headers={
            "content-disposition": f'attachment; filename="overdue-{report.on.isoformat()}.xlsx"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )

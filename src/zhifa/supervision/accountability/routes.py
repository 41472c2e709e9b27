"""Pages of the accountability report: the list with filters (phone-friendly), the
decision form of one instance, and the XLSX and PDF exports for 上一级."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.errors import InvalidInput, NotFound
from zhifa.core.http import (
    PDF_FILE,
    Config,
    Tx,
    form_values,
    notice_of,
    record_id_or_none,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import Unit
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.supervision.accountability import export, service
from zhifa.supervision.accountability.rules import (
    KIND_LABELS,
    OUTCOME_LABELS,
    Filters,
    Instance,
    InstanceKind,
)

pages = APIRouter(prefix="/app/supervision/accountability", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.accountability_read))]
Decider = Annotated[Principal, Depends(require(Permission.accountability_decide))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOME = "/app/supervision/accountability"
NOTICES = {"decided": "处理决定已登记，记入不可篡改日志。"}
_FIELDS = ("instance_key", "outcome", "reason")


def _day(value: str, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", field) from None


def _unit(value: str) -> int | None:
    number = record_id_or_none(value) if value else None
    if value and number is None:
        raise InvalidInput("单位取值无效", "unit")
    return number


def _kind(value: str) -> InstanceKind | None:
    try:
        return InstanceKind(value) if value else None
    except ValueError:
        raise InvalidInput(f"类别取值无效（{'/'.join(KIND_LABELS.values())}）", "kind") from None


@dataclass(frozen=True)
class Wanted:
    raw: dict[str, str]
    filters: Filters


def wanted(
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    unit: Annotated[str, Query(max_length=12)] = "",
    kind: Annotated[str, Query(max_length=30)] = "",
) -> Wanted:
    first, last = _day(start, "from"), _day(end, "to")
    if first and last and first > last:
        raise InvalidInput("开始日期不能晚于结束日期", "from")
    raw = {"from": start, "to": end, "unit": unit, "kind": kind}
    return Wanted(raw, Filters(first, last, _unit(unit), _kind(kind)))


Asked = Annotated[Wanted, Depends(wanted)]


def describe(db: Session, f: Filters) -> str:
    """The filters in words (the exports' heading and the access log's purpose)."""
    unit = db.get(Unit, f.unit_id) if f.unit_id else None
    return "；".join(
        [
            f"日期 {f.start or '不限'} 至 {f.end or '不限'}",
            f"单位：{unit.name if unit else ('不限' if f.unit_id is None else '（不存在）')}",
            f"类别：{KIND_LABELS[f.kind] if f.kind else '全部'}",
        ]
    )


def _query(raw: dict[str, str]) -> str:
    return urlencode({k: v for k, v in raw.items() if v})


@pages.get("", response_class=HTMLResponse)
def report_page(request: Request, db: Tx, who: Reader, q: Asked) -> Response:
    report = service.report(db, q.filters)
    words = describe(db, q.filters)
    log_access(db, who, "accountability_report", None, f"问责情况报告（{words}）")
    return render(
        request,
        "supervision/accountability.html",
        report=report,
        words=words,
        raw=q.raw,
        query=_query(q.raw),
        units=list(db.scalars(select(Unit).order_by(Unit.id))),
        kinds=KIND_LABELS,
        outcomes=OUTCOME_LABELS,
        notice=notice_of(request, NOTICES),
    )


def _download(body: bytes, media_type: str, name: str, ascii_name: str) -> Response:
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media_type, headers={"content-disposition": disposition})


@pages.get(".xlsx")
def report_xlsx(db: Tx, who: Reader, q: Asked) -> Response:
    report = service.report(db, q.filters)
    words = describe(db, q.filters)
    log_access(db, who, "accountability_report", None, f"导出问责情况报告XLSX（{words}）")
    day = report.on.isoformat()
    body = export.workbook(report, words)
    return _download(body, XLSX, f"问责情况报告-{day}.xlsx", f"accountability-{day}.xlsx")


@pages.get(".pdf", responses=PDF_FILE)
def report_pdf(db: Tx, who: Reader, q: Asked, settings: Config) -> Response:
    report = service.report(db, q.filters)
    words = describe(db, q.filters)
    log_access(db, who, "accountability_report", None, f"导出问责情况报告PDF（{words}）")
    day = report.on.isoformat()
    body = export.report_pdf(report, words, settings.bureau_name)
    name = f"问责情况报告-{day}.pdf"
    return _download(body, "application/pdf", name, f"accountability-{day}.pdf")


def _instance(db: Session, key: str) -> Instance:
    for row in service.instances(db, Filters()):
        if row.key == key:
            return row
    raise NotFound("该问责事项不存在或已不再成立", "instance_key")


def _decide_context(db: Session, key: str, values: dict[str, str]) -> dict[str, Any]:
    return {
        "row": _instance(db, key),
        "decided": service.latest_decisions(db).get(key),
        "kinds": KIND_LABELS,
        "outcomes": OUTCOME_LABELS,
        "values": values,
    }


@pages.get("/decide", response_class=HTMLResponse)
def decide_page(
    request: Request, db: Tx, who: Decider, key: Annotated[str, Query(max_length=120)]
) -> Response:
    context = _decide_context(db, key, {"instance_key": key})
    return render(request, "supervision/accountability_decide.html", **context)


@pages.post("/decide", response_class=HTMLResponse)
async def decide(request: Request, db: Tx, who: Decider) -> Response:
    values = await form_values(request, _FIELDS)
    return submit(
        request,
        db,
        lambda: service.decide(db, parse(service.DecisionIn, values), who),
        page="supervision/accountability_decide.html",
        context=lambda: _decide_context(db, values["instance_key"], values),
        then=lambda _row: redirect(HOME, "decided"),
    )

"""Pages and JSON API of the 执法检查人员名录库: the officers listed for a period and field
(and why others are not), their absences and declared 回避 relations (each recorded or
withdrawn as a new version), and the frozen candidate lists a draw commits to."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.inspection.directory import collect
from zhifa.inspection.inspectors import service as inspectors
from zhifa.inspection.inspectors.rules import ABSENCE_LABELS, Period
from zhifa.inspection.inspectors.schemas import AbsenceOut, CandidatesOut, InspectorOut, RecusalOut

pages = APIRouter(prefix="/app/inspection/inspectors", include_in_schema=False)
api = APIRouter(prefix="/api/v1/inspection", tags=["双随机：执法检查人员名录库"])

Reader = Annotated[Principal, Depends(require(Permission.inspection_read))]
Writer = Annotated[Principal, Depends(require(Permission.inspection_write))]
Declarer = Annotated[Principal, Depends(require(Permission.inspection_recusal_declare))]

DEFAULT_FIELD = "安全生产"
NOTICES = {
    "absence": "已登记不可用时段。",
    "recusal": "已登记回避关系。",
    "withdrawn": "已撤销（作为新版本记录，原记录保留可查）。",
}


def period_of(start: date | None = None, end: date | None = None) -> Period:
    """The period the query names (today when it names none)."""
    start = start or today()
    end = end or start
    if end < start:
        raise DomainError("截止日期不能早于起始日期", "end")
    return Period(start, end)


QueryPeriod = Annotated[Period, Depends(period_of)]


def absence_of_path(absence_id: RecordId, db: Db, who: Reader) -> inspectors.AbsenceView:
    """The absence the path names, if ``who`` may see it (404 otherwise)."""
    return inspectors.get_absence(db, absence_id, who)


def recusal_of_path(recusal_id: RecordId, db: Db, who: Reader) -> inspectors.RecusalView:
    """The 回避 relation the path names, if ``who`` may see it (404 otherwise)."""
    return inspectors.get_recusal(db, recusal_id, who)


AbsenceOfPath = Annotated[inspectors.AbsenceView, Depends(absence_of_path)]
RecusalOfPath = Annotated[inspectors.RecusalView, Depends(recusal_of_path)]


def _context(db: Session, request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "absence_labels": ABSENCE_LABELS,
        "officers": [o.user for o in list_officers(db)],
        "notice": notice_of(request, NOTICES),
        **extra,
    }


# ---- pages -----------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def inspector_page(
    request: Request, db: Tx, who: Reader, period: QueryPeriod, field: str = DEFAULT_FIELD
) -> Response:
    field = field.strip()[:50] or DEFAULT_FIELD
    log_access(db, who, "inspector_directory", None, f"名录查询 {period} {field}")
    return render(
        request,
        "inspector_directory.html",
        period=period,
        field=field,
        rows=inspectors.inspector_rows(db, period, field),
        absences=inspectors.list_absences(db, who),
        recusals=inspectors.list_recusals(db, who),
        **_context(db, request),
    )


@pages.get("/absences/new", response_class=HTMLResponse)
def absence_new_page(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "absence_form.html", values={}, **_context(db, request))


@pages.post("/absences/new", response_class=HTMLResponse)
async def absence_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await form_values(request, ("officer_id", "kind", "starts_on", "ends_on", "note"))
    return submit(
        request,
        db,
        lambda: inspectors.record_absence(db, parse(inspectors.AbsenceIn, values), who),
        page="absence_form.html",
        context=lambda: _context(db, request, values=values),
        then=lambda _: redirect("/app/inspection/inspectors", "absence"),
    )


@pages.get("/recusals/new", response_class=HTMLResponse)
def recusal_new_page(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "recusal_form.html", values={}, **_context(db, request))


@pages.post("/recusals/new", response_class=HTMLResponse)
async def recusal_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    fields = await form_values(request, ("officer_id", "uscc", "ground", "starts_on", "ends_on"))
    values: dict[str, str | None] = {**fields, "ends_on": fields["ends_on"] or None}
    return submit(
        request,
        db,
        lambda: inspectors.record_recusal(db, parse(inspectors.RecusalIn, values), who),
        page="recusal_form.html",
        context=lambda: _context(db, request, values=values),
        then=lambda _: redirect("/app/inspection/inspectors", "recusal"),
    )


@pages.get("/recusals/declare", response_class=HTMLResponse)
def recusal_declare_page(request: Request, db: Db, who: Declarer) -> Response:
    return render(request, "recusal_form.html", values={}, own=True, **_context(db, request))


@pages.post("/recusals/declare", response_class=HTMLResponse)
async def recusal_declare_submit(request: Request, db: Tx, who: Declarer) -> Response:
    fields = await form_values(request, ("uscc", "ground", "starts_on", "ends_on"))
    values: dict[str, str | None] = {**fields, "ends_on": fields["ends_on"] or None}
    return submit(
        request,
        db,
        lambda: inspectors.declare_recusal(db, parse(inspectors.RecusalDeclaration, values), who),
        page="recusal_form.html",
        context=lambda: _context(db, request, values=values, own=True),
        then=lambda _: redirect("/app/inspection/inspectors", "recusal"),
    )


def _refused_withdrawal(request: Request, db: Session, who: Principal) -> dict[str, Any]:
    period = period_of()
    return _context(
        db,
        request,
        period=period,
        field=DEFAULT_FIELD,
        rows=inspectors.inspector_rows(db, period, DEFAULT_FIELD),
        absences=inspectors.list_absences(db, who),
        recusals=inspectors.list_recusals(db, who),
    )


@pages.post("/absences/{absence_id}/withdraw", response_class=HTMLResponse)
async def absence_withdraw_submit(
    request: Request, db: Tx, who: Writer, view: AbsenceOfPath
) -> Response:
    absence_id, values = view.absence.id, await form_values(request, ("reason",))
    return submit(
        request,
        db,
        lambda: inspectors.withdraw_absence(
            db, absence_id, parse(inspectors.Withdrawal, values), who
        ),
        page="inspector_directory.html",
        context=lambda: _refused_withdrawal(request, db, who),
        then=lambda _: redirect("/app/inspection/inspectors", "withdrawn"),
    )


@pages.post("/recusals/{recusal_id}/withdraw", response_class=HTMLResponse)
async def recusal_withdraw_submit(
    request: Request, db: Tx, who: Writer, view: RecusalOfPath
) -> Response:
    recusal_id, values = view.recusal.id, await form_values(request, ("reason",))
    return submit(
        request,
        db,
        lambda: inspectors.withdraw_recusal(
            db, recusal_id, parse(inspectors.Withdrawal, values), who
        ),
        page="inspector_directory.html",
        context=lambda: _refused_withdrawal(request, db, who),
        then=lambda _: redirect("/app/inspection/inspectors", "withdrawn"),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get("/inspectors", summary="执法检查人员名录（某期间、某执法领域）")
def api_inspectors(
    db: Tx, who: Reader, period: QueryPeriod, field: str = DEFAULT_FIELD
) -> list[InspectorOut]:
    log_access(db, who, "inspector_directory", None, f"名录查询 {period} {field}", via="api")
    return [InspectorOut.of(row) for row in inspectors.inspector_rows(db, period, field)]


@api.get("/candidates", summary="某期间、某执法领域的冻结候选名单（检查对象、检查人员、回避关系）")
def api_candidates(
    db: Tx, who: Writer, period: QueryPeriod, field: str = DEFAULT_FIELD
) -> CandidatesOut:
    log_access(db, who, "inspector_directory", None, f"候选名单 {period} {field}", via="api")
    return CandidatesOut.of(collect(db, period, field))


@api.get("/absences", summary="不可用时段（休假、培训、借调等）")
def api_absences(db: Tx, who: Reader) -> list[AbsenceOut]:
    log_access(db, who, "inspector_absence", None, "列表查询", via="api")
    return [AbsenceOut.of(v) for v in inspectors.list_absences(db, who)]


@api.post("/absences", status_code=201, summary="登记执法人员的不可用时段")
def api_absence_add(data: inspectors.AbsenceIn, db: Tx, who: Writer) -> AbsenceOut:
    return AbsenceOut.of(inspectors.record_absence(db, data, who))


@api.get("/absences/{absence_id}", summary="不可用时段详情（当前版本与历史版本）")
def api_absence(db: Tx, who: Reader, view: AbsenceOfPath) -> AbsenceOut:
    log_access(db, who, "inspector_absence", view.absence.id, "查看详情", via="api")
    return AbsenceOut.of(view, inspectors.absence_history(db, view))


@api.post("/absences/{absence_id}/withdraw", summary="撤销不可用时段（生成新版本）")
def api_absence_withdraw(
    absence_id: RecordId, data: inspectors.Withdrawal, db: Tx, who: Writer
) -> AbsenceOut:
    return AbsenceOut.of(inspectors.withdraw_absence(db, absence_id, data, who))


@api.get("/recusals", summary="回避关系（执法人员与检查对象）")
def api_recusals(db: Tx, who: Reader) -> list[RecusalOut]:
    log_access(db, who, "inspector_recusal", None, "列表查询", via="api")
    return [RecusalOut.of(v) for v in inspectors.list_recusals(db, who)]


@api.post("/recusals", status_code=201, summary="登记执法人员申报的回避关系")
def api_recusal_add(data: inspectors.RecusalIn, db: Tx, who: Writer) -> RecusalOut:
    return RecusalOut.of(inspectors.record_recusal(db, data, who))


@api.post("/recusals/declare", status_code=201, summary="执法人员申报本人的回避关系")
def api_recusal_declare(data: inspectors.RecusalDeclaration, db: Tx, who: Declarer) -> RecusalOut:
    return RecusalOut.of(inspectors.declare_recusal(db, data, who))


@api.get("/recusals/{recusal_id}", summary="回避关系详情（当前版本与历史版本）")
def api_recusal(db: Tx, who: Reader, view: RecusalOfPath) -> RecusalOut:
    log_access(db, who, "inspector_recusal", view.recusal.id, "查看详情", via="api")
    return RecusalOut.of(view, inspectors.recusal_history(db, view))


@api.post("/recusals/{recusal_id}/withdraw", summary="撤销回避关系（生成新版本）")
def api_recusal_withdraw(
    recusal_id: RecordId, data: inspectors.Withdrawal, db: Tx, who: Writer
) -> RecusalOut:
    return RecusalOut.of(inspectors.withdraw_recusal(db, recusal_id, data, who))

"""Pages of case-file review: rounds (list, announce, draw, close, approve, report PDF and
XLSX), the reviewer's assigned cases and score sheet, rectification tasks and the figures
across rounds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.http import (
    Config,
    Db,
    LedgerSigner,
    RecordId,
    Tx,
    form_values,
    notice_of,
    record_id_or_none,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.supervision.reviews import report, rounds, service, views
from zhifa.supervision.reviews.schemas import (
    ApproveIn,
    CloseIn,
    DismissIn,
    DrawIn,
    FindingIn,
    ReassignIn,
    RectificationIn,
    RoundIn,
)

pages = APIRouter(prefix="/app/supervision/reviews", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.case_review_read))]
Manager = Annotated[Principal, Depends(require(Permission.case_review_manage))]
Scorer = Annotated[Principal, Depends(require(Permission.case_review_score))]
Approver = Annotated[Principal, Depends(require(Permission.case_review_approve))]


NOTICES = {
    "announced": "评查轮次已公告：案件和评查人员名单已冻结并签名，待随机数产生后抽取。",
    "drawn": "已抽取案卷并分配评查人员，评查人员已获得本轮期间的调阅授权。",
    "closed": "本轮评查已结束，评查人员的调阅授权已撤销。",
    "approved": "评查报告已审定。",
    "reassigned": "已调整评查人员。",
    "rectification": "整改任务已下达。",
    "rectified": "整改任务已办结。",
    "added": "扣分意见已记录。",
    "confirmed": "已确认该意见。",
    "dismissed": "已排除该意见。",
    "submitted": "评分表已提交。",
    "revised": "已形成评分模板新版本；此后新建的评查轮次使用此版本，已建轮次不受影响。",
}
_ROUND_FIELDS = (
    "name",
    "period_from",
    "period_to",
    "per_stratum",
    "team_size",
    "cap",
    "ends_on",
    "round_at",
)
_LISTS = ("kinds", "unit_ids", "reviewer_ids")
_FINDING_FIELDS = ("item_code", "points", "detail", "link_kind", "link_id")


async def _round_values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = await form_values(request, _ROUND_FIELDS)
    values = {k: v for k, v in values.items() if v != "" or k in ("name",)}
    return values | {k: [str(v) for v in form.getlist(k)] for k in _LISTS}


@pages.get("", response_class=HTMLResponse)
def rounds_page(request: Request, who: Reader, db: Db) -> Response:
    notice = notice_of(request, NOTICES)
    return render(request, "supervision/reviews/rounds.html", notice=notice, **views.round_list(db))


@pages.post("", response_class=HTMLResponse)
async def round_announce(
    request: Request, who: Manager, db: Tx, settings: Config, signer: LedgerSigner
) -> Response:
    values = await _round_values(request)
    return submit(
        request,
        db,
        lambda: rounds.announce(db, parse(RoundIn, values), who, signer, settings.log_origin),
        page="supervision/reviews/rounds.html",
        context=lambda: views.round_list(db, values),
        then=lambda row: redirect(f"/app/supervision/reviews/{row.id}", "announced"),
    )


@pages.get("/mine", response_class=HTMLResponse)
def mine_page(request: Request, who: Scorer, db: Db) -> Response:
    return render(request, "supervision/reviews/mine.html", **views.mine(db, who))


@pages.get("/figures", response_class=HTMLResponse)
def figures_page(request: Request, who: Reader, db: Db) -> Response:
    return render(request, "supervision/reviews/figures.html", figures=report.figures(db))


# ---- the scoring template's versions (before /{round_id}, which would take the path); every
# reviewer may read what they score by, the legal section revises it


@pages.get("/templates", response_class=HTMLResponse)
def templates_page(request: Request, who: Scorer, db: Db) -> Response:
    return render(request, "supervision/reviews/templates.html", **views.templates(db))


@pages.get("/templates/new", response_class=HTMLResponse)
def template_form_page(request: Request, who: Manager, db: Db) -> Response:
    return render(request, "supervision/reviews/template_form.html", **views.template_form(db))


@pages.post("/templates", response_class=HTMLResponse)
async def template_revise(request: Request, who: Manager, db: Tx) -> Response:
    values = await form_values(request)
    based_on = record_id_or_none(values.get("based_on", "")) or 0
    return submit(
        request,
        db,
        lambda: rounds.revise_template(db, based_on, values, who),
        page="supervision/reviews/template_form.html",
        context=lambda: views.template_form(db, values),
        then=lambda row: redirect(f"/app/supervision/reviews/templates/{row.version}", "revised"),
    )


@pages.get("/templates/{version}", response_class=HTMLResponse)
def template_page(request: Request, version: RecordId, who: Scorer, db: Db) -> Response:
    notice = notice_of(request, NOTICES)
    context = views.template(db, version)
    return render(request, "supervision/reviews/template.html", notice=notice, **context)


# ---- the score sheet ------------------------------------------------------------------------


def _sheet_page(
    request: Request, db: Session, who: Principal, sheet_id: int, **extra: Any
) -> Response:
    context = views.sheet(db, service.sheet_of(db, sheet_id), who)
    return render(request, "supervision/reviews/sheet.html", **context, **extra)


@pages.get("/sheets/{sheet_id}", response_class=HTMLResponse)
def sheet_page(request: Request, sheet_id: RecordId, who: Scorer, db: Db) -> Response:
    return _sheet_page(request, db, who, sheet_id, notice=notice_of(request, NOTICES))


def _sheet_change(
    request: Request,
    db: Session,
    who: Principal,
    sheet_id: int,
    change: Any,
    done: str,
    values: dict[str, str] | None = None,
) -> Response:
    sheet = service.sheet_of(db, sheet_id)
    return submit(
        request,
        db,
        lambda: change(sheet),
        page="supervision/reviews/sheet.html",
        context=lambda: views.sheet(db, service.sheet_of(db, sheet_id), who, values),
        then=lambda _: redirect(f"/app/supervision/reviews/sheets/{sheet_id}", done),
    )


@pages.post("/sheets/{sheet_id}/findings", response_class=HTMLResponse)
async def finding_add(request: Request, sheet_id: RecordId, who: Scorer, db: Tx) -> Response:
    values = await form_values(request, _FINDING_FIELDS)

    def change(sheet: Any) -> object:
        return service.add_finding(db, sheet, parse(FindingIn, values), who)

    return _sheet_change(request, db, who, sheet_id, change, "added", values)


@pages.post("/sheets/{sheet_id}/findings/{finding_id}/confirm", response_class=HTMLResponse)
def finding_confirm(
    request: Request, sheet_id: RecordId, finding_id: RecordId, who: Scorer, db: Tx
) -> Response:
    def change(sheet: Any) -> object:
        return service.confirm(db, sheet, finding_id, who)

    return _sheet_change(request, db, who, sheet_id, change, "confirmed")


@pages.post("/sheets/{sheet_id}/findings/{finding_id}/dismiss", response_class=HTMLResponse)
async def finding_dismiss(
    request: Request, sheet_id: RecordId, finding_id: RecordId, who: Scorer, db: Tx
) -> Response:
    values = await form_values(request, ("reason",))

    def change(sheet: Any) -> object:
        return service.dismiss(db, sheet, finding_id, parse(DismissIn, values), who)

    return _sheet_change(request, db, who, sheet_id, change, "dismissed")


@pages.post("/sheets/{sheet_id}/submit", response_class=HTMLResponse)
def sheet_submit(request: Request, sheet_id: RecordId, who: Scorer, db: Tx) -> Response:
    def change(sheet: Any) -> object:
        return service.submit(db, sheet, who)

    return _sheet_change(request, db, who, sheet_id, change, "submitted")


@pages.post("/sheets/{sheet_id}/reassign", response_class=HTMLResponse)
async def sheet_reassign(request: Request, sheet_id: RecordId, who: Manager, db: Tx) -> Response:
    values = await form_values(request, ("old_reviewer_id", "new_reviewer_id", "reason"))

    def change(sheet: Any) -> object:
        return rounds.reassign(db, sheet, parse(ReassignIn, values), who)

    return _sheet_change(request, db, who, sheet_id, change, "reassigned", values)


@pages.post("/sheets/{sheet_id}/rectifications", response_class=HTMLResponse)
async def rectification_add(
    request: Request, sheet_id: RecordId, who: Manager, db: Tx, settings: Config
) -> Response:
    values = await form_values(request, ("requirement",))
    days = settings.case_review_rectification_working_days

    def change(sheet: Any) -> object:
        return service.add_rectification(db, sheet, parse(RectificationIn, values), days, who)

    return _sheet_change(request, db, who, sheet_id, change, "rectification", values)


@pages.post("/sheets/{sheet_id}/rectifications/{task_id}/close", response_class=HTMLResponse)
async def rectification_close(
    request: Request, sheet_id: RecordId, task_id: RecordId, who: Manager, db: Tx
) -> Response:
    values = await form_values(request, ("note",))

    def change(sheet: Any) -> object:
        return service.close_rectification(db, sheet, task_id, parse(CloseIn, values), who)

    return _sheet_change(request, db, who, sheet_id, change, "rectified")


# ---- one round ------------------------------------------------------------------------------


@pages.get("/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, round_id: RecordId, who: Reader, db: Db) -> Response:
    context = views.round_view(db, rounds.round_of(db, round_id))
    return render(
        request, "supervision/reviews/round.html", notice=notice_of(request, NOTICES), **context
    )


def _round_change(request: Request, db: Session, round_id: int, change: Any, done: str) -> Response:
    review_round = rounds.round_of(db, round_id)
    return submit(
        request,
        db,
        lambda: change(review_round),
        page="supervision/reviews/round.html",
        context=lambda: views.round_view(db, rounds.round_of(db, round_id)),
        then=lambda _: redirect(f"/app/supervision/reviews/{round_id}", done),
    )


@pages.post("/{round_id}/draw", response_class=HTMLResponse)
async def round_draw(request: Request, round_id: RecordId, who: Manager, db: Tx) -> Response:
    values = await form_values(request, ("signature",))

    def change(row: Any) -> object:
        return rounds.draw(db, row, parse(DrawIn, values), who)

    return _round_change(request, db, round_id, change, "drawn")


@pages.post("/{round_id}/close", response_class=HTMLResponse)
def round_close(request: Request, round_id: RecordId, who: Manager, db: Tx) -> Response:
    return _round_change(request, db, round_id, lambda row: rounds.close(db, row, who), "closed")


@pages.post("/{round_id}/approve", response_class=HTMLResponse)
async def round_approve(request: Request, round_id: RecordId, who: Approver, db: Tx) -> Response:
    values = await form_values(request, ("note",))

    def change(row: Any) -> object:
        return rounds.approve(db, row, parse(ApproveIn, values), who)

    return _round_change(request, db, round_id, change, "approved")


@pages.get("/{round_id}/report.pdf")
def report_pdf(round_id: RecordId, who: Reader, db: Db) -> Response:
    built = report.round_report(db, rounds.round_of(db, round_id))
    names = report.user_names(db, views.people_of(built))
    body = report.report_pdf(built, names)
    headers = {"Content-Disposition": f'attachment; filename="case-review-{round_id}.pdf"'}
    return Response(body, media_type="application/pdf", headers=headers)


@pages.get("/{round_id}/report.xlsx")
def report_xlsx(round_id: RecordId, who: Reader, db: Db) -> Response:
    body = report.report_xlsx(report.round_report(db, rounds.round_of(db, round_id)))
    headers = {"Content-Disposition": f'attachment; filename="case-review-{round_id}.xlsx"'}
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media, headers=headers)

"""Pages and JSON API of the 年度监督检查计划: the plans, a plan with its batches, a batch
with its strata over the directory as it stands, drafting and editing (while a draft),
and a leader's approval, which freezes the plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.http import Db, RecordId, Tx, form_values, notice_of, redirect, render, require
from zhifa.core.http import submit as submit_form
from zhifa.core.models import Unit
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.inspection.draw import Rounding
from zhifa.inspection.plans import rules
from zhifa.inspection.plans import service as plans
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.schemas import PlanOut, StratumSizeOut
from zhifa.inspection.subjects.rules import STREETS

pages = APIRouter(prefix="/app/inspection/plans", include_in_schema=False)
api = APIRouter(prefix="/api/v1/inspection/plans", tags=["双随机：年度监督检查计划"])

Reader = Annotated[Principal, Depends(require(Permission.inspection_read))]
Writer = Annotated[Principal, Depends(require(Permission.inspection_plan_write))]
Approver = Annotated[Principal, Depends(require(Permission.inspection_plan_approve))]
BatchIndex = Annotated[int, Path(ge=1, le=20)]

NOTICES = {
    "created": "已保存检查计划（草稿）。",
    "batch": "已添加批次。",
    "approved": "计划已批准并冻结，此后不能修改。",
}
BATCH_FIELDS = ("name", "item_id", "basis", "field", "starts_on", "ends_on", "rounding",
                "team_size", "cap", "lead_department", "partners",
                *(f"share_{g}" for g in rules.GRADE_STRATA))  # fmt: skip


def plan_of_path(plan_id: RecordId, db: Db, who: Reader) -> InspectionPlan:
    """The plan the path names (404 when there is none)."""
    return plans.get_plan(db, plan_id)


PlanOfPath = Annotated[InspectionPlan, Depends(plan_of_path)]


def _context(db: Session, request: Request, **extra: Any) -> dict[str, Any]:
    return {
        "units": {u.id: u.name for u in db.scalars(select(Unit).order_by(Unit.id))},
        "items": plans.random_checks(db),
        "streets": STREETS,
        "grades": rules.GRADE_STRATA,
        "roundings": list(Rounding),
        "quota_labels": rules.QUOTA_LABELS,
        "status_labels": rules.STATUS_LABELS,
        "notice": notice_of(request, NOTICES),
        **extra,
    }


def _batch(values: dict[str, str], streets: list[str]) -> rules.BatchIn:
    return parse(rules.BatchIn, rules.batch_data(values, streets))


def _detail(db: Session, request: Request, plan: InspectionPlan, **extra: Any) -> dict[str, Any]:
    return _context(db, request, plan=plan, batches=plans.batches_of(db, plan), **extra)


# ---- pages -----------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def plan_list_page(request: Request, db: Db, who: Reader) -> Response:
    return render(request, "plan_list.html", plans=plans.list_plans(db), **_context(db, request))


@pages.get("/new", response_class=HTMLResponse)
def plan_new_page(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "plan_form.html", values={}, **_context(db, request))


@pages.post("/new", response_class=HTMLResponse)
async def plan_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await form_values(request, ("year", "title", "unit_id"))
    return submit_form(
        request,
        db,
        lambda: plans.create_plan(db, parse(rules.PlanIn, values), who),
        page="plan_form.html",
        context=lambda: _context(db, request, values=values),
        then=lambda plan: redirect(f"/app/inspection/plans/{plan.id}", "created"),
    )


@pages.get("/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, db: Db, who: Reader, plan: PlanOfPath) -> Response:
    return render(request, "plan_detail.html", **_detail(db, request, plan))


@pages.get("/{plan_id}/batches/new", response_class=HTMLResponse)
def batch_new_page(request: Request, db: Db, who: Writer, plan: PlanOfPath) -> Response:
    values = {"team_size": "2", "cap": "5", "field": "安全生产", "share_A": "全部"}
    context = _context(db, request, plan=plan, values=values, chosen=[])
    return render(request, "batch_form.html", **context)


@pages.post("/{plan_id}/batches/new", response_class=HTMLResponse)
async def batch_new_submit(request: Request, db: Tx, who: Writer, plan: PlanOfPath) -> Response:
    values = await form_values(request, BATCH_FIELDS)
    streets = [str(s) for s in (await request.form()).getlist("streets")]
    return submit_form(
        request,
        db,
        lambda: plans.add_batch(db, plan, _batch(values, streets), who),
        page="batch_form.html",
        context=lambda: _context(db, request, plan=plan, values=values, chosen=streets),
        then=lambda _: redirect(f"/app/inspection/plans/{plan.id}", "batch"),
    )


@pages.get("/{plan_id}/batches/{index}", response_class=HTMLResponse)
def batch_page(
    request: Request, db: Db, who: Reader, plan: PlanOfPath, index: BatchIndex
) -> Response:
    view = plans.batch_of(db, plan, index)
    rows = list(zip(view.batch.strata, plans.batch_sizes(db, view.batch), strict=True))
    context = _context(db, request, plan=plan, view=view, rows=rows)
    return render(request, "batch_detail.html", **context)


@pages.post("/{plan_id}/approve", response_class=HTMLResponse)
def plan_approve_submit(request: Request, db: Tx, who: Approver, plan: PlanOfPath) -> Response:
    return submit_form(
        request,
        db,
        lambda: plans.approve_plan(db, plan, who),
        page="plan_detail.html",
        context=lambda: _detail(db, request, plans.get_plan(db, plan.id)),
        then=lambda _: redirect(f"/app/inspection/plans/{plan.id}", "approved"),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get("", summary="年度监督检查计划列表")
def api_plans(db: Db, who: Reader) -> list[PlanOut]:
    return [PlanOut.of(p) for p in plans.list_plans(db)]


@api.post("", status_code=201, summary="制定年度监督检查计划（草稿）")
def api_plan_add(data: rules.PlanIn, db: Tx, who: Writer) -> PlanOut:
    return PlanOut.of(plans.create_plan(db, data, who))


@api.get("/{plan_id}", summary="检查计划详情（含批次）")
def api_plan(who: Reader, plan: PlanOfPath) -> PlanOut:
    return PlanOut.of(plan)


@api.put("/{plan_id}", summary="修改检查计划（仅限草稿；批准后冻结）")
def api_plan_edit(data: rules.PlanIn, db: Tx, who: Writer, plan: PlanOfPath) -> PlanOut:
    plans.edit_plan(db, plan, data, who)
    return PlanOut.of(plan)


@api.post("/{plan_id}/batches", summary="为检查计划添加批次（仅限草稿）")
def api_batch_add(data: rules.BatchIn, db: Tx, who: Writer, plan: PlanOfPath) -> PlanOut:
    plans.add_batch(db, plan, data, who)
    return PlanOut.of(plan)


@api.get("/{plan_id}/batches/{index}/strata", summary="批次各层级在当前名录中的对象数与抽取数")
def api_batch_strata(
    db: Db, who: Reader, plan: PlanOfPath, index: BatchIndex
) -> list[StratumSizeOut]:
    view = plans.batch_of(db, plan, index)
    return [StratumSizeOut.of(s) for s in plans.batch_sizes(db, view.batch)]


@api.post("/{plan_id}/approve", summary="领导批准检查计划（批准后冻结）")
def api_plan_approve(db: Tx, who: Approver, plan: PlanOfPath) -> PlanOut:
    plans.approve_plan(db, plan, who)
    return PlanOut.of(plan)

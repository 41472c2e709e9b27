"""Pages and JSON API of the 双随机 inspection tasks: a batch's tasks (target, team, case,
result, publication state), recording a result, its publication draft, "生成检查任务"
from the batch's draw, the 双随机 platform export (CSV / XLSX) and the batch's WeChat
article."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    Config,
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
)
from zhifa.core.http import submit as submit_form
from zhifa.core.permissions import Permission
from zhifa.core.spreadsheet import csv_bytes, xlsx_bytes
from zhifa.core.validation import parse
from zhifa.inspection.draws import service as draws
from zhifa.inspection.plans import service as plans
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.routes import BatchIndex, PlanOfPath
from zhifa.inspection.tasks import article, rules
from zhifa.inspection.tasks import service as tasks
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.inspection.tasks.schemas import ResultIn, TaskOut

pages = APIRouter(prefix="/app/inspection/tasks", include_in_schema=False)
api = APIRouter(prefix="/api/v1/inspection/tasks", tags=["双随机：检查任务与结果"])

Reader = Annotated[Principal, Depends(require(Permission.inspection_read))]
Opener = Annotated[Principal, Depends(require(Permission.inspection_task_open))]
Recorder = Annotated[Principal, Depends(require(Permission.inspection_result_record))]
Reviewer = Annotated[Principal, Depends(require(Permission.publication_review))]
Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]

NOTICES = {
    "opened": "已生成检查任务：每个抽中对象一个行政检查（现场检查）案件，检查组已授权。",
    "recorded": "已录入检查结果，已生成公示义务（自检查之日起20个工作日内公示）。",
    "article": "已发布本批次的公众号文章：已记入公开账本，并交各公示渠道投递。",
}
RESULT_FIELDS = ("result", "checked_on", "penalty_action_id")


def task_of_path(task_id: RecordId, db: Db, who: Reader) -> InspectionTask:
    return tasks.get_task(db, task_id)


TaskOfPath = Annotated[InspectionTask, Depends(task_of_path)]


def _batch_context(
    db: Session, request: Request, plan: InspectionPlan, index: int, **extra: Any
) -> dict[str, Any]:
    rows = []
    for task in tasks.tasks_of(db, plan.id, index):
        action = tasks.get_action_row(db, task.action_id)
        _, party = tasks.party_of(db, action.party_id)
        rows.append({"task": task, "action": action, "party": party,
                     "state": tasks.state_of(db, task),
                     "publication": tasks.publication_of(db, task)})  # fmt: skip
    view = plans.batch_of(db, plan, index)
    return {
        "plan": plan,
        "view": view,
        "officers": draws.names(db, view).officers,  # 执法证号 → name, on the staff page
        "rows": rows,
        "results": rules.RESULTS,
        "states": rules.TASK_STATE_LABELS,
        "notice": notice_of(request, NOTICES),
        "values": {},
        **extra,
    }


def _to_batch(task: InspectionTask, done: str) -> Response:
    return redirect(f"/app/inspection/tasks/plans/{task.plan_id}/batches/{task.batch_index}", done)


# ---- pages -----------------------------------------------------------------------------------


@pages.get("/plans/{plan_id}/batches/{index}", response_class=HTMLResponse)
def batch_page(
    request: Request, db: Db, who: Reader, plan: PlanOfPath, index: BatchIndex
) -> Response:
    return render(request, "task_batch.html", **_batch_context(db, request, plan, index))


@pages.post("/plans/{plan_id}/batches/{index}/open", response_class=HTMLResponse)
def open_submit(
    request: Request, db: Tx, who: Opener, plan: PlanOfPath, index: BatchIndex
) -> Response:
    return submit_form(
        request,
        db,
        lambda: tasks.open_inspections(db, plan, index, draws.drawn_teams(db, plan, index), who),
        page="task_batch.html",
        context=lambda: _batch_context(db, request, plan, index),
        then=lambda _: redirect(f"/app/inspection/tasks/plans/{plan.id}/batches/{index}", "opened"),
    )


@pages.post("/{task_id}/result", response_class=HTMLResponse)
async def result_submit(
    request: Request, db: Tx, settings: Config, who: Recorder, task: TaskOfPath
) -> Response:
    values = await form_values(request, RESULT_FIELDS)
    data = {k: v for k, v in values.items() if v != "" or k != "penalty_action_id"}
    plan = plans.get_plan(db, task.plan_id)
    return submit_form(
        request,
        db,
        lambda: tasks.record_result(db, settings, task, parse(ResultIn, data), who),
        page="task_batch.html",
        context=lambda: _batch_context(
            db, request, plan, task.batch_index, values=values, refused=task.id
        ),
        then=lambda done: _to_batch(done, "recorded"),
    )


@pages.post("/{task_id}/draft", response_class=HTMLResponse)
def draft_submit(
    request: Request, db: Tx, settings: Config, who: Reviewer, task: TaskOfPath
) -> Response:
    plan = plans.get_plan(db, task.plan_id)
    return submit_form(
        request,
        db,
        lambda: tasks.prepare_draft(db, settings, task, who),
        page="task_batch.html",
        context=lambda: _batch_context(db, request, plan, task.batch_index, refused=task.id),
        then=lambda pub: redirect(f"/app/publicity/publications/{pub.id}"),
    )


@pages.get("/plans/{plan_id}/batches/{index}/article", response_class=HTMLResponse)
def article_page(
    request: Request, db: Db, who: Reader, plan: PlanOfPath, index: BatchIndex
) -> Response:
    return render(request, "task_article.html", **_article_context(db, request, plan, index))


def _article_context(
    db: Session, request: Request, plan: InspectionPlan, index: int
) -> dict[str, Any]:
    return {
        "plan": plan,
        "view": plans.batch_of(db, plan, index),
        "article": article.article_html(db, plan, index),
        "latest": article.latest_article(db, plan, index),
        "notice": notice_of(request, NOTICES),
    }


@pages.post("/plans/{plan_id}/batches/{index}/article", response_class=HTMLResponse)
def article_submit(
    request: Request, db: Tx, settings: Config, who: Publisher, plan: PlanOfPath, index: BatchIndex
) -> Response:
    return submit_form(
        request,
        db,
        lambda: article.publish_article(db, settings, plan, index, who),
        page="task_article.html",
        context=lambda: _article_context(db, request, plan, index),
        then=lambda _: redirect(
            f"/app/inspection/tasks/plans/{plan.id}/batches/{index}/article", "article"
        ),
    )


# ---- the 双随机 platform export ------------------------------------------------------------


def _export_rows(
    db: Session, plan_id: int | None, batch: int | None, start: date | None, end: date | None
) -> list[list[str]]:
    if plan_id is None and (start is None or end is None):
        raise DomainError("请选择计划和批次，或填写检查日期的起止", "plan_id")
    if start and end and start > end:
        raise DomainError("起始日期不能晚于截止日期", "start")
    found = tasks.published_results(db, plan_id=plan_id, batch_index=batch, start=start, end=end)
    return [rules.export_header(), *(rules.export_row(r.snapshot) for r in found)]


ExportPlan = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
ExportBatch = Annotated[int | None, Query(ge=1, le=20)]


@pages.get("/export.csv")
def export_csv(
    db: Db, who: Reader, plan_id: ExportPlan = None, batch: ExportBatch = None,
    start: date | None = None, end: date | None = None,
) -> Response:  # fmt: skip
    body = csv_bytes(_export_rows(db, plan_id, batch, start, end))
    return _download(body, "text/csv; charset=utf-8", "csv")


@pages.get("/export.xlsx")
def export_xlsx(
    db: Db, who: Reader, plan_id: ExportPlan = None, batch: ExportBatch = None,
    start: date | None = None, end: date | None = None,
) -> Response:  # fmt: skip
    body = xlsx_bytes("双随机抽查结果", _export_rows(db, plan_id, batch, start, end))
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(body, mime, "xlsx")


def _download(body: bytes, media_type: str, ext: str) -> Response:
    name = f"random-inspection-results.{ext}"
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


# ---- JSON API --------------------------------------------------------------------------------


@api.get(
    "/plans/{plan_id}/batches/{index}",
    summary="批次的检查任务（对象、检查组、案件、结果、公示状态）",
)
def api_batch(db: Db, who: Reader, plan: PlanOfPath, index: BatchIndex) -> list[TaskOut]:
    plans.batch_of(db, plan, index)
    return [TaskOut.of(t, tasks.state_of(db, t)) for t in tasks.tasks_of(db, plan.id, index)]


@api.post("/plans/{plan_id}/batches/{index}/open", summary="按本批次的抽取结果生成检查任务")
def api_open(db: Tx, who: Opener, plan: PlanOfPath, index: BatchIndex) -> list[TaskOut]:
    opened = tasks.open_inspections(db, plan, index, draws.drawn_teams(db, plan, index), who)
    return [TaskOut.of(t, tasks.state_of(db, t)) for t in opened]


@api.post("/{task_id}/result", summary="录入（或在公示前更正）检查结果")
def api_result(
    data: ResultIn, db: Tx, settings: Config, who: Recorder, task: TaskOfPath
) -> TaskOut:
    tasks.record_result(db, settings, task, data, who)
    return TaskOut.of(task, tasks.state_of(db, task))


@api.post("/{task_id}/draft", status_code=201, summary="生成检查结果的公示草稿（送法制审核）")
def api_draft(db: Tx, settings: Config, who: Reviewer, task: TaskOfPath) -> dict[str, int]:
    pub = tasks.prepare_draft(db, settings, task, who)
    return {"publication_id": pub.id, "obligation_id": pub.obligation_id}


@api.post(
    "/plans/{plan_id}/batches/{index}/article",
    status_code=201,
    summary="发布本批次抽查结果的公众号文章（经各公示渠道投递）",
)
def api_article(
    db: Tx, settings: Config, who: Publisher, plan: PlanOfPath, index: BatchIndex
) -> dict[str, int]:
    row = article.publish_article(db, settings, plan, index, who)
    return {"public_snapshot_id": row.id, "version": row.version}

"""The portal's 双随机 pages (no login; `PublicInspection` rows only):

- ``/inspection/plans``: the approved 年度监督检查计划;
- ``/inspection/plans/<id>``: one plan, its batches (检查事项, basis, period, strata and
  quotas, team size, 联合抽查 departments) and each batch's draw state;
- ``/inspection/plans/<id>/batches/<n>/draw``: the announcement (lists' sizes and Merkle
  roots, the named randomness and when it exists, the checkpoint), the result (targets by
  统一社会信用代码 and name, teams by 执法证号), the substitutions and how to verify;
- ``…/draw.json``: the published draw JSON, canonical bytes as frozen;
- ``…/announcement.json``: the announcement, canonical bytes (its SHA-256 is shown).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.core.http import Db, record_id_or_none, render
from zhifa.inspection.draw import canonical_json
from zhifa.inspection.draws.public import (
    DRAND_URL,
    draw_key,
    plan_key,
    public_draws_of,
    public_plans,
    public_row,
)

public = APIRouter(prefix="/inspection/plans", tags=["双随机抽查公示（无需登录）"])
JSON = "application/json; charset=utf-8"


def _missing(request: Request, what: str) -> Response:
    message = "链接有误，或尚未公开。"
    return render(request, "error.html", 404, heading=f"未找到该{what}", message=message)


def _draw_key(plan_id: str, index: str) -> str | None:
    plan, batch = record_id_or_none(plan_id), record_id_or_none(index)
    return draw_key(plan, batch) if plan and batch else None


@public.get("", response_class=HTMLResponse, summary="双随机抽查：年度监督检查计划")
def plans_page(request: Request, db: Db) -> Response:
    return render(request, "portal_inspection_plans.html", plans=public_plans(db))


@public.get("/{plan_id}", response_class=HTMLResponse, summary="年度监督检查计划详情")
def plan_page(request: Request, plan_id: str, db: Db) -> Response:
    number = record_id_or_none(plan_id)
    row = public_row(db, plan_key(number)) if number else None
    if row is None:
        return _missing(request, "检查计划")
    draws = public_draws_of(db, row.body["plan_id"])
    return render(request, "portal_inspection_plan.html", plan=row.body, draws=draws)


@public.get(
    "/{plan_id}/batches/{index}/draw", response_class=HTMLResponse, summary="抽取公告与结果"
)
def draw_page(request: Request, plan_id: str, index: str, db: Db) -> Response:
    key = _draw_key(plan_id, index)
    row = public_row(db, key) if key else None
    if row is None:
        return _missing(request, "抽取公告")
    return render(request, "portal_inspection_draw.html", d=row.body, drand_url=DRAND_URL)


@public.get("/{plan_id}/batches/{index}/draw.json", summary="公布的抽取结果（JSON，可重算核验）")
def draw_json(plan_id: str, index: str, db: Db) -> Response:
    key = _draw_key(plan_id, index)
    row = public_row(db, key) if key else None
    if row is None or not row.document:
        return Response('{"detail":"尚未抽取"}', status_code=404, media_type=JSON)
    return Response(row.document.encode("utf-8"), media_type=JSON)


@public.get("/{plan_id}/batches/{index}/announcement.json", summary="抽取公告（JSON）")
def announcement_json(plan_id: str, index: str, db: Db) -> Response:
    key = _draw_key(plan_id, index)
    row = public_row(db, key) if key else None
    if row is None:
        return Response('{"detail":"未找到该抽取公告"}', status_code=404, media_type=JSON)
    return Response(canonical_json(row.body["announcement"]), media_type=JSON)

"""Staff pages and JSON API of a batch's 双随机 draw: announce (commit), enter the
beacon (randomness, then the draw is computed), substitute a drawn target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.http import (
    Config,
    Db,
    LedgerSigner,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
)
from zhifa.core.http import submit as submit_form
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.inspection.beacon import round_time
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.models import DRAW_STATUS_LABELS, InspectionDraw
from zhifa.inspection.draws.rules import announce_data, beacon_data
from zhifa.inspection.draws.schemas import (
    AnnounceIn,
    BeaconIn,
    DrawOut,
    SubstituteIn,
    SubstitutionReason,
)
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.routes import BatchIndex, PlanOfPath
from zhifa.inspection.plans.service import batch_of

BASE = "/{plan_id}/batches/{index}/draw"
pages = APIRouter(prefix="/app/inspection/plans", include_in_schema=False)
api = APIRouter(prefix="/api/v1/inspection/plans", tags=["双随机：抽取"])

Reader = Annotated[Principal, Depends(require(Permission.inspection_read))]
Writer = Annotated[Principal, Depends(require(Permission.inspection_draw_write))]

NOTICES = {
    "announced": "已发布抽取公告，并已签名检查点。",
    "drawn": "随机数已核验，抽取完成。",
    "substituted": "已按排序替补。",
}


def draw_of_path(plan: PlanOfPath, index: BatchIndex, db: Db, who: Reader) -> InspectionDraw:
    """The batch's draw the path names (404 until it is announced)."""
    return draws.draw_of(db, plan, index)


DrawOfPath = Annotated[InspectionDraw, Depends(draw_of_path)]


def _context(db: Session, request: Request, plan: InspectionPlan, index: int) -> dict[str, Any]:
    view = batch_of(db, plan, index)
    draw = draws.get_draw(db, plan, index)
    return {
        "plan": plan,
        "view": view,
        "draw": draw,
        "labels": DRAW_STATUS_LABELS,
        "default_round": draws.default_round(),
        "round_time": round_time(draws.default_round()),
        "sources": draws.beacon_help(draw) if draw else [],
        "teams": draws.current_teams(draw) if draw and draw.outputs else (),
        "names": draws.names(db, view) if draw and draw.outputs else None,
        "ranks": draws.ranks(draw) if draw else {},
        "reasons": list(SubstitutionReason),
        "notice": notice_of(request, NOTICES),
        "values": {},
    }


def _page(
    request: Request, db: Session, plan: InspectionPlan, index: int, done: str
) -> tuple[Callable[[], dict[str, Any]], Callable[[object], Response]]:
    """A draw form's refusal context (built afresh after the undo) and its redirect."""
    url = f"/app/inspection/plans/{plan.id}/batches/{index}/draw"
    return (lambda: _context(db, request, plan, index)), (lambda _: redirect(url, done))


# ---- pages -----------------------------------------------------------------------------------


@pages.get(BASE, response_class=HTMLResponse)
def draw_page(
    request: Request, db: Db, who: Reader, plan: PlanOfPath, index: BatchIndex
) -> Response:
    return render(request, "draw_detail.html", **_context(db, request, plan, index))


@pages.post(BASE + "/announce", response_class=HTMLResponse)
async def announce_submit(
    request: Request,
    db: Tx,
    who: Writer,
    plan: PlanOfPath,
    index: BatchIndex,
    settings: Config,
    signer: LedgerSigner,
) -> Response:
    values = await form_values(
        request, ("round_at", "lottery_name", "lottery_date", "lottery_sets", "lottery_ordered")
    )
    context, then = _page(request, db, plan, index, "announced")
    return submit_form(
        request,
        db,
        lambda: draws.announce(
            db,
            plan,
            index,
            parse(AnnounceIn, announce_data(values)),
            who,
            signer,
            settings.log_origin,
        ),
        page="draw_detail.html",
        context=lambda: {**context(), "values": values},
        then=then,
    )


@pages.post(BASE + "/beacon", response_class=HTMLResponse)
async def beacon_submit(
    request: Request, db: Tx, who: Writer, plan: PlanOfPath, index: BatchIndex, draw: DrawOfPath
) -> Response:
    values = await form_values(request, ("signature", "lottery_numbers"))
    context, then = _page(request, db, plan, index, "drawn")
    return submit_form(
        request,
        db,
        lambda: draws.enter_beacon(db, draw, parse(BeaconIn, beacon_data(values)), who),
        page="draw_detail.html",
        context=lambda: {**context(), "values": values},
        then=then,
    )


@pages.post(BASE + "/substitute", response_class=HTMLResponse)
async def substitute_submit(
    request: Request, db: Tx, who: Writer, plan: PlanOfPath, index: BatchIndex, draw: DrawOfPath
) -> Response:
    values = await form_values(request, ("target", "reason", "note"))
    context, then = _page(request, db, plan, index, "substituted")
    return submit_form(
        request,
        db,
        lambda: draws.substitute(db, draw, parse(SubstituteIn, values), who),
        page="draw_detail.html",
        context=lambda: {**context(), "values": values},
        then=then,
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get(BASE, summary="批次的抽取（公告、随机数、结果、替补）")
def api_draw(who: Reader, draw: DrawOfPath) -> DrawOut:
    return DrawOut.of(draw)


@api.post(BASE, status_code=201, summary="发布抽取公告（冻结名录、指定将来的随机源、签名检查点）")
def api_announce(
    data: AnnounceIn,
    db: Tx,
    who: Writer,
    plan: PlanOfPath,
    index: BatchIndex,
    settings: Config,
    signer: LedgerSigner,
) -> DrawOut:
    draw = draws.announce(db, plan, index, data, who, signer, settings.log_origin)
    return DrawOut.of(draw)


@api.post(BASE + "/beacon", summary="录入随机源的值（drand 签名、彩票号码）并抽取")
def api_beacon(data: BeaconIn, db: Tx, who: Writer, draw: DrawOfPath) -> DrawOut:
    return DrawOut.of(draws.enter_beacon(db, draw, data, who))


@api.post(BASE + "/substitutions", summary="替补抽中的检查对象（须选择规定的理由）")
def api_substitute(data: SubstituteIn, db: Tx, who: Writer, draw: DrawOfPath) -> DrawOut:
    draws.substitute(db, draw, data, who)
    return DrawOut.of(draw)


@api.get(BASE + "/published", summary="公布的抽取结果 JSON（可用 zhifa draw verify 核验）")
def api_published(who: Reader, draw: DrawOfPath) -> dict[str, object]:
    return draws.published_document(draw)

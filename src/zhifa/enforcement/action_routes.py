"""Pages (usable on a phone) and JSON API for enforcement actions, their steps, on-site
activities and 事中 duties."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.certificates import list_officers
from zhifa.core.clock import SHANGHAI, today
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    Config,
    Db,
    PageNumber,
    RecordId,
    RecordIdQuery,
    record_id_or_none,
    render,
    require,
)
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.validation import BodyRecordId, parse
from zhifa.enforcement import actions
from zhifa.enforcement.models import (
    AcknowledgementMethod,
    Action,
    ActionStatus,
    Activity,
    PowerItem,
)
from zhifa.enforcement.parties import find_parties, get_party
from zhifa.enforcement.rules import MATTER_LABELS, Matter, matters_required
from zhifa.enforcement.steps import ACTION_KIND_LABELS, PROCEDURES, ActionKind

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["执法案件"])

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.action_write))]

STATUS_LABELS = {ActionStatus.open: "办理中", ActionStatus.closed: "已办结"}
ACK_LABELS = {
    AcknowledgementMethod.signature: "当事人手写签名",
    AcknowledgementMethod.photo: "签字文书照片",
    AcknowledgementMethod.refused: "当事人拒绝签字",
}
NOTICES = {
    "opened": "案件已开启。",
    "moved": "已进入下一步骤。",
    "activity": "现场执法活动已记录，请继续记录亮证、告知和当事人确认。",
    "shown": "已记录亮证。",
    "told": "已记录告知事项。",
    "ack": "已记录当事人确认。",
}


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": ACTION_KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "procedures": PROCEDURES,
        "matter_labels": MATTER_LABELS,
        "ack_labels": ACK_LABELS,
    }


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _now_local() -> str:
    return utcnow().astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _action_context(db: Session, action: Action) -> dict[str, Any]:
    proc = actions.procedure_of(action)
    current = proc.step(action.current_step)
    activities = actions.activities_of(db, action.id)
    return {
        "action": action,
        "party": get_party(db, action.party_id).current,
        "proc": proc,
        "current": current,
        "next_steps": proc.next_steps(current.code) if action.status is ActionStatus.open else (),
        "missing": actions.missing_now(db, action) if action.status is ActionStatus.open else [],
        "waiting": actions.waiting_before_decision(db, action),
        "transitions": actions.transitions_of(db, action.id),
        "activities": [(a, actions.duty_facts(db, a)) for a in activities],
        "officer_names": {o.officer_id: _name(db, o.officer_id) for o in action.officers},
    }


def _name(db: Session, user_id: int | None) -> str:
    user = db.get(User, user_id) if user_id else None
    return user.full_name if user else "系统"


# ---- pages --------------------------------------------------------------------------------


@pages.get("/actions", response_class=HTMLResponse)
def action_list_page(
    request: Request,
    db: Db,
    who: Reader,
    status: str = "",
    page: PageNumber = 1,
) -> Response:
    try:
        status_value = ActionStatus(status) if status else None
    except ValueError:
        raise DomainError("状态取值无效", "status") from None
    rows, total = actions.list_actions(db, who, status=status_value, page=page)
    log_access(db, who, "action", None, f"案件列表 status={status}")
    return render(
        request,
        "action_list.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // actions.PAGE_SIZE)),
        status=status,
        party_names={a.party_id: get_party(db, a.party_id).current.name for a in rows},
        notice=_notice(request),
        **_labels(),
    )


def _new_form(request: Request, db: Session, status: int = 200, **extra: Any) -> Response:
    parties, _ = find_parties(db, text=str(extra.get("values", {}).get("party_q", "")), page=1)
    return render(
        request,
        "action_form.html",
        status,
        power_items=db.scalars(select(PowerItem).order_by(PowerItem.kind, PowerItem.code)).all(),
        officers=list_officers(db),
        parties=parties,
        today=today(),
        **_labels(),
        **extra,
    )


@pages.get("/actions/new", response_class=HTMLResponse)
def action_new_page(
    request: Request, db: Db, who: Writer, party_id: RecordIdQuery = None
) -> Response:
    values = {"officer_ids": [who.user_id], "party_id": party_id}
    return _new_form(request, db, values=values)


@pages.post("/actions/new", response_class=HTMLResponse)
async def action_new_submit(request: Request, db: Db, who: Writer) -> Response:
    form = await request.form()
    values = {
        "procedure": form.get("procedure", ""),
        "party_id": form.get("party_id") or None,
        "power_item_id": form.get("power_item_id") or None,
        "title": str(form.get("title", "")).strip(),
        "officer_ids": form.getlist("officer_ids"),
        "lead_officer_id": form.get("lead_officer_id") or None,
    }
    try:
        action = actions.open_action(db, parse(actions.ActionIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _new_form(request, db, exc.status_code, values=values, error=exc.message)
    return RedirectResponse(f"/app/actions/{action.id}?done=opened", status_code=303)


def _detail_page(
    request: Request, db: Session, action: Action, status: int = 200, **extra: Any
) -> Response:
    return render(
        request,
        "action_detail.html",
        status,
        now_local=_now_local(),
        **_action_context(db, action),
        **_labels(),
        **extra,
    )


@pages.get("/actions/{action_id}", response_class=HTMLResponse)
def action_page(request: Request, action_id: RecordId, db: Db, who: Reader) -> Response:
    action = actions.get_action(db, action_id, who)
    log_access(db, who, "action", action_id, "查看案件")
    return _detail_page(request, db, action, notice=_notice(request))


@pages.post("/actions/{action_id}/transitions", response_class=HTMLResponse)
async def action_advance_submit(
    request: Request, action_id: RecordId, db: Db, who: Writer
) -> Response:
    form = await request.form()
    values = {"to_step": form.get("to_step", ""), "reason": form.get("reason", "")}
    try:
        actions.advance(db, action_id, parse(actions.TransitionIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        action = actions.get_action(db, action_id, who)
        return _detail_page(request, db, action, exc.status_code, error=exc.message)
    return RedirectResponse(f"/app/actions/{action_id}?done=moved", status_code=303)


@pages.post("/actions/{action_id}/activities", response_class=HTMLResponse)
async def activity_new_submit(
    request: Request, action_id: RecordId, db: Db, who: Writer
) -> Response:
    form = await request.form()
    values = {
        "started_at": form.get("started_at", ""),
        "place": form.get("place", ""),
        "party_present": form.get("party_present", ""),
        "officer_ids": form.getlist("officer_ids"),
    }
    try:
        activity = actions.record_activity(db, action_id, parse(actions.ActivityIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        action = actions.get_action(db, action_id, who)
        return _detail_page(
            request, db, action, exc.status_code, error=exc.message, activity_values=values
        )
    return RedirectResponse(f"/app/activities/{activity.id}?done=activity", status_code=303)


def _activity_page(
    request: Request,
    db: Session,
    activity: Activity,
    who: Principal,
    status: int = 200,
    **extra: Any,
) -> Response:
    action = actions.get_action(db, activity.action_id, who)
    step = actions.procedure_of(action).step(activity.step)
    return render(
        request,
        "activity.html",
        status,
        activity=activity,
        action=action,
        step=step,
        facts=actions.duty_facts(db, activity),
        required=sorted(matters_required(action.kind, step), key=list(Matter).index),
        officers=[(o.officer_id, _name(db, o.officer_id)) for o in activity.officers],
        now_local=_now_local(),
        notice=_notice(request),
        **_labels(),
        **extra,
    )


@pages.get("/activities/{activity_id}", response_class=HTMLResponse)
def activity_page(request: Request, activity_id: RecordId, db: Db, who: Reader) -> Response:
    activity, _action = actions.visible_activity(db, activity_id, who)
    log_access(db, who, "activity", activity_id, "查看现场执法活动")
    return _activity_page(request, db, activity, who)


async def _activity_form_action(
    request: Request, activity_id: int, db: Session, who: Principal, done: str, apply: Any
) -> Response:
    form = await request.form()
    try:
        await apply(form)
        db.commit()
    except DomainError as exc:
        db.rollback()
        activity, _action = actions.visible_activity(db, activity_id, who)
        return _activity_page(request, db, activity, who, exc.status_code, error=exc.message)
    return RedirectResponse(f"/app/activities/{activity_id}?done={done}", status_code=303)


def _form_time(value: Any) -> datetime:
    try:
        return actions.beijing(datetime.fromisoformat(str(value)))
    except ValueError:
        raise DomainError("时间无效，应为 YYYY-MM-DD HH:MM", "at") from None


@pages.post("/activities/{activity_id}/shown", response_class=HTMLResponse)
async def shown_submit(request: Request, activity_id: RecordId, db: Db, who: Writer) -> Response:
    async def apply(form: Any) -> None:
        officer_id = record_id_or_none(str(form.get("officer_id") or "")) or 0
        actions.record_certificate_shown(
            db, activity_id, officer_id, _form_time(form.get("at")), who
        )

    return await _activity_form_action(request, activity_id, db, who, "shown", apply)


@pages.post("/activities/{activity_id}/matters", response_class=HTMLResponse)
async def matters_submit(request: Request, activity_id: RecordId, db: Db, who: Writer) -> Response:
    async def apply(form: Any) -> None:
        data = parse(
            actions.MattersIn, {"matters": form.getlist("matters"), "told_at": form.get("at")}
        )
        actions.record_matters_told(db, activity_id, data, who)

    return await _activity_form_action(request, activity_id, db, who, "told", apply)


def _signature_png(data_url: str) -> io.BytesIO:
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise DomainError("签名图像无效，请重新签名", "signature")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except ValueError:  # binascii.Error, or a character outside ASCII
        raise DomainError("签名图像无效，请重新签名", "signature") from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n"):
        raise DomainError("签名图像无效，请重新签名", "signature")
    return io.BytesIO(raw)


async def _evidence(form: Any, method: AcknowledgementMethod) -> io.BytesIO | None:
    if method is AcknowledgementMethod.signature:
        return _signature_png(str(form.get("signature", "")))
    if method is AcknowledgementMethod.photo:
        upload = form.get("photo")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise DomainError("请拍摄或选择签字文书照片", "photo")
        data = await upload.read(actions.MAX_PHOTO_BYTES + 1)
        if not data.startswith((b"\xff\xd8\xff", b"\x89PNG")):
            raise DomainError("照片须为 JPEG 或 PNG 图像", "photo")
        return io.BytesIO(data)
    return None


@pages.post("/activities/{activity_id}/acknowledgement", response_class=HTMLResponse)
async def ack_submit(
    request: Request, activity_id: RecordId, db: Db, who: Writer, settings: Config
) -> Response:
    async def apply(form: Any) -> None:
        try:
            method = AcknowledgementMethod(str(form.get("method", "")))
        except ValueError:
            raise DomainError("请选择确认方式", "method") from None
        actions.record_acknowledgement(
            db,
            open_blob_store(settings),
            activity_id,
            method=method,
            signer_name=str(form.get("signer_name", "")),
            evidence=await _evidence(form, method),
            note=str(form.get("note", "")),
            at=_form_time(form.get("at")),
            who=who,
        )

    return await _activity_form_action(request, activity_id, db, who, "ack", apply)


# ---- JSON API -----------------------------------------------------------------------------


class StepOut(BaseModel):
    code: str
    label: str
    basis: str
    on_site: bool


class ActionOut(BaseModel):
    id: int
    kind: ActionKind
    procedure: str
    party_id: int
    power_item_id: int
    title: str
    status: ActionStatus
    current_step: StepOut
    next_steps: list[StepOut]
    missing: list[str]
    officer_ids: list[int]

    @classmethod
    def of(cls, db: Session, action: Action) -> ActionOut:
        proc = actions.procedure_of(action)
        step = proc.step(action.current_step)
        is_open = action.status is ActionStatus.open
        return cls(
            id=action.id,
            kind=action.kind,
            procedure=action.procedure,
            party_id=action.party_id,
            power_item_id=action.power_item_id,
            title=action.title,
            status=action.status,
            current_step=StepOut(**_step(step)),
            next_steps=[StepOut(**_step(s)) for s in proc.next_steps(step.code)] if is_open else [],
            missing=actions.missing_now(db, action) if is_open else [],
            officer_ids=[o.officer_id for o in action.officers],
        )


def _step(step: Any) -> dict[str, Any]:
    return {"code": step.code, "label": step.label, "basis": step.basis, "on_site": step.on_site}


class TransitionOut(BaseModel):
    id: int
    from_step: str | None
    to_step: str
    at: datetime
    by_user: int | None
    reason: str
    limit_code: str | None
    due_date: str | None
    due_provisional: bool


class ActivityOut(BaseModel):
    id: int
    action_id: int
    step: str
    started_at: datetime
    place: str
    officer_ids: list[int]
    missing: list[str]


class ShownIn(BaseModel):
    officer_id: BodyRecordId
    shown_at: actions.BeijingTime


class AckIn(BaseModel):
    method: AcknowledgementMethod
    signer_name: str
    signature_png_base64: str | None = None
    note: str = ""
    at: actions.BeijingTime


class PowerItemOut(BaseModel):
    id: int
    code: str
    name: str
    kind: ActionKind
    field: str
    basis: str


def _activity_out(db: Session, action: Action, activity: Activity) -> ActivityOut:
    from zhifa.enforcement.rules import duty_problems

    step = actions.procedure_of(action).step(activity.step)
    return ActivityOut(
        id=activity.id,
        action_id=activity.action_id,
        step=activity.step,
        started_at=activity.started_at,
        place=activity.place,
        officer_ids=[o.officer_id for o in activity.officers],
        missing=duty_problems(action.kind, step, actions.duty_facts(db, activity)),
    )


@api.get("/power-items", summary="执法事项")
def api_power_items(db: Db, who: Reader) -> list[PowerItemOut]:
    rows = db.scalars(select(PowerItem).order_by(PowerItem.code))
    return [PowerItemOut.model_validate(r, from_attributes=True) for r in rows]


@api.get("/actions", summary="案件列表（本人承办或有权查看的）")
def api_actions(
    db: Db,
    who: Reader,
    status: ActionStatus | None = None,
    party_id: RecordIdQuery = None,
    page: PageNumber = 1,
) -> dict[str, Any]:
    rows, total = actions.list_actions(db, who, status=status, party_id=party_id, page=page)
    log_access(db, who, "action", None, "案件列表", via="api")
    return {"total": total, "page": page, "items": [ActionOut.of(db, a) for a in rows]}


@api.post("/actions", status_code=201, summary="开启案件")
def api_action_open(data: actions.ActionIn, db: Db, who: Writer) -> ActionOut:
    action = actions.open_action(db, data, who)
    db.commit()
    return ActionOut.of(db, action)


@api.get("/actions/{action_id}", summary="案件详情：当前步骤、可进入的步骤、尚缺事项")
def api_action(action_id: RecordId, db: Db, who: Reader) -> ActionOut:
    action = actions.get_action(db, action_id, who)
    log_access(db, who, "action", action_id, "查看案件", via="api")
    return ActionOut.of(db, action)


@api.get("/actions/{action_id}/transitions", summary="步骤记录")
def api_transitions(action_id: RecordId, db: Db, who: Reader) -> list[TransitionOut]:
    actions.get_action(db, action_id, who)
    return [
        TransitionOut(
            id=t.id,
            from_step=t.from_step,
            to_step=t.to_step,
            at=t.at,
            by_user=t.by_user,
            reason=t.reason,
            limit_code=t.limit_code,
            due_date=t.due_date.isoformat() if t.due_date else None,
            due_provisional=t.due_provisional,
        )
        for t in actions.transitions_of(db, action_id)
    ]


@api.post("/actions/{action_id}/transitions", status_code=201, summary="进入下一步骤")
def api_advance(action_id: RecordId, data: actions.TransitionIn, db: Db, who: Writer) -> ActionOut:
    actions.advance(db, action_id, data, who)
    db.commit()
    return ActionOut.of(db, actions.get_action(db, action_id, who))


@api.post("/actions/{action_id}/activities", status_code=201, summary="记录现场执法活动")
def api_activity(action_id: RecordId, data: actions.ActivityIn, db: Db, who: Writer) -> ActivityOut:
    activity = actions.record_activity(db, action_id, data, who)
    db.commit()
    return _activity_out(db, actions.get_action(db, action_id, who), activity)


@api.get("/activities/{activity_id}", summary="现场执法活动及尚缺的事中义务")
def api_activity_get(activity_id: RecordId, db: Db, who: Reader) -> ActivityOut:
    activity, action = actions.visible_activity(db, activity_id, who)
    log_access(db, who, "activity", activity_id, "查看现场执法活动", via="api")
    return _activity_out(db, action, activity)


@api.post("/activities/{activity_id}/certificate-shown", status_code=201, summary="记录亮证")
def api_shown(activity_id: RecordId, data: ShownIn, db: Db, who: Writer) -> dict[str, int]:
    row = actions.record_certificate_shown(db, activity_id, data.officer_id, data.shown_at, who)
    db.commit()
    return {"id": row.id}


@api.post("/activities/{activity_id}/matters", status_code=201, summary="记录告知事项")
def api_matters(
    activity_id: RecordId, data: actions.MattersIn, db: Db, who: Writer
) -> dict[str, int]:
    row = actions.record_matters_told(db, activity_id, data, who)
    db.commit()
    return {"id": row.id}


@api.post("/activities/{activity_id}/acknowledgement", status_code=201, summary="记录当事人确认")
def api_ack(
    activity_id: RecordId, data: AckIn, db: Db, who: Writer, settings: Config
) -> dict[str, int | str | None]:
    evidence = None
    if data.signature_png_base64 is not None:
        evidence = _signature_png("data:image/png;base64," + data.signature_png_base64)
    row = actions.record_acknowledgement(
        db,
        open_blob_store(settings),
        activity_id,
        method=data.method,
        signer_name=data.signer_name,
        evidence=evidence,
        note=data.note,
        at=data.at,
        who=who,
    )
    db.commit()
    return {"id": row.id, "blob_digest": row.blob_digest}

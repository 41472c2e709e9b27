"""Pages (usable on a phone) and JSON API for enforcement actions, their steps, on-site
activities and 事中 duties."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
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
    Tx,
    form_values,
    notice_of,
    record_id_or_none,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.recompute import recompute_texts
from zhifa.core.validation import BodyRecordId, parse
from zhifa.enforcement import actions, parties
from zhifa.enforcement.models import (
    Acknowledgement,
    AcknowledgementMethod,
    Action,
    ActionStatus,
    Activity,
    PowerItem,
)
from zhifa.enforcement.parties import get_party
from zhifa.enforcement.periods import case_deadlines
from zhifa.enforcement.resources import (
    ActionOfPath,
    ActionToChange,
    ActivityOfPath,
    ActivityToChange,
)
from zhifa.enforcement.rules import (
    MATTER_LABELS,
    MIN_OFFICERS_ON_SITE,
    Matter,
    matters_required,
)
from zhifa.enforcement.schemas import (
    AcknowledgementOut,
    ActionOut,
    ActionPage,
    ActivityOut,
    PartyPickOut,
    PowerItemOut,
    RecordedOut,
    TransitionOut,
)
from zhifa.enforcement.steps import ACTION_KIND_LABELS, PROCEDURES

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
    "officer_added": "已添加承办人员。",
}
NEW_ACTION_FIELDS = (
    "procedure",
    "party_id",
    "power_item_id",
    "title",
    "lead_officer_id",
    "party_q",
    "find_party",
)
ACK_FIELDS = ("method", "signer_name", "signature", "note", "at")
FIRST_PROCEDURE = next(iter(PROCEDURES))


# ---- the records a path names ------------------------------------------------------------
# Seen only as `actions.get_action` lets the caller see them: one that is not theirs answers
# 404 exactly like a missing one. A change is read under the write permission with the same
# check; whether the caller may act in the case (handling) is the service's own check, so a
# page form it refuses is shown again with the message.


# ---- page context ------------------------------------------------------------------------


def _labels() -> dict[str, Any]:
    return {
        "kind_labels": ACTION_KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "procedures": PROCEDURES,
        "matter_labels": MATTER_LABELS,
        "ack_labels": ACK_LABELS,
    }


def _now_local() -> str:
    return utcnow().astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _name(db: Session, user_id: int | None) -> str:
    user = db.get(User, user_id) if user_id else None
    return user.full_name if user else "系统"


def _new_context(db: Session, who: Principal, values: dict[str, Any]) -> dict[str, Any]:
    """The opening form: the 执法事项 of the chosen procedure, the parties found for what
    was typed into the picker (the chosen one first), the officers."""
    chosen = record_id_or_none(str(values.get("party_id") or ""))
    picks, found = parties.pick_parties(db, who, str(values.get("party_q") or ""), chosen)
    code = str(values.get("procedure") or "")
    officers, day = list_officers(db), today()
    named = {record_id_or_none(str(i)) for i in values.get("officer_ids") or []}
    return {
        "values": values,
        "power_items": actions.power_items_for(db, code if code in PROCEDURES else FIRST_PROCEDURE),
        "officers": officers,
        "able_named": sum(o.user.id in named and o.has_valid_certificate(day) for o in officers),
        "picks": picks,
        "found": found,
        "pick_size": parties.PICK_SIZE,
        "min_officers": MIN_OFFICERS_ON_SITE,
        "today": today(),
        **_labels(),
    }


def _detail_context(db: Session, action: Action, **extra: Any) -> dict[str, Any]:
    proc = actions.procedure_of(action)
    current = proc.step(action.current_step)
    is_open = action.status is ActionStatus.open
    activities = actions.activities_of(db, action.id)
    transitions = actions.transitions_of(db, action.id)
    return {
        "now_local": _now_local(),
        "action": action,
        "party": get_party(db, action.party_id).current,
        "proc": proc,
        "current": current,
        "next_steps": proc.next_steps(current.code) if is_open else (),
        "missing": actions.missing_now(db, action) if is_open else [],
        "waiting": actions.waiting_before_decision(db, action),
        "deadlines": case_deadlines(db, action),
        "transitions": transitions,
        "recomputed": recompute_texts(db, "action_transition", [t.id for t in transitions]),
        "activities": [(a, actions.duty_facts(db, a)) for a in activities],
        "officer_names": {o.officer_id: _name(db, o.officer_id) for o in action.officers},
        "warnings": actions.staffing_warnings(db, action),
        "to_add": actions.officers_to_add(db, action) if is_open else [],
        **_labels(),
        **extra,
    }


def _activity_context(
    request: Request,
    db: Session,
    activity: Activity,
    action: Action,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    step = actions.procedure_of(action).step(activity.step)
    return {
        "activity": activity,
        "action": action,
        "step": step,
        "facts": actions.duty_facts(db, activity),
        "required": sorted(matters_required(action.kind, step), key=list(Matter).index),
        "officers": [(o.officer_id, _name(db, o.officer_id)) for o in activity.officers],
        "now_local": _now_local(),
        "notice": notice_of(request, NOTICES),
        "values": values or {},
        **_labels(),
    }


# ---- reading what a form sent ------------------------------------------------------------


def _form_time(value: str) -> datetime:
    try:
        return actions.beijing(datetime.fromisoformat(value))
    except ValueError:
        raise DomainError("时间无效，应为 YYYY-MM-DD HH:MM", "at") from None


async def _photo_of(upload: object) -> bytes | None:
    """The chosen photo's bytes, up to one past the limit (the service refuses a larger
    one); None when no file was chosen."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(actions.MAX_PHOTO_BYTES + 1)


def _ack_method(value: str) -> AcknowledgementMethod:
    try:
        return AcknowledgementMethod(value)
    except ValueError:
        raise DomainError("请选择确认方式", "method") from None


def _evidence(
    method: AcknowledgementMethod, signature: str, photo: bytes | None
) -> io.BytesIO | None:
    if method is AcknowledgementMethod.signature:
        return actions.signature_png(signature)
    if method is AcknowledgementMethod.photo:
        if photo is None:
            raise DomainError("请拍摄或选择签字文书照片", "photo")
        if not photo.startswith((b"\xff\xd8\xff", b"\x89PNG")):
            raise DomainError("照片须为 JPEG 或 PNG 图像", "photo")
        return io.BytesIO(photo)
    return None


# ---- pages --------------------------------------------------------------------------------


@pages.get("/actions", response_class=HTMLResponse)
def action_list_page(
    request: Request, db: Tx, who: Reader, status: str = "", page: PageNumber = 1
) -> Response:
    try:
        status_value = ActionStatus(status) if status else None
    except ValueError:
        raise DomainError("状态取值无效", "status") from None
    rows, total = actions.list_actions(db, who, status=status_value, page=page)
    shown = STATUS_LABELS[status_value] if status_value else "全部"
    log_access(db, who, "action", None, f"案件列表（{shown}）")
    return render(
        request,
        "action_list.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // actions.PAGE_SIZE)),
        status=status,
        party_names={a.party_id: get_party(db, a.party_id).current.name for a in rows},
        notice=notice_of(request, NOTICES),
        **_labels(),
    )


async def _new_values(request: Request) -> dict[str, Any]:
    text = await form_values(request, NEW_ACTION_FIELDS)
    return {
        **text,
        "party_id": text["party_id"] or None,
        "power_item_id": text["power_item_id"] or None,
        "lead_officer_id": text["lead_officer_id"] or None,
        "officer_ids": (await request.form()).getlist("officer_ids"),
    }


def _new_form(request: Request, db: Session, who: Principal, values: dict[str, Any]) -> Response:
    log_access(db, who, "party", None, f"开启案件查找当事人 q={str(values.get('party_q'))[:50]}")
    return render(request, "action_form.html", **_new_context(db, who, values))


@pages.get("/actions/new", response_class=HTMLResponse)
def action_new_page(
    request: Request, db: Tx, who: Writer, party_id: RecordIdQuery = None
) -> Response:
    return _new_form(request, db, who, {"officer_ids": [who.user_id], "party_id": party_id})


@pages.get("/actions/new/parties", response_class=HTMLResponse)
def action_new_parties(
    request: Request, db: Tx, who: Writer, party_q: str = "", party_id: RecordIdQuery = None
) -> Response:
    """The picker's matches as the officer types (htmx)."""
    values = {"party_q": party_q, "party_id": party_id}
    log_access(db, who, "party", None, f"开启案件查找当事人 q={party_q[:50]}")
    return render(request, "action_party_choices.html", **_new_context(db, who, values))


@pages.get("/actions/new/power-items", response_class=HTMLResponse)
def action_new_power_items(request: Request, db: Db, who: Writer, procedure: str = "") -> Response:
    """The 执法事项 of the procedure just chosen (htmx)."""
    items = actions.power_items_for(db, procedure)
    return render(request, "action_power_items.html", power_items=items, values={}, **_labels())


@pages.post("/actions/new", response_class=HTMLResponse)
async def action_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await _new_values(request)
    if values["find_party"]:  # the picker's 查找 (without JavaScript): the form as typed
        return _new_form(request, db, who, values)
    return submit(
        request,
        db,
        lambda: actions.open_action(db, parse(actions.ActionIn, values), who),
        page="action_form.html",
        context=lambda: _new_context(db, who, values),
        then=lambda action: redirect(f"/app/actions/{action.id}", "opened"),
    )


@pages.get("/actions/{action_id}", response_class=HTMLResponse)
def action_page(request: Request, who: Reader, action: ActionOfPath, db: Tx) -> Response:
    log_access(db, who, "action", action.id, "查看案件")
    context = _detail_context(db, action, notice=notice_of(request, NOTICES))
    return render(request, "action_detail.html", **context)


def _on_action_page(
    db: Session, who: Principal, action_id: int, **extra: Any
) -> Callable[[], dict[str, Any]]:
    """The case page shown again after a refused form, read afresh after the undo."""
    return lambda: _detail_context(db, actions.get_action(db, action_id, who), **extra)


@pages.post("/actions/{action_id}/transitions", response_class=HTMLResponse)
async def action_advance_submit(
    request: Request, who: Writer, action: ActionToChange, db: Tx
) -> Response:
    action_id, values = action.id, await form_values(request, ("to_step", "reason"))
    return submit(
        request,
        db,
        lambda: actions.advance(db, action_id, parse(actions.TransitionIn, values), who),
        page="action_detail.html",
        context=_on_action_page(db, who, action_id, transition_values=values),
        then=lambda _: redirect(f"/app/actions/{action_id}", "moved"),
    )


@pages.post("/actions/{action_id}/officers", response_class=HTMLResponse)
async def officer_add_submit(
    request: Request, who: Writer, action: ActionToChange, db: Tx
) -> Response:
    action_id, values = action.id, await form_values(request, ("officer_id",))
    return submit(
        request,
        db,
        lambda: actions.add_officer(db, action_id, parse(actions.OfficerAdd, values), who),
        page="action_detail.html",
        context=_on_action_page(db, who, action_id, officer_values=values),
        then=lambda _: redirect(f"/app/actions/{action_id}", "officer_added"),
    )


@pages.post("/actions/{action_id}/activities", response_class=HTMLResponse)
async def activity_new_submit(
    request: Request, who: Writer, action: ActionToChange, db: Tx
) -> Response:
    action_id = action.id
    values: dict[str, Any] = await form_values(request, ("started_at", "place", "party_present"))
    values["officer_ids"] = (await request.form()).getlist("officer_ids")
    return submit(
        request,
        db,
        lambda: actions.record_activity(db, action_id, parse(actions.ActivityIn, values), who),
        page="action_detail.html",
        context=_on_action_page(db, who, action_id, activity_values=values),
        then=lambda activity: redirect(f"/app/activities/{activity.id}", "activity"),
    )


@pages.get("/activities/{activity_id}", response_class=HTMLResponse)
def activity_page(request: Request, who: Reader, found: ActivityOfPath, db: Tx) -> Response:
    activity, action = found
    log_access(db, who, "activity", activity.id, "查看现场执法活动")
    return render(request, "activity.html", **_activity_context(request, db, activity, action))


def _submit_duty(
    request: Request,
    db: Session,
    who: Principal,
    activity_id: int,
    done: str,
    change: Callable[[], object],
    values: dict[str, Any],
) -> Response:
    """A duty recorded at an activity: refused, the activity's page is shown again with
    what was typed into the form (``done`` names it)."""
    typed = {**values, "form": done}
    return submit(
        request,
        db,
        change,
        page="activity.html",
        context=lambda: _activity_context(
            request, db, *actions.visible_activity(db, activity_id, who), typed
        ),
        then=lambda _: redirect(f"/app/activities/{activity_id}", done),
    )


@pages.post("/activities/{activity_id}/shown", response_class=HTMLResponse)
async def shown_submit(request: Request, who: Writer, found: ActivityToChange, db: Tx) -> Response:
    activity_id, values = found[0].id, await form_values(request, ("officer_id", "at"))
    officer_id = record_id_or_none(values["officer_id"]) or 0
    return _submit_duty(
        request,
        db,
        who,
        activity_id,
        "shown",
        lambda: actions.record_certificate_shown(
            db, activity_id, officer_id, _form_time(values["at"]), who
        ),
        values,
    )


@pages.post("/activities/{activity_id}/matters", response_class=HTMLResponse)
async def matters_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx
) -> Response:
    activity_id, form = found[0].id, await request.form()
    values = {"matters": form.getlist("matters"), "told_at": form.get("at")}
    return _submit_duty(
        request,
        db,
        who,
        activity_id,
        "told",
        lambda: actions.record_matters_told(db, activity_id, parse(actions.MattersIn, values), who),
        values,
    )


@pages.post("/activities/{activity_id}/acknowledgement", response_class=HTMLResponse)
async def ack_submit(
    request: Request, who: Writer, found: ActivityToChange, db: Tx, settings: Config
) -> Response:
    activity_id, values = found[0].id, await form_values(request, ACK_FIELDS)
    photo = await _photo_of((await request.form()).get("photo"))

    def change() -> Acknowledgement:
        method = _ack_method(values["method"])
        return actions.record_acknowledgement(
            db,
            open_blob_store(settings),
            activity_id,
            method=method,
            signer_name=values["signer_name"],
            evidence=_evidence(method, values["signature"], photo),
            note=values["note"],
            at=_form_time(values["at"]),
            who=who,
        )

    return _submit_duty(request, db, who, activity_id, "ack", change, values)


# ---- JSON API -----------------------------------------------------------------------------


class ShownIn(BaseModel):
    officer_id: BodyRecordId
    shown_at: actions.BeijingTime


class AckIn(BaseModel):
    method: AcknowledgementMethod
    signer_name: str
    signature_png_base64: str | None = None
    note: str = ""
    at: actions.BeijingTime


@api.get("/power-items", summary="执法事项（可按办案程序筛选）")
def api_power_items(db: Db, who: Reader, procedure: str = "") -> list[PowerItemOut]:
    if procedure:
        return [PowerItemOut.of(r) for r in actions.power_items_for(db, procedure)]
    return [PowerItemOut.of(r) for r in db.scalars(select(PowerItem).order_by(PowerItem.code))]


@api.get("/party-picks", summary="开启案件时查找行政相对人（名称、统一社会信用代码或其片段）")
def api_party_picks(db: Tx, who: Writer, q: str = "") -> list[PartyPickOut]:
    log_access(db, who, "party", None, f"开启案件查找当事人 q={q[:50]}", via="api")
    return [PartyPickOut.of(p) for p in parties.pick_parties(db, who, q)[0]]


@api.get("/actions", summary="案件列表（本人承办或有权查看的）")
def api_actions(
    db: Tx,
    who: Reader,
    status: ActionStatus | None = None,
    party_id: RecordIdQuery = None,
    page: PageNumber = 1,
) -> ActionPage:
    rows, total = actions.list_actions(db, who, status=status, party_id=party_id, page=page)
    log_access(db, who, "action", None, "案件列表", via="api")
    return ActionPage(total=total, page=page, items=[ActionOut.of(db, a) for a in rows])


@api.post("/actions", status_code=201, summary="开启案件")
def api_action_open(data: actions.ActionIn, db: Tx, who: Writer) -> ActionOut:
    return ActionOut.of(db, actions.open_action(db, data, who))


@api.get("/actions/{action_id}", summary="案件详情：当前步骤、可进入的步骤、尚缺事项")
def api_action(who: Reader, action: ActionOfPath, db: Tx) -> ActionOut:
    log_access(db, who, "action", action.id, "查看案件", via="api")
    return ActionOut.of(db, action)


@api.post("/actions/{action_id}/officers", status_code=201, summary="添加承办人员")
def api_officer_add(
    who: Writer, action: ActionToChange, data: actions.OfficerAdd, db: Tx
) -> ActionOut:
    actions.add_officer(db, action.id, data, who)
    return ActionOut.of(db, action)


@api.get("/actions/{action_id}/transitions", summary="步骤记录")
def api_transitions(who: Reader, action: ActionOfPath, db: Db) -> list[TransitionOut]:
    return [TransitionOut.of(t) for t in actions.transitions_of(db, action.id)]


@api.post("/actions/{action_id}/transitions", status_code=201, summary="进入下一步骤")
def api_advance(
    who: Writer, action: ActionToChange, data: actions.TransitionIn, db: Tx
) -> ActionOut:
    actions.advance(db, action.id, data, who)
    return ActionOut.of(db, action)


@api.post("/actions/{action_id}/activities", status_code=201, summary="记录现场执法活动")
def api_activity(
    who: Writer, action: ActionToChange, data: actions.ActivityIn, db: Tx
) -> ActivityOut:
    activity = actions.record_activity(db, action.id, data, who)
    return ActivityOut.of(db, action, activity)


@api.get("/activities/{activity_id}", summary="现场执法活动及尚缺的事中义务")
def api_activity_get(who: Reader, found: ActivityOfPath, db: Tx) -> ActivityOut:
    activity, action = found
    log_access(db, who, "activity", activity.id, "查看现场执法活动", via="api")
    return ActivityOut.of(db, action, activity)


# The duties recorded through the API leave finding the activity (seen and handled by the
# caller) to the service, after the body is checked: a malformed signature is a 400
# whatever activity the path names.


@api.post("/activities/{activity_id}/certificate-shown", status_code=201, summary="记录亮证")
def api_shown(who: Writer, activity_id: RecordId, data: ShownIn, db: Tx) -> RecordedOut:
    row = actions.record_certificate_shown(db, activity_id, data.officer_id, data.shown_at, who)
    return RecordedOut(id=row.id)


@api.post("/activities/{activity_id}/matters", status_code=201, summary="记录告知事项")
def api_matters(who: Writer, activity_id: RecordId, data: actions.MattersIn, db: Tx) -> RecordedOut:
    return RecordedOut(id=actions.record_matters_told(db, activity_id, data, who).id)


@api.post("/activities/{activity_id}/acknowledgement", status_code=201, summary="记录当事人确认")
def api_ack(
    who: Writer, activity_id: RecordId, data: AckIn, db: Tx, settings: Config
) -> AcknowledgementOut:
    drawn = data.signature_png_base64
    evidence = None if drawn is None else actions.signature_png(actions.PNG_DATA_URL + drawn)
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
    return AcknowledgementOut(id=row.id, blob_digest=row.blob_digest)

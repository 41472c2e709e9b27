"""Pages (usable on a phone) and JSON API of the recording rules: what an action's
activities must record and why, the time line of an activity's segments with its gaps,
explaining a gap, recording that the party was told, exception requests and a leader's
decision, evidence and dispute marks with the retention they lead to, the supervision
list of open problems, and the bureau's policy."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import SHANGHAI
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    MAX_RECORD_ID,
    Config,
    Db,
    RecordId,
    RecordIdQuery,
    Tx,
    form_record_id,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement.actions import get_action, visible_activity
from zhifa.enforcement.models import Action, Activity
from zhifa.enforcement.resources import (
    ActionOfPath,
    ActionToChange,
    ActivityOfPath,
    ActivityToChange,
)
from zhifa.enforcement.steps import ACTION_KIND_LABELS
from zhifa.recording.access import service as access
from zhifa.recording.access.rules import RESTRICTED_PLACEHOLDER
from zhifa.recording.av import continuity, marks, requirement
from zhifa.recording.av.continuity import InterruptionIn, Timeline, current_policy
from zhifa.recording.av.models import (
    INTERRUPTION_REASON_LABELS,
    MARK_LABELS,
    STATED_IN_LABELS,
    RecordingException,
)
from zhifa.recording.av.requirement import DecisionIn, ExceptionIn, FactIn, NoticeIn, PolicyIn
from zhifa.recording.av.rules import (
    ACTION_FACTS,
    BUREAU_PREFIX,
    FACT_LABELS,
    LEVEL_LABELS,
    RECORDED_SERVICE_METHODS,
    ExceptionState,
    Fact,
)
from zhifa.recording.av.schemas import (
    ActionRecordingOut,
    ActivityRecordingOut,
    ExceptionOut,
    InterruptionApiIn,
    InterruptionOut,
    MarksOut,
    NoticeOut,
    PolicyOut,
    ProblemOut,
)
from zhifa.recording.media.models import MEDIA_KIND_LABELS, Media

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["音视频记录规则"])

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.action_write))]
Admin = Annotated[Principal, Depends(require(Permission.unit_admin))]


# The records a path names, seen only as `get_action` lets the caller see them (one that is
# not theirs answers 404 like a missing one), under the route's own permission: a change
# is looked up under the write permission. Whether the caller may act in the case
# (handling) stays the service's check, so a page form it refuses is shown again.


MAX_STATEMENT_BYTES = continuity.MAX_STATEMENT_BYTES
EXCEPTION_LABELS = {
    ExceptionState.none: "",
    ExceptionState.pending: "例外申请待领导审批",
    ExceptionState.approved: "领导已批准例外",
    ExceptionState.refused: "例外申请未获批准",
}
NOTICES = {
    "fact": "情形已记录，记录要求已按此重新判断。",
    "notice": "已记录告知当事人开始录音录像。",
    "explained": "中断原因已记录。",
    "requested": "例外申请已提交，待领导审批。",
    "decided": "审批结果已记录。",
    "marked": "标记已记录。",
    "policy": "记录规则设置已保存（新版本）。",
}
Change = Callable[[], object]


def _labels() -> dict[str, Any]:
    return {
        "level_labels": LEVEL_LABELS,
        "fact_labels": FACT_LABELS,
        "kind_labels": MEDIA_KIND_LABELS,
        "reason_labels": INTERRUPTION_REASON_LABELS,
        "stated_labels": STATED_IN_LABELS,
        "mark_labels": MARK_LABELS,
        "exception_labels": EXCEPTION_LABELS,
        "service_labels": RECORDED_SERVICE_METHODS,
        "action_kind_labels": ACTION_KIND_LABELS,
    }


def _now_local() -> str:
    return utcnow().astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def _ctx(action: Action) -> dict[str, int]:
    """The action and party a read belongs to, for the access log."""
    return {"action_id": action.id, "party_id": action.party_id}


def _hidden(db: Session, who: Principal, action: Action) -> frozenset[int]:
    """The action's records that are flagged and closed to ``who``."""
    ids = db.scalars(select(Media.id).where(Media.action_id == action.id))
    return access.unreadable(db, who, action, ids)


def _form_seconds(value: Any, field: str) -> int | None:
    """A count of seconds typed into a form (0 allowed): None when empty."""
    text = str(value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_RECORD_ID:
        raise DomainError("编号须为正整数", field)
    return int(text)


def _form_time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise DomainError("时间无效，应为 YYYY-MM-DD HH:MM", "told_at") from None


def _fact_values(form: FormData, **extra: Any) -> dict[str, Any]:
    return {
        "code": form.get("code", ""),
        "value": form.get("value", "true") == "true",
        "reason": str(form.get("reason", "")).strip(),
        **extra,
    }


# ---- JSON API ------------------------------------------------------------------------------


@api.get(
    "/actions/{action_id}/recording", summary="案件各现场活动的音视频记录要求、连续性与尚缺事项"
)
def api_action_recording(who: Reader, action: ActionOfPath, db: Tx) -> ActionRecordingOut:
    out = ActionRecordingOut.of(db, action, _hidden(db, who, action))
    purpose = "查看音视频记录要求"
    log_access(db, who, "action_recording", action.id, purpose, via="api", **_ctx(action))
    return out


@api.get(
    "/activities/{activity_id}/recording", summary="现场活动的记录要求、片段时间线、中断与告知"
)
def api_activity_recording(who: Reader, of_path: ActivityOfPath, db: Tx) -> ActivityRecordingOut:
    activity, action = of_path
    rec = requirement.activity_recording(db, activity, action)
    out = ActivityRecordingOut.of(db, rec, _hidden(db, who, action))
    purpose = "查看音视频记录连续性"
    log_access(db, who, "activity_recording", activity.id, purpose, via="api", **_ctx(action))
    return out


@api.post("/actions/{action_id}/recording/facts", status_code=201, summary="记录影响记录要求的情形")
def api_fact(action_id: RecordId, data: FactIn, db: Tx, who: Writer) -> dict[str, int]:
    row = requirement.state_fact(db, action_id, data, who)
    return {"id": row.id}


@api.post(
    "/activities/{activity_id}/recording-notices",
    status_code=201,
    summary="记录已告知当事人开始录音录像",
)
def api_notice(activity_id: RecordId, data: NoticeIn, db: Tx, who: Writer) -> NoticeOut:
    return NoticeOut.of(requirement.record_notice(db, activity_id, data, who))


@api.post("/activities/{activity_id}/interruptions", status_code=201, summary="说明录像中断原因")
def api_interruption(
    activity_id: RecordId, data: InterruptionApiIn, db: Tx, who: Writer, settings: Config
) -> InterruptionOut:
    statement = data.statement()
    store = open_blob_store(settings) if statement is not None else None
    row = continuity.explain_gap(db, store, activity_id, data.explanation(), who, statement)
    return InterruptionOut.of(row)


@api.post(
    "/actions/{action_id}/recording/exceptions",
    status_code=201,
    summary="申请不作记录的例外（领导审批）",
)
def api_exception_request(
    action_id: RecordId, data: ExceptionIn, db: Tx, who: Writer
) -> ExceptionOut:
    return ExceptionOut.of(requirement.request_exception(db, action_id, data, who), None)


@api.get("/recording/exceptions", summary="例外申请（默认待审批的）")
def api_exceptions(
    db: Tx, who: Reader, state: ExceptionState = ExceptionState.pending
) -> list[ExceptionOut]:
    out = [ExceptionOut.of(r, d) for r, d in requirement.visible_exceptions(db, who, state)]
    log_access(db, who, "recording_exceptions", None, "查看例外申请", via="api")
    return out


@api.post(
    "/recording/exceptions/{exception_id}/decision", status_code=201, summary="领导审批例外申请"
)
def api_exception_decide(
    exception_id: RecordId, data: DecisionIn, db: Tx, who: Reader
) -> ExceptionOut:
    decision = requirement.decide_exception(db, exception_id, data, who)
    request = db.get(RecordingException, decision.exception_id)
    assert request is not None  # the decision's foreign key
    return ExceptionOut.of(request, decision)


@api.get("/recording/problems", summary="未满足记录要求的问题（领导、监督）")
def api_problems(
    db: Tx,
    who: Reader,
    unit_id: RecordIdQuery = None,
    officer_id: RecordIdQuery = None,
    action_id: RecordIdQuery = None,
) -> list[ProblemOut]:
    filters = {"unit_id": unit_id, "officer_id": officer_id, "action_id": action_id}
    rows = requirement.open_problems(db, who, **filters)
    log_access(db, who, "recording_problems", None, "查看记录问题清单", via="api")
    return [ProblemOut.of(p) for p in rows]


@api.get("/media/{media_id}/marks", summary="证据、争议标记及由此确定的保存要求")
def api_marks(media_id: RecordId, db: Tx, who: Reader) -> MarksOut:
    media, action = marks.visible_media(db, media_id, who)
    marks.check_readable(db, who, media)
    out = MarksOut.of(db, media, action)
    purpose = "查看记录标记与保存期限"
    log_access(db, who, "media_marks", media_id, purpose, via="api", **_ctx(action))
    return out


@api.post(
    "/media/{media_id}/marks", status_code=201, summary="标记或取消标记（作为案件证据、发生争议）"
)
def api_mark(media_id: RecordId, data: marks.MarkIn, db: Tx, who: Writer) -> MarksOut:
    marks.set_mark(db, media_id, data, who)
    return MarksOut.of(db, *marks.visible_media(db, media_id, who))


@api.get("/recording/policy", summary="记录规则设置：中断容差与本局增加的应当记录情形")
def api_policy(db: Db, who: Reader) -> PolicyOut:
    return PolicyOut.current(db)


@api.put("/recording/policy", summary="修改记录规则设置（系统管理员，新版本）")
def api_policy_set(data: PolicyIn, db: Tx, who: Admin) -> PolicyOut:
    requirement.set_policy(db, data, who)
    return PolicyOut.current(db)


# ---- pages ---------------------------------------------------------------------------------


def _bar(line: Timeline, explained: dict[tuple[int, int], Any]) -> dict[str, Any]:
    """Positions (in % of the span) of segments and gaps for the SVG time line."""
    start, end = line.start, line.end
    if start is None or end is None:
        return {"segments": [], "gaps": [], "span": 0}
    span = max((end - start).total_seconds(), 1.0)

    def pos(moment: datetime) -> float:
        return round((moment - start).total_seconds() / span * 1000, 2)

    return {
        "span": span,
        "start": start,
        "end": end,
        "segments": [
            {"id": s.media_id, "x": pos(s.start), "w": max(pos(s.end) - pos(s.start), 2)}
            for s in line.segments
        ],
        "gaps": [
            {"x": pos(g.start), "w": max(pos(g.end) - pos(g.start), 2), "ok": g.key in explained}
            for g in line.gaps
        ],
    }


def _user_names(db: Session, ids: set[int | None]) -> dict[int | None, str]:
    return {i: requirement.user_name(db, i) for i in ids}


def _activity_context(
    request: Request, db: Session, who: Principal, activity: Activity, action: Action
) -> dict[str, Any]:
    rec = requirement.activity_recording(db, activity, action)
    policy = current_policy(db)
    choices = [(f.value, FACT_LABELS[f]) for f in Fact if f not in ACTION_FACTS]
    choices += [(f"{BUREAU_PREFIX}{s.code}", f"本局规定：{s.label}") for s in policy.situations]
    people = {n.recorded_by for n in rec.notices} | {r.requested_by for r, _ in rec.exceptions}
    people |= {d.decided_by for _, d in rec.exceptions if d}
    people |= {i.recorded_by for i in rec.explained.values()}
    return {
        "rec": rec,
        "action": action,
        "activity": activity,
        "bar": _bar(rec.line, rec.explained),
        "tolerance": policy.gap_tolerance_seconds,
        "fact_choices": choices,
        "facts": requirement.stated(db, action.id, activity.id),
        "names": _user_names(db, people),
        "now_local": _now_local(),
        "notice": notice_of(request, NOTICES),
        "is_open": action.status.value == "open",
        "hidden": _hidden(db, who, action),
        "restricted_label": RESTRICTED_PLACEHOLDER,
        **_labels(),
    }


def _activity_submit(
    request: Request, db: Session, who: Principal, activity_id: int, change: Change, done: str
) -> Response:
    """A form of the activity's page: refused, the page again (its activity looked up
    afresh); accepted, back to the page with the confirmation ``done``."""
    return submit(
        request,
        db,
        change,
        page="recording_activity.html",
        context=lambda: _activity_context(
            request, db, who, *visible_activity(db, activity_id, who)
        ),
        then=lambda _: redirect(f"/app/activities/{activity_id}/recording", done),
    )


@pages.get("/activities/{activity_id}/recording", response_class=HTMLResponse)
def activity_recording_page(
    request: Request, who: Reader, of_path: ActivityOfPath, db: Tx
) -> Response:
    activity, action = of_path
    log_access(db, who, "activity_recording", activity.id, "查看音视频记录连续性", **_ctx(action))
    context = _activity_context(request, db, who, activity, action)
    return render(request, "recording_activity.html", **context)


@pages.post("/activities/{activity_id}/recording/facts", response_class=HTMLResponse)
async def activity_fact_submit(
    request: Request, who: Writer, of_path: ActivityToChange, db: Tx
) -> Response:
    form, activity_id = await request.form(), of_path[0].id

    def change() -> object:
        activity, action = visible_activity(db, activity_id, who, handling=True)
        data = parse(FactIn, _fact_values(form, activity_id=activity.id))
        return requirement.state_fact(db, action.id, data, who)

    return _activity_submit(request, db, who, activity_id, change, "fact")


@pages.post("/activities/{activity_id}/recording/notice", response_class=HTMLResponse)
async def notice_submit(
    request: Request, who: Writer, of_path: ActivityToChange, db: Tx
) -> Response:
    form, activity_id = await request.form(), of_path[0].id

    def change() -> object:
        data = NoticeIn(
            told_at=_form_time(form.get("told_at")),
            media_id=form_record_id(form.get("media_id"), "media_id"),
            note=str(form.get("note", ""))[:500],
        )
        return requirement.record_notice(db, activity_id, data, who)

    return _activity_submit(request, db, who, activity_id, change, "notice")


async def _statement(form: FormData) -> bytes | None:
    """The uploaded written statement, read up to one byte past the limit (checked with
    the rest of the form)."""
    upload = form.get("statement")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(MAX_STATEMENT_BYTES + 1)


def _checked_statement(data: bytes | None) -> io.BytesIO | None:
    if data is not None and len(data) > MAX_STATEMENT_BYTES:
        raise DomainError("书面说明文件过大（最多 20 MB）", "statement")
    return None if data is None else io.BytesIO(data)


def _interruption_values(form: FormData) -> dict[str, Any]:
    before, _, after = str(form.get("gap", "")).partition("-")
    return {
        "before_media_id": before or None,
        "after_media_id": after or None,
        "reason": form.get("reason", ""),
        "detail": str(form.get("detail", "")),
        "stated_in": form.get("stated_in", ""),
        "stated_media_id": form_record_id(form.get("stated_media_id"), "stated_media_id"),
        "stated_offset_seconds": _form_seconds(
            form.get("stated_offset_seconds"), "stated_offset_seconds"
        ),
    }


@pages.post("/activities/{activity_id}/recording/interruptions", response_class=HTMLResponse)
async def interruption_submit(
    request: Request, who: Writer, of_path: ActivityToChange, db: Tx, settings: Config
) -> Response:
    form, activity_id = await request.form(), of_path[0].id
    uploaded = await _statement(form)

    def change() -> object:
        data = parse(InterruptionIn, _interruption_values(form))
        statement = _checked_statement(uploaded)
        store = open_blob_store(settings) if statement is not None else None
        return continuity.explain_gap(db, store, activity_id, data, who, statement)

    return _activity_submit(request, db, who, activity_id, change, "explained")


@pages.post("/activities/{activity_id}/recording/exception", response_class=HTMLResponse)
async def exception_submit(
    request: Request, who: Writer, of_path: ActivityToChange, db: Tx
) -> Response:
    form, activity_id = await request.form(), of_path[0].id

    def change() -> object:
        activity, action = visible_activity(db, activity_id, who, handling=True)
        reason = str(form.get("reason", "")).strip()
        data = parse(ExceptionIn, {"activity_id": activity.id, "reason": reason})
        return requirement.request_exception(db, action.id, data, who)

    return _activity_submit(request, db, who, activity_id, change, "requested")


# -- the action's overview, and the fragment for the action page --


def _action_page_context(
    db: Session, action: Action, hidden: frozenset[int] = frozenset()
) -> dict[str, Any]:
    policy = current_policy(db)
    calendar = working_calendar(db)
    media = list(db.scalars(select(Media).where(Media.action_id == action.id).order_by(Media.id)))
    marked = []
    for m in media:
        if m.id in hidden:  # a flagged record closed to this viewer: its place only
            continue
        now = marks.current_marks(marks.marks_of(db, m.id))
        marked.append((m, now, marks.retention_for(calendar, action, m, now)))
    return {
        "media": marked,
        "hidden_count": len(hidden),
        "restricted_label": RESTRICTED_PLACEHOLDER,
        "action": action,
        "recordings": requirement.action_recordings(db, action, policy),
        "services": requirement.service_recordings(db, action, policy),
        "action_facts": requirement.stated(db, action.id, None),
        "is_open": action.status.value == "open",
        **_labels(),
    }


def _action_context(
    request: Request, db: Session, who: Principal, action: Action
) -> dict[str, Any]:
    hidden = _hidden(db, who, action)
    return {"notice": notice_of(request, NOTICES), **_action_page_context(db, action, hidden)}


def _action_submit(
    request: Request, db: Session, who: Principal, action_id: int, change: Change, done: str
) -> Response:
    """A form of the action's recording page: refused, the page again (the action looked
    up afresh); accepted, back to the page with the confirmation ``done``."""
    return submit(
        request,
        db,
        change,
        page="recording_action.html",
        context=lambda: _action_context(request, db, who, get_action(db, action_id, who)),
        then=lambda _: redirect(f"/app/actions/{action_id}/recording", done),
    )


@pages.get("/actions/{action_id}/recording", response_class=HTMLResponse)
def action_recording_page(request: Request, who: Reader, action: ActionOfPath, db: Tx) -> Response:
    log_access(db, who, "action_recording", action.id, "查看音视频记录要求", **_ctx(action))
    return render(request, "recording_action.html", **_action_context(request, db, who, action))


@pages.get("/actions/{action_id}/recording/fragment", response_class=HTMLResponse)
def action_recording_fragment(
    request: Request, who: Reader, action: ActionOfPath, db: Tx
) -> Response:
    log_access(db, who, "action_recording", action.id, "查看音视频记录要求", **_ctx(action))
    return render(request, "recording_fragment.html", **_action_page_context(db, action))


@pages.post("/actions/{action_id}/recording/facts", response_class=HTMLResponse)
async def action_fact_submit(
    request: Request, who: Writer, action: ActionToChange, db: Tx
) -> Response:
    form, action_id = await request.form(), action.id

    def change() -> object:
        return requirement.state_fact(db, action_id, parse(FactIn, _fact_values(form)), who)

    return _action_submit(request, db, who, action_id, change, "fact")


@pages.post("/actions/{action_id}/recording/marks", response_class=HTMLResponse)
async def mark_submit(request: Request, who: Writer, action: ActionToChange, db: Tx) -> Response:
    form, action_id = await request.form(), action.id

    def change() -> object:
        media_id = form_record_id(form.get("media_id"), "media_id")
        media = marks.record_of_action(db, action_id, media_id)
        data = parse(
            marks.MarkIn,
            {
                "kind": form.get("kind", ""),
                "marked": form.get("marked", "true") == "true",
                "reason": str(form.get("reason", "")).strip(),
            },
        )
        return marks.set_mark(db, media.id, data, who)

    return _action_submit(request, db, who, action_id, change, "marked")


@pages.post("/actions/{action_id}/recording/exception", response_class=HTMLResponse)
async def service_exception_submit(
    request: Request, who: Writer, action: ActionToChange, db: Tx
) -> Response:
    form, action_id = await request.form(), action.id

    def change() -> object:
        service_id = form_record_id(form.get("service_id"), "service_id")
        reason = str(form.get("reason", "")).strip()
        data = parse(ExceptionIn, {"service_id": service_id, "reason": reason})
        return requirement.request_exception(db, action_id, data, who)

    return _action_submit(request, db, who, action_id, change, "requested")


# -- leaders: exception requests --


def _exceptions_context(request: Request, db: Session, who: Principal) -> dict[str, Any]:
    requirement.check_leader(who)
    rows = requirement.visible_exceptions(db, who, ExceptionState.pending)
    return {
        "rows": rows,
        "actions": {r.action_id: db.get(Action, r.action_id) for r, _ in rows},
        "activities": {
            r.activity_id: db.get(Activity, r.activity_id) for r, _ in rows if r.activity_id
        },
        "names": _user_names(db, {r.requested_by for r, _ in rows}),
        "notice": notice_of(request, NOTICES),
        **_labels(),
    }


@pages.get("/recording/exceptions", response_class=HTMLResponse)
def exceptions_page(request: Request, db: Tx, who: Reader) -> Response:
    requirement.check_leader(who)  # before the read is logged
    log_access(db, who, "recording_exceptions", None, "查看例外申请")
    return render(request, "recording_exceptions.html", **_exceptions_context(request, db, who))


@pages.post("/recording/exceptions/{exception_id}/decision", response_class=HTMLResponse)
async def exception_decide_submit(
    request: Request, exception_id: RecordId, db: Tx, who: Reader
) -> Response:
    form = await request.form()
    approved, note = form.get("approved") == "true", str(form.get("note", "")).strip()
    return submit(
        request,
        db,
        lambda: requirement.decide_exception(
            db, exception_id, parse(DecisionIn, {"approved": approved, "note": note}), who
        ),
        page="recording_exceptions.html",
        # Refused for not being a leader: building the page raises the 403 itself.
        context=lambda: _exceptions_context(request, db, who),
        then=lambda _: redirect("/app/recording/exceptions", "decided"),
    )


# -- leaders and supervision: open problems --


def _people(db: Session) -> dict[str, Any]:
    """The units and officers the problem list can be filtered by, and everyone's name."""
    users = list(db.scalars(select(User).order_by(User.id)))
    return {
        "units": list(db.scalars(select(Unit).order_by(Unit.id))),
        "officers": [u for u in users if "officer" in {r.value for r in u.roles}],
        "names": {u.id: u.full_name for u in users},
    }


@pages.get("/recording/problems", response_class=HTMLResponse)
def problems_page(
    request: Request,
    db: Tx,
    who: Reader,
    unit_id: Annotated[str, Query(max_length=12)] = "",
    officer_id: Annotated[str, Query(max_length=12)] = "",
    action_id: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    filters = {
        "unit_id": form_record_id(unit_id, "unit_id"),
        "officer_id": form_record_id(officer_id, "officer_id"),
        "action_id": form_record_id(action_id, "action_id"),
    }
    rows = requirement.open_problems(db, who, **filters)
    log_access(db, who, "recording_problems", None, "查看记录问题清单")
    context = {"rows": rows, "filters": filters, **_people(db)}
    return render(request, "recording_problems.html", **context)


# -- the administrator: the bureau's policy --


def _policy_context(request: Request, db: Session, who: Principal) -> dict[str, Any]:
    from zhifa.enforcement.models import RISK_FLAGS
    from zhifa.enforcement.steps import PROCEDURES

    return {
        "policy": PolicyOut.current(db),
        "can_edit": who.can(Permission.unit_admin),
        "procedures": PROCEDURES,
        "risk_labels": RISK_FLAGS,
        "notice": notice_of(request, NOTICES),
        **_labels(),
    }


@pages.get("/recording/policy", response_class=HTMLResponse)
def policy_page(request: Request, db: Db, who: Reader) -> Response:
    return render(request, "recording_policy.html", **_policy_context(request, db, who))


def _policy_values(form: FormData) -> dict[str, Any]:
    """The policy form: the tolerance, the reason and one row per situation filled in."""
    situations = []
    codes = form.getlist("situation_code")
    labels = form.getlist("situation_label")
    for index, (code, label) in enumerate(zip(codes, labels, strict=False)):
        if not str(code).strip() and not str(label).strip():
            continue
        situations.append(
            {
                "code": str(code).strip(),
                "label": str(label).strip(),
                "procedures": form.getlist(f"situation_procedures_{index}"),
                "steps": [s for s in str(form.get(f"situation_steps_{index}", "")).split() if s],
                "risk_flags": form.getlist(f"situation_risk_{index}"),
            }
        )
    return {
        "gap_tolerance_seconds": form.get("gap_tolerance_seconds") or None,
        "situations": situations,
        "reason": str(form.get("reason", "")).strip(),
    }


@pages.post("/recording/policy", response_class=HTMLResponse)
async def policy_submit(request: Request, db: Tx, who: Admin) -> Response:
    values = _policy_values(await request.form())
    return submit(
        request,
        db,
        lambda: requirement.set_policy(db, parse(PolicyIn, values), who),
        page="recording_policy.html",
        context=lambda: _policy_context(request, db, who),
        then=lambda _: redirect("/app/recording/policy", "policy"),
    )

"""Pages (usable on a phone) and JSON API of the recording rules: what an action's
activities must record and why, the time line of an activity's segments with its gaps,
explaining a gap, recording that the party was told, exception requests and a leader's
decision, evidence and dispute marks with the retention they lead to, the supervision
list of open problems, and the bureau's policy."""

from __future__ import annotations

import base64
import io
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import SHANGHAI
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, Forbidden
from zhifa.core.http import MAX_RECORD_ID, Config, Db, RecordId, RecordIdQuery, render, require
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement.actions import get_action, procedure_of, visible_activity
from zhifa.enforcement.models import Action, Activity
from zhifa.enforcement.steps import ACTION_KIND_LABELS
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.recording.access import service as access
from zhifa.recording.access.rules import RESTRICTED_PLACEHOLDER
from zhifa.recording.av import continuity, marks, requirement
from zhifa.recording.av.continuity import InterruptionIn, Timeline, current_policy
from zhifa.recording.av.models import (
    INTERRUPTION_REASON_LABELS,
    MARK_LABELS,
    STATED_IN_LABELS,
    ExceptionDecision,
    InterruptionReason,
    MarkKind,
    RecordingException,
    StatedIn,
)
from zhifa.recording.av.requirement import (
    ActivityRecording,
    DecisionIn,
    ExceptionIn,
    FactIn,
    NoticeIn,
    PolicyIn,
    ServiceRecording,
    is_leader,
)
from zhifa.recording.av.rules import (
    ACTION_FACTS,
    BUREAU_PREFIX,
    FACT_LABELS,
    LEVEL_LABELS,
    RECORDED_SERVICE_METHODS,
    ExceptionState,
    Fact,
    Level,
    RecordingDecision,
)
from zhifa.recording.media.models import MEDIA_KIND_LABELS, Media

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["音视频记录规则"])

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.action_write))]
Admin = Annotated[Principal, Depends(require(Permission.unit_admin))]

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


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


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


def _activity(
    db: Session, activity_id: int, who: Principal, *, handling: bool = False
) -> tuple[Activity, Action]:
    return visible_activity(db, activity_id, who, handling=handling)


# ---- output shapes -------------------------------------------------------------------------


class ReasonOut(BaseModel):
    clause: str
    text: str
    why: str


class DecisionOut(BaseModel):
    level: Level
    level_label: str
    mandatory: bool
    citations: list[str]
    reasons: list[ReasonOut]
    video_exemption: str | None
    expected: str
    explanation: str

    @classmethod
    def of(cls, d: RecordingDecision) -> DecisionOut:
        return cls(
            level=d.level,
            level_label=LEVEL_LABELS[d.level],
            mandatory=d.mandatory,
            citations=list(d.citations),
            reasons=[
                ReasonOut(clause=r.clause.cite, text=r.clause.text, why=r.why) for r in d.reasons
            ],
            video_exemption=d.exemption,
            expected=d.expected,
            explanation=d.explanation,
        )


class SegmentOut(BaseModel):
    media_id: int
    kind: str
    filename: str
    start: datetime | None
    end: datetime | None
    duration_seconds: float | None


class InterruptionOut(BaseModel):
    id: int
    reason: InterruptionReason
    reason_label: str
    detail: str
    stated_in: StatedIn
    stated_media_id: int | None
    stated_offset_seconds: int | None
    statement_digest: str | None
    supersedes_id: int | None
    recorded_at: datetime
    recorded_by: int | None


class GapOut(BaseModel):
    before_media_id: int
    after_media_id: int
    start: datetime
    end: datetime
    seconds: float
    explanation: InterruptionOut | None


class NoticeOut(BaseModel):
    id: int
    told_at: datetime
    media_id: int | None
    note: str
    recorded_by: int | None
    recorded_at: datetime


class ExceptionOut(BaseModel):
    id: int
    action_id: int
    activity_id: int | None
    service_id: int | None
    reason: str
    requested_by: int | None
    requested_at: datetime
    state: ExceptionState
    approved: bool | None
    decision_note: str | None
    decided_by: int | None
    decided_at: datetime | None

    @classmethod
    def of(cls, row: RecordingException, d: ExceptionDecision | None) -> ExceptionOut:
        if d is None:
            state = ExceptionState.pending
        else:
            state = ExceptionState.approved if d.approved else ExceptionState.refused
        return cls(
            id=row.id,
            action_id=row.action_id,
            activity_id=row.activity_id,
            service_id=row.service_id,
            reason=row.reason,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            state=state,
            approved=d.approved if d else None,
            decision_note=d.note if d else None,
            decided_by=d.decided_by if d else None,
            decided_at=d.decided_at if d else None,
        )


class ActivityRecordingOut(BaseModel):
    activity_id: int
    action_id: int
    step: str
    step_label: str
    number: int
    decision: DecisionOut
    stated_facts: list[str]
    media_counts: dict[str, int]
    segments: list[SegmentOut]
    undated_media_ids: list[int]
    tolerance_seconds: int
    gaps: list[GapOut]
    notices: list[NoticeOut]
    exceptions: list[ExceptionOut]
    exception_state: ExceptionState
    problems: list[str]


def _interruption_out(row: Any) -> InterruptionOut:
    return InterruptionOut(
        id=row.id,
        reason=row.reason,
        reason_label=INTERRUPTION_REASON_LABELS[row.reason],
        detail=row.detail,
        stated_in=row.stated_in,
        stated_media_id=row.stated_media_id,
        stated_offset_seconds=row.stated_offset_seconds,
        statement_digest=row.statement_digest,
        supersedes_id=row.supersedes_id,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


def _hidden(db: Session, who: Principal, action: Action) -> frozenset[int]:
    """The action's records that are flagged and closed to ``who``."""
    ids = db.scalars(select(Media.id).where(Media.action_id == action.id))
    return access.unreadable(db, who, action, ids)


def _name(media: Media, hidden: frozenset[int]) -> str:
    return RESTRICTED_PLACEHOLDER if media.id in hidden else media.filename


def _activity_out(
    db: Session, rec: ActivityRecording, hidden: frozenset[int] = frozenset()
) -> ActivityRecordingOut:
    by_id = {m.id: m for m in rec.media}
    tolerance = current_policy(db).gap_tolerance_seconds
    return ActivityRecordingOut(
        activity_id=rec.activity.id,
        action_id=rec.activity.action_id,
        step=rec.step.code,
        step_label=rec.step.label,
        number=rec.number,
        decision=DecisionOut.of(rec.decision),
        stated_facts=sorted(requirement.stated(db, rec.activity.action_id, rec.activity.id)),
        media_counts={
            "video": rec.state.videos,
            "audio": rec.state.audios,
            "photo": rec.state.photos,
        },
        segments=[
            SegmentOut(
                media_id=s.media_id,
                kind=by_id[s.media_id].kind.value,
                filename=_name(by_id[s.media_id], hidden),
                start=s.start,
                end=s.end,
                duration_seconds=s.duration_ms / 1000,
            )
            for s in rec.line.segments
        ],
        undated_media_ids=[m.id for m in rec.line.undated],
        tolerance_seconds=tolerance,
        gaps=[
            GapOut(
                before_media_id=g.before_id,
                after_media_id=g.after_id,
                start=g.start,
                end=g.end,
                seconds=g.seconds,
                explanation=_interruption_out(rec.explained[g.key])
                if g.key in rec.explained
                else None,
            )
            for g in rec.line.gaps
        ],
        notices=[
            NoticeOut(
                id=n.id,
                told_at=n.told_at,
                media_id=n.media_id,
                note=n.note,
                recorded_by=n.recorded_by,
                recorded_at=n.recorded_at,
            )
            for n in rec.notices
        ],
        exceptions=[ExceptionOut.of(r, d) for r, d in rec.exceptions],
        exception_state=rec.state.exception,
        problems=rec.problems,
    )


class ServiceRecordingOut(BaseModel):
    service_id: int
    document_id: int
    method: str
    method_label: str
    served_on: str
    step: str
    decision: DecisionOut
    media_ids: list[int]
    exceptions: list[ExceptionOut]
    exception_state: ExceptionState
    problems: list[str]


def _service_out(s: ServiceRecording) -> ServiceRecordingOut:
    return ServiceRecordingOut(
        service_id=s.service.id,
        document_id=s.document.id,
        method=s.service.method.value,
        method_label=RECORDED_SERVICE_METHODS[s.service.method.value],
        served_on=s.service.served_on.isoformat(),
        step=s.step,
        decision=DecisionOut.of(s.decision),
        media_ids=[m.id for m in s.media],
        exceptions=[ExceptionOut.of(r, d) for r, d in s.exceptions],
        exception_state=s.state.exception,
        problems=s.problems,
    )


class ActionRecordingOut(BaseModel):
    action_id: int
    stated_facts: list[str]
    activities: list[ActivityRecordingOut]
    services: list[ServiceRecordingOut]
    missing_now: list[str]


class RetentionOut(BaseModel):
    rule: str
    label: str
    recorded_on: str
    keep_until: str | None
    earliest_disposal: str | None
    basis: str


class MarkOut(BaseModel):
    id: int
    kind: MarkKind
    kind_label: str
    marked: bool
    reason: str
    supersedes_id: int | None
    recorded_at: datetime
    recorded_by: int | None


class MarksOut(BaseModel):
    media_id: int
    evidence: bool
    disputed: bool
    history: list[MarkOut]
    retention: RetentionOut


def _marks_out(db: Session, media: Media, action: Action) -> MarksOut:
    rows = marks.marks_of(db, media.id)
    now = marks.current_marks(rows)
    view = marks.retention_for(working_calendar(db), action, media, now)
    return MarksOut(
        media_id=media.id,
        evidence=MarkKind.evidence in now,
        disputed=MarkKind.disputed in now,
        history=[
            MarkOut(
                id=r.id,
                kind=r.kind,
                kind_label=MARK_LABELS[r.kind],
                marked=r.marked,
                reason=r.reason,
                supersedes_id=r.supersedes_id,
                recorded_at=r.recorded_at,
                recorded_by=r.recorded_by,
            )
            for r in rows
        ],
        retention=RetentionOut(
            rule=view.rule.value,
            label=view.label,
            recorded_on=view.recorded_on.isoformat(),
            keep_until=view.keep_until.isoformat() if view.keep_until else None,
            earliest_disposal=view.earliest_disposal.isoformat()
            if view.earliest_disposal
            else None,
            basis=view.basis,
        ),
    )


class ProblemOut(BaseModel):
    action_id: int
    action_title: str
    unit_id: int | None
    officer_ids: list[int]
    subject: str
    link: str
    problems: list[str]


class PolicyOut(BaseModel):
    id: int | None
    gap_tolerance_seconds: int
    situations: list[dict[str, Any]]
    reason: str
    set_at: datetime | None
    set_by: int | None


def _policy_out(db: Session) -> PolicyOut:
    policy = current_policy(db)
    row = policy.row
    return PolicyOut(
        id=row.id if row else None,
        gap_tolerance_seconds=policy.gap_tolerance_seconds,
        situations=[s.to_dict() for s in policy.situations],
        reason=row.reason if row else "默认设置",
        set_at=row.set_at if row else None,
        set_by=row.set_by if row else None,
    )


# ---- JSON API ------------------------------------------------------------------------------


@api.get(
    "/actions/{action_id}/recording", summary="案件各现场活动的音视频记录要求、连续性与尚缺事项"
)
def api_action_recording(action_id: RecordId, db: Db, who: Reader) -> ActionRecordingOut:
    action = get_action(db, action_id, who)
    out = _action_out(db, action, _hidden(db, who, action))
    log_access(
        db, who, "action_recording", action_id, "查看音视频记录要求", via="api", **_ctx(action)
    )
    return out


def _action_out(db: Session, action: Action, hidden: frozenset[int]) -> ActionRecordingOut:
    policy = current_policy(db)
    step = procedure_of(action).step(action.current_step)
    return ActionRecordingOut(
        action_id=action.id,
        stated_facts=sorted(requirement.stated(db, action.id, None)),
        activities=[
            _activity_out(db, r, hidden) for r in requirement.action_recordings(db, action, policy)
        ],
        services=[_service_out(s) for s in requirement.service_recordings(db, action, policy)],
        missing_now=requirement.missing_recording(db, action, step)
        if action.status.value == "open"
        else [],
    )


def _one_activity(db: Session, activity: Activity, action: Action) -> ActivityRecording:
    for rec in requirement.action_recordings(db, action):
        if rec.activity.id == activity.id:
            return rec
    raise DomainError("该步骤不是现场执法活动，无音视频记录要求")


@api.get(
    "/activities/{activity_id}/recording", summary="现场活动的记录要求、片段时间线、中断与告知"
)
def api_activity_recording(activity_id: RecordId, db: Db, who: Reader) -> ActivityRecordingOut:
    activity, action = _activity(db, activity_id, who)
    out = _activity_out(db, _one_activity(db, activity, action), _hidden(db, who, action))
    log_access(
        db,
        who,
        "activity_recording",
        activity_id,
        "查看音视频记录连续性",
        via="api",
        **_ctx(action),
    )
    return out


@api.post("/actions/{action_id}/recording/facts", status_code=201, summary="记录影响记录要求的情形")
def api_fact(action_id: RecordId, data: FactIn, db: Db, who: Writer) -> dict[str, int]:
    row = requirement.state_fact(db, action_id, data, who)
    db.commit()
    return {"id": row.id}


@api.post(
    "/activities/{activity_id}/recording-notices",
    status_code=201,
    summary="记录已告知当事人开始录音录像",
)
def api_notice(activity_id: RecordId, data: NoticeIn, db: Db, who: Writer) -> NoticeOut:
    row = requirement.record_notice(db, activity_id, data, who)
    db.commit()
    return NoticeOut(
        id=row.id,
        told_at=row.told_at,
        media_id=row.media_id,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


class InterruptionApiIn(InterruptionIn):
    statement_image_base64: str | None = Field(default=None, max_length=28_000_000)


def _decode_statement(value: str | None) -> io.BytesIO | None:
    if value is None:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error, or a character outside ASCII
        raise DomainError("书面说明文件的编码无效（应为 base64）", "statement") from None
    if len(raw) > MAX_STATEMENT_BYTES:
        raise DomainError("书面说明文件过大（最多 20 MB）", "statement")
    return io.BytesIO(raw)


@api.post("/activities/{activity_id}/interruptions", status_code=201, summary="说明录像中断原因")
def api_interruption(
    activity_id: RecordId, data: InterruptionApiIn, db: Db, who: Writer, settings: Config
) -> InterruptionOut:
    statement = _decode_statement(data.statement_image_base64)
    store = open_blob_store(settings) if statement is not None else None
    fields = InterruptionIn.model_validate(data.model_dump(exclude={"statement_image_base64"}))
    row = continuity.explain_gap(db, store, activity_id, fields, who, statement)
    db.commit()
    return _interruption_out(row)


@api.post(
    "/actions/{action_id}/recording/exceptions",
    status_code=201,
    summary="申请不作记录的例外（领导审批）",
)
def api_exception_request(
    action_id: RecordId, data: ExceptionIn, db: Db, who: Writer
) -> ExceptionOut:
    row = requirement.request_exception(db, action_id, data, who)
    db.commit()
    return ExceptionOut.of(row, None)


@api.get("/recording/exceptions", summary="例外申请（默认待审批的）")
def api_exceptions(
    db: Db, who: Reader, state: ExceptionState = ExceptionState.pending
) -> list[ExceptionOut]:
    out = [ExceptionOut.of(r, d) for r, d in _visible_exceptions(db, who, state)]
    log_access(db, who, "recording_exceptions", None, "查看例外申请", via="api")
    return out


def _visible_exceptions(
    db: Session, who: Principal, state: ExceptionState
) -> list[tuple[RecordingException, ExceptionDecision | None]]:
    query = select(RecordingException, ExceptionDecision).outerjoin(
        ExceptionDecision, ExceptionDecision.exception_id == RecordingException.id
    )
    if state is ExceptionState.pending:
        query = query.where(ExceptionDecision.id.is_(None))
    elif state is ExceptionState.approved:
        query = query.where(ExceptionDecision.approved.is_(True))
    elif state is ExceptionState.refused:
        query = query.where(ExceptionDecision.approved.is_(False))
    query = of_visible_actions(query, RecordingException.action_id, who)
    return [(row, decision) for row, decision in db.execute(query.order_by(RecordingException.id))]


@api.post(
    "/recording/exceptions/{exception_id}/decision", status_code=201, summary="领导审批例外申请"
)
def api_exception_decide(
    exception_id: RecordId, data: DecisionIn, db: Db, who: Reader
) -> ExceptionOut:
    row = requirement.decide_exception(db, exception_id, data, who)
    db.commit()
    request = db.get(RecordingException, exception_id)
    assert request is not None
    return ExceptionOut.of(request, row)


@api.get("/recording/problems", summary="未满足记录要求的问题（领导、监督）")
def api_problems(
    db: Db,
    who: Reader,
    unit_id: RecordIdQuery = None,
    officer_id: RecordIdQuery = None,
    action_id: RecordIdQuery = None,
) -> list[ProblemOut]:
    rows = requirement.open_problems(
        db, who, unit_id=unit_id, officer_id=officer_id, action_id=action_id
    )
    log_access(db, who, "recording_problems", None, "查看记录问题清单", via="api")
    return [
        ProblemOut(
            action_id=p.action.id,
            action_title=p.action.title,
            unit_id=p.action.unit_id,
            officer_ids=sorted(p.officer_ids),
            subject=p.subject,
            link=p.link,
            problems=p.problems,
        )
        for p in rows
    ]


@api.get("/media/{media_id}/marks", summary="证据、争议标记及由此确定的保存要求")
def api_marks(media_id: RecordId, db: Db, who: Reader) -> MarksOut:
    media, action = marks.visible_media(db, media_id, who)
    marks.check_readable(db, who, media)
    out = _marks_out(db, media, action)
    log_access(
        db, who, "media_marks", media_id, "查看记录标记与保存期限", via="api", **_ctx(action)
    )
    return out


@api.post(
    "/media/{media_id}/marks", status_code=201, summary="标记或取消标记（作为案件证据、发生争议）"
)
def api_mark(media_id: RecordId, data: marks.MarkIn, db: Db, who: Writer) -> MarksOut:
    marks.set_mark(db, media_id, data, who)
    db.commit()
    media, action = marks.visible_media(db, media_id, who)
    return _marks_out(db, media, action)


@api.get("/recording/policy", summary="记录规则设置：中断容差与本局增加的应当记录情形")
def api_policy(db: Db, who: Reader) -> PolicyOut:
    return _policy_out(db)


@api.put("/recording/policy", summary="修改记录规则设置（系统管理员，新版本）")
def api_policy_set(data: PolicyIn, db: Db, who: Admin) -> PolicyOut:
    requirement.set_policy(db, data, who)
    db.commit()
    return _policy_out(db)


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


def _activity_page(
    request: Request,
    db: Session,
    who: Principal,
    activity: Activity,
    action: Action,
    status: int = 200,
    **extra: Any,
) -> Response:
    rec = _one_activity(db, activity, action)
    policy = current_policy(db)
    facts = requirement.stated(db, action.id, activity.id)
    choices = [(f.value, FACT_LABELS[f]) for f in Fact if f not in ACTION_FACTS]
    choices += [(f"{BUREAU_PREFIX}{s.code}", f"本局规定：{s.label}") for s in policy.situations]
    people = {n.recorded_by for n in rec.notices} | {r.requested_by for r, _ in rec.exceptions}
    people |= {d.decided_by for _, d in rec.exceptions if d}
    people |= {i.recorded_by for i in rec.explained.values()}
    return render(
        request,
        "recording_activity.html",
        status,
        rec=rec,
        action=action,
        activity=activity,
        bar=_bar(rec.line, rec.explained),
        tolerance=policy.gap_tolerance_seconds,
        fact_choices=choices,
        facts=facts,
        names=_user_names(db, people),
        now_local=_now_local(),
        notice=_notice(request),
        is_open=action.status.value == "open",
        hidden=_hidden(db, who, action),
        restricted_label=RESTRICTED_PLACEHOLDER,
        **_labels(),
        **extra,
    )


@pages.get("/activities/{activity_id}/recording", response_class=HTMLResponse)
def activity_recording_page(
    request: Request, activity_id: RecordId, db: Db, who: Reader
) -> Response:
    activity, action = _activity(db, activity_id, who)
    log_access(db, who, "activity_recording", activity_id, "查看音视频记录连续性", **_ctx(action))
    return _activity_page(request, db, who, activity, action)


Apply = Callable[[Any], Awaitable[None]]


async def _activity_form(
    request: Request, activity_id: int, db: Session, who: Principal, done: str, apply: Apply
) -> Response:
    form = await request.form()
    try:
        await apply(form)
        db.commit()
    except DomainError as exc:
        db.rollback()
        activity, action = _activity(db, activity_id, who)
        return _activity_page(
            request, db, who, activity, action, exc.status_code, error=exc.message
        )
    return RedirectResponse(f"/app/activities/{activity_id}/recording?done={done}", status_code=303)


def _form_int(value: Any, field: str) -> int | None:
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


@pages.post("/activities/{activity_id}/recording/facts", response_class=HTMLResponse)
async def activity_fact_submit(
    request: Request, activity_id: RecordId, db: Db, who: Writer
) -> Response:
    async def apply(form: Any) -> None:
        activity, action = _activity(db, activity_id, who, handling=True)
        data = parse(
            FactIn,
            {
                "code": form.get("code", ""),
                "value": form.get("value", "true") == "true",
                "reason": str(form.get("reason", "")).strip(),
                "activity_id": activity.id,
            },
        )
        requirement.state_fact(db, action.id, data, who)

    return await _activity_form(request, activity_id, db, who, "fact", apply)


@pages.post("/activities/{activity_id}/recording/notice", response_class=HTMLResponse)
async def notice_submit(request: Request, activity_id: RecordId, db: Db, who: Writer) -> Response:
    async def apply(form: Any) -> None:
        data = NoticeIn(
            told_at=_form_time(form.get("told_at")),
            media_id=_form_int(form.get("media_id"), "media_id"),
            note=str(form.get("note", ""))[:500],
        )
        requirement.record_notice(db, activity_id, data, who)

    return await _activity_form(request, activity_id, db, who, "notice", apply)


async def _statement(form: Any) -> io.BytesIO | None:
    upload = form.get("statement")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        raise DomainError("书面说明文件过大（最多 20 MB）", "statement")
    return io.BytesIO(data)


@pages.post("/activities/{activity_id}/recording/interruptions", response_class=HTMLResponse)
async def interruption_submit(
    request: Request, activity_id: RecordId, db: Db, who: Writer, settings: Config
) -> Response:
    async def apply(form: Any) -> None:
        gap = str(form.get("gap", ""))
        before, _, after = gap.partition("-")
        data = parse(
            InterruptionIn,
            {
                "before_media_id": before or None,
                "after_media_id": after or None,
                "reason": form.get("reason", ""),
                "detail": str(form.get("detail", "")),
                "stated_in": form.get("stated_in", ""),
                "stated_media_id": _form_int(form.get("stated_media_id"), "stated_media_id"),
                "stated_offset_seconds": _form_int(
                    form.get("stated_offset_seconds"), "stated_offset_seconds"
                ),
            },
        )
        statement = await _statement(form)
        store = open_blob_store(settings) if statement is not None else None
        continuity.explain_gap(db, store, activity_id, data, who, statement)

    return await _activity_form(request, activity_id, db, who, "explained", apply)


@pages.post("/activities/{activity_id}/recording/exception", response_class=HTMLResponse)
async def exception_submit(
    request: Request, activity_id: RecordId, db: Db, who: Writer
) -> Response:
    async def apply(form: Any) -> None:
        activity, action = _activity(db, activity_id, who, handling=True)
        data = parse(
            ExceptionIn, {"activity_id": activity.id, "reason": str(form.get("reason", "")).strip()}
        )
        requirement.request_exception(db, action.id, data, who)

    return await _activity_form(request, activity_id, db, who, "requested", apply)


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


def _action_page(
    request: Request, db: Session, who: Principal, action: Action, status: int = 200, **extra: Any
) -> Response:
    return render(
        request,
        "recording_action.html",
        status,
        notice=_notice(request),
        **_action_page_context(db, action, _hidden(db, who, action)),
        **extra,
    )


@pages.get("/actions/{action_id}/recording", response_class=HTMLResponse)
def action_recording_page(request: Request, action_id: RecordId, db: Db, who: Reader) -> Response:
    action = get_action(db, action_id, who)
    log_access(db, who, "action_recording", action_id, "查看音视频记录要求", **_ctx(action))
    return _action_page(request, db, who, action)


@pages.get("/actions/{action_id}/recording/fragment", response_class=HTMLResponse)
def action_recording_fragment(
    request: Request, action_id: RecordId, db: Db, who: Reader
) -> Response:
    action = get_action(db, action_id, who)
    log_access(db, who, "action_recording", action_id, "查看音视频记录要求", **_ctx(action))
    return render(request, "recording_fragment.html", **_action_page_context(db, action))


async def _action_form(
    request: Request, action_id: int, db: Session, who: Principal, done: str, apply: Apply
) -> Response:
    form = await request.form()
    try:
        await apply(form)
        db.commit()
    except DomainError as exc:
        db.rollback()
        action = get_action(db, action_id, who)
        return _action_page(request, db, who, action, exc.status_code, error=exc.message)
    return RedirectResponse(f"/app/actions/{action_id}/recording?done={done}", status_code=303)


@pages.post("/actions/{action_id}/recording/facts", response_class=HTMLResponse)
async def action_fact_submit(
    request: Request, action_id: RecordId, db: Db, who: Writer
) -> Response:
    async def apply(form: Any) -> None:
        data = parse(
            FactIn,
            {
                "code": form.get("code", ""),
                "value": form.get("value", "true") == "true",
                "reason": str(form.get("reason", "")).strip(),
            },
        )
        requirement.state_fact(db, action_id, data, who)

    return await _action_form(request, action_id, db, who, "fact", apply)


@pages.post("/actions/{action_id}/recording/marks", response_class=HTMLResponse)
async def mark_submit(request: Request, action_id: RecordId, db: Db, who: Writer) -> Response:
    async def apply(form: Any) -> None:
        media_id = _form_int(form.get("media_id"), "media_id")
        media = db.get(Media, media_id) if media_id else None
        if media is None or media.action_id != action_id:
            raise DomainError("所选记录不属于该案件", "media_id")
        data = parse(
            marks.MarkIn,
            {
                "kind": form.get("kind", ""),
                "marked": form.get("marked", "true") == "true",
                "reason": str(form.get("reason", "")).strip(),
            },
        )
        marks.set_mark(db, media.id, data, who)

    return await _action_form(request, action_id, db, who, "marked", apply)


@pages.post("/actions/{action_id}/recording/exception", response_class=HTMLResponse)
async def service_exception_submit(
    request: Request, action_id: RecordId, db: Db, who: Writer
) -> Response:
    async def apply(form: Any) -> None:
        data = parse(
            ExceptionIn,
            {
                "service_id": _form_int(form.get("service_id"), "service_id"),
                "reason": str(form.get("reason", "")).strip(),
            },
        )
        requirement.request_exception(db, action_id, data, who)

    return await _action_form(request, action_id, db, who, "requested", apply)


# -- leaders: exception requests --


def _exceptions_page(
    request: Request, db: Session, who: Principal, status: int = 200, **extra: Any
) -> Response:
    if not is_leader(who):
        raise Forbidden("只有领导可以审批不记录的例外申请")
    rows = _visible_exceptions(db, who, ExceptionState.pending)
    actions = {r.action_id: db.get(Action, r.action_id) for r, _ in rows}
    activities = {r.activity_id: db.get(Activity, r.activity_id) for r, _ in rows if r.activity_id}
    return render(
        request,
        "recording_exceptions.html",
        status,
        rows=rows,
        actions=actions,
        activities=activities,
        names=_user_names(db, {r.requested_by for r, _ in rows}),
        notice=_notice(request),
        **_labels(),
        **extra,
    )


@pages.get("/recording/exceptions", response_class=HTMLResponse)
def exceptions_page(request: Request, db: Db, who: Reader) -> Response:
    if not is_leader(who):
        raise Forbidden("只有领导可以审批不记录的例外申请")
    log_access(db, who, "recording_exceptions", None, "查看例外申请")
    return _exceptions_page(request, db, who)


@pages.post("/recording/exceptions/{exception_id}/decision", response_class=HTMLResponse)
async def exception_decide_submit(
    request: Request, exception_id: RecordId, db: Db, who: Reader
) -> Response:
    form = await request.form()
    try:
        data = parse(
            DecisionIn,
            {"approved": form.get("approved") == "true", "note": str(form.get("note", "")).strip()},
        )
        requirement.decide_exception(db, exception_id, data, who)
        db.commit()
    except Forbidden:
        raise
    except DomainError as exc:
        db.rollback()
        return _exceptions_page(request, db, who, exc.status_code, error=exc.message)
    return RedirectResponse("/app/recording/exceptions?done=decided", status_code=303)


# -- leaders and supervision: open problems --


@pages.get("/recording/problems", response_class=HTMLResponse)
def problems_page(
    request: Request,
    db: Db,
    who: Reader,
    unit_id: Annotated[str, Query(max_length=12)] = "",
    officer_id: Annotated[str, Query(max_length=12)] = "",
    action_id: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    filters = {
        "unit_id": _form_int(unit_id, "unit_id"),
        "officer_id": _form_int(officer_id, "officer_id"),
        "action_id": _form_int(action_id, "action_id"),
    }
    rows = requirement.open_problems(db, who, **filters)
    log_access(db, who, "recording_problems", None, "查看记录问题清单")
    officers = list(db.scalars(select(User).order_by(User.id)))
    return render(
        request,
        "recording_problems.html",
        rows=rows,
        filters=filters,
        units=list(db.scalars(select(Unit).order_by(Unit.id))),
        officers=[u for u in officers if "officer" in {r.value for r in u.roles}],
        names={u.id: u.full_name for u in officers},
    )


# -- the administrator: the bureau's policy --


@pages.get("/recording/policy", response_class=HTMLResponse)
def policy_page(request: Request, db: Db, who: Reader) -> Response:
    return _policy_page(request, db, who)


def _policy_page(
    request: Request, db: Session, who: Principal, status: int = 200, **extra: Any
) -> Response:
    from zhifa.enforcement.models import RISK_FLAGS
    from zhifa.enforcement.steps import PROCEDURES

    return render(
        request,
        "recording_policy.html",
        status,
        policy=_policy_out(db),
        can_edit=who.can(Permission.unit_admin),
        procedures=PROCEDURES,
        risk_labels=RISK_FLAGS,
        notice=_notice(request),
        **_labels(),
        **extra,
    )


@pages.post("/recording/policy", response_class=HTMLResponse)
async def policy_submit(request: Request, db: Db, who: Admin) -> Response:
    form = await request.form()
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
    try:
        data = parse(
            PolicyIn,
            {
                "gap_tolerance_seconds": form.get("gap_tolerance_seconds") or None,
                "situations": situations,
                "reason": str(form.get("reason", "")).strip(),
            },
        )
        requirement.set_policy(db, data, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _policy_page(request, db, who, exc.status_code, error=exc.message)
    return RedirectResponse("/app/recording/policy?done=policy", status_code=303)

"""Pages and API of 调阅: the purpose form (asked once per action or party and browser
session, remembered 30 minutes), the access log for supervisors and leaders, and the
restriction flags (国家秘密、商业秘密、个人隐私) set by the legal section and leaders."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.clock import SHANGHAI
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import Db, RecordId, RecordIdQuery, record_id_or_none, render, require
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.enforcement.actions import get_action
from zhifa.enforcement.models import Action
from zhifa.enforcement.parties import get_party
from zhifa.recording.access import service
from zhifa.recording.access.rules import (
    PURPOSE_LABELS,
    PURPOSE_MEMORY,
    RESTRICTION_LABELS,
    Restriction,
    parse_purpose,
)

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["调阅"])

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
# Further checked by role in the service (no permission of their own yet).
Overseer = Annotated[Principal, Depends(require(Permission.action_all))]

RECORD_LABELS = {
    "action_media": "案件音视频记录列表",
    "party_media": "行政相对人音视频记录",
    "media_list": "本人上传的记录",
    "media_info": "音视频记录信息",
    "media": "播放 / 查看原件",
    "media_thumbnail": "缩略图",
    "media_download": "下载原件（导出）",
    "media_export": "导出照片（带水印）",
    "media_thumbnail_export": "导出封面（带水印）",
    "access_log": "调阅日志",
    "party": "行政相对人",
    "action": "执法案件",
    "activity": "现场执法活动",
    "document": "文书",
    "officer": "执法人员",
}
_LOCAL_PATH = re.compile(r"/app/[A-Za-z0-9/_\-]*(\?[A-Za-z0-9=&_%\-.]*)?")


def safe_next(value: str | None, fallback: str) -> str:
    """Only a path inside the app (no other site, no scheme)."""
    return value if value and _LOCAL_PATH.fullmatch(value) else fallback


def purpose_url(
    next_path: str, *, action_id: int | None = None, party_id: int | None = None
) -> str:
    query: dict[str, Any] = {"next": next_path}
    if action_id is not None:
        query["action"] = action_id
    if party_id is not None:
        query["party"] = party_id
    return f"/app/access/purpose?{urlencode(query)}"


def _subject(
    db: Session, who: Principal, action_id: int | None, party_id: int | None
) -> tuple[str, int | None, int | None]:
    """What the purpose is stated for, checked visible: (label, action id, party id)."""
    if action_id is not None:
        action = get_action(db, action_id, who)
        return f"案件“{action.title}”的音视频记录", action.id, None
    if party_id is not None:
        view = get_party(db, party_id)
        return f"行政相对人“{view.current.name}”的音视频记录", None, party_id
    raise NotFound("请指明调阅的案件或行政相对人")


def _purpose_form(
    request: Request,
    db: Session,
    who: Principal,
    action_id: int | None,
    party_id: int | None,
    next_path: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    label, action_id, party_id = _subject(db, who, action_id, party_id)
    return render(
        request,
        "access_purpose.html",
        status,
        subject=label,
        action_id=action_id,
        party_id=party_id,
        next_path=next_path,
        purposes=PURPOSE_LABELS,
        minutes=int(PURPOSE_MEMORY.total_seconds() // 60),
        **extra,
    )


@pages.get("/access/purpose", response_class=HTMLResponse)
def purpose_page(
    request: Request,
    db: Db,
    who: Reader,
    action: RecordIdQuery = None,
    party: RecordIdQuery = None,
    next: str | None = None,
) -> Response:
    fallback = f"/app/actions/{action}/media" if action else f"/app/parties/{party}"
    return _purpose_form(request, db, who, action, party, safe_next(next, fallback))


@pages.post("/access/purpose", response_class=HTMLResponse)
async def purpose_submit(request: Request, db: Db, who: Reader) -> Response:
    form = await request.form()
    action_id = _form_int(form.get("action"))
    party_id = _form_int(form.get("party"))
    fallback = f"/app/actions/{action_id}/media" if action_id else f"/app/parties/{party_id}"
    next_path = safe_next(str(form.get("next") or ""), fallback)
    code, note = str(form.get("purpose") or ""), str(form.get("purpose_note") or "")
    try:
        _, action_id, party_id = _subject(db, who, action_id, party_id)
        service.state_purpose(
            db, who, parse_purpose(code, note), action_id=action_id, party_id=party_id
        )
    except DomainError as exc:
        db.rollback()
        if exc.status_code in (403, 404):
            raise
        return _purpose_form(
            request,
            db,
            who,
            action_id,
            party_id,
            next_path,
            400,
            error=exc.message,
            chosen=code,
            note=note,
        )
    return RedirectResponse(next_path, status_code=303)


def _form_int(value: object) -> int | None:
    return record_id_or_none(str(value or ""))


# ---- the access log --------------------------------------------------------------------------


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), SHANGHAI) if day else None


def _filter(
    user: int | None, party: int | None, action: int | None, start: date | None, end: date | None
) -> service.LogFilter:
    """Days in Beijing time, both included, as a half-open range of instants."""
    if start and end and end < start:
        raise DomainError("结束日期不能早于开始日期", "to")
    # not a legal limit: the exclusive end of a date filter
    after_end = date.fromordinal(end.toordinal() + 1) if end else None
    return service.LogFilter(user, party, action, _day_start(start), _day_start(after_end))


def _describe(f: service.LogFilter) -> str:
    parts = [
        f"{name}={value}"
        for name, value in (
            ("user", f.user_id),
            ("party", f.party_id),
            ("action", f.action_id),
            ("from", f.start.date() if f.start else None),
            ("to", f.end.date() if f.end else None),
        )
        if value is not None
    ]
    return "查看调阅日志 " + (" ".join(parts) or "全部")


def _names(db: Session, rows: list[service.LogRow]) -> dict[str, dict[int, str]]:
    """Titles of the actions and names of the parties the rows mention."""
    action_ids = {r.context.action_id for r in rows if r.context and r.context.action_id}
    action_ids |= {
        int(r.log.record_id)
        for r in rows
        if r.log.record_type in ("action", "action_media") and (r.log.record_id or "").isdigit()
    }
    actions = (
        {a.id: a for a in db.scalars(select(Action).where(Action.id.in_(action_ids)))}
        if action_ids
        else {}
    )
    party_ids = {r.context.party_id for r in rows if r.context and r.context.party_id}
    party_ids |= {a.party_id for a in actions.values()}
    parties = {}
    for party_id in party_ids:
        try:
            parties[party_id] = get_party(db, party_id).current.name
        except NotFound:
            continue
    return {"actions": {k: v.title for k, v in actions.items()}, "parties": parties}


@pages.get("/access-log", response_class=HTMLResponse)
def access_log_page(
    request: Request,
    db: Db,
    who: Overseer,
    user: RecordIdQuery = None,
    party: RecordIdQuery = None,
    action: RecordIdQuery = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    service.check_log_reader(who)
    f = _filter(user, party, action, start, end)
    rows, total = service.search_log(db, who, f, page)
    names = _names(db, rows)
    users = list(db.scalars(select(User).order_by(User.username)))
    log_access(db, who, "access_log", None, _describe(f), action_id=action, party_id=party)
    query = {
        k: v
        for k, v in {
            "user": user,
            "party": party,
            "action": action,
            "from": start,
            "to": end,
        }.items()
        if v is not None
    }
    pages_total = max(1, -(-total // service.LOG_PAGE_SIZE))
    return render(
        request,
        "access_log.html",
        rows=rows,
        total=total,
        page=page,
        pages_total=pages_total,
        query=query,
        query_string=urlencode(query),
        users=users,
        names=names,
        record_labels=RECORD_LABELS,
        f=f,
        start=start,
        end=end,
    )


class AccessOut(BaseModel):
    id: int
    at: datetime
    user_id: int
    username: str
    full_name: str
    record_type: str
    record_id: str | None
    purpose: str
    via: str
    client: str
    action_id: int | None
    party_id: int | None


class AccessPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[AccessOut]


@api.get("/access-log", summary="调阅日志（监督部门、领导）")
def api_access_log(
    db: Db,
    who: Overseer,
    user: RecordIdQuery = None,
    party: RecordIdQuery = None,
    action: RecordIdQuery = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> AccessPage:
    service.check_log_reader(who)
    f = _filter(user, party, action, start, end)
    rows, total = service.search_log(db, who, f, page)
    items = [
        AccessOut(
            id=r.log.id,
            at=r.log.at,
            user_id=r.user.id,
            username=r.user.username,
            full_name=r.user.full_name,
            record_type=r.log.record_type,
            record_id=r.log.record_id,
            purpose=r.log.purpose,
            via=r.log.via,
            client=r.context.client if r.context else "",
            action_id=r.context.action_id if r.context else None,
            party_id=r.context.party_id if r.context else None,
        )
        for r in rows
    ]
    log_access(
        db, who, "access_log", None, _describe(f), via="api", action_id=action, party_id=party
    )
    return AccessPage(total=total, page=page, page_size=service.LOG_PAGE_SIZE, items=items)


# ---- restriction flags --------------------------------------------------------------------------


class RestrictionIn(BaseModel):
    kind: Restriction
    restricted: bool = True
    # Required both ways; checked by the service, which says so in Chinese (400).
    reason: str = Field(default="", max_length=2000, description="标注或解除的理由（必填）")


class RestrictionOut(BaseModel):
    id: int
    media_id: int
    kind: Restriction
    kind_label: str
    restricted: bool
    reason: str
    recorded_at: datetime
    recorded_by: int


@api.post("/media/{media_id}/restrictions", status_code=201, summary="标注或解除涉密、隐私标识")
def api_restrict(media_id: RecordId, data: RestrictionIn, db: Db, who: Overseer) -> RestrictionOut:
    row = service.set_restriction(db, who, media_id, data.kind, data.restricted, data.reason)
    return RestrictionOut(
        id=row.id,
        media_id=row.media_id,
        kind=row.kind,
        kind_label=RESTRICTION_LABELS[row.kind],
        restricted=row.restricted,
        reason=row.reason,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


@pages.post("/media/{media_id}/restrictions", response_class=HTMLResponse)
async def restrict_submit(request: Request, media_id: RecordId, db: Db, who: Overseer) -> Response:
    form = await request.form()
    kind = str(form.get("kind") or "")
    if kind not in Restriction.__members__:
        raise DomainError("请选择标识类别", "kind")
    restricted = str(form.get("restricted") or "1") == "1"
    service.set_restriction(
        db, who, media_id, Restriction(kind), restricted, str(form.get("reason") or "")
    )
    return RedirectResponse(f"/app/media/{media_id}?done=restricted", status_code=303)

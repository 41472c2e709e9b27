"""Pages and API of 调阅: the purpose form (asked once per action or party and browser
session, remembered 30 minutes), the access log for supervisors and leaders, and the
restriction flags (国家秘密、商业秘密、个人隐私) set by the legal section and leaders."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.clock import SHANGHAI
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import (
    Db,
    RecordId,
    RecordIdQuery,
    Tx,
    record_id_or_none,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.enforcement.actions import get_action
from zhifa.enforcement.models import Action
from zhifa.enforcement.parties import get_party
from zhifa.recording.access import naming, service
from zhifa.recording.access.rules import (
    PURPOSE_LABELS,
    PURPOSE_MEMORY,
    Restriction,
    parse_purpose,
)
from zhifa.recording.access.schemas import AccessOut, AccessPage, RestrictionIn, RestrictionOut

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["调阅"])

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
# Further checked by role in the service (no permission of their own yet).
Overseer = Annotated[Principal, Depends(require(Permission.action_all))]

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


def _purpose_context(
    db: Session,
    who: Principal,
    action_id: int | None,
    party_id: int | None,
    next_path: str,
) -> dict[str, Any]:
    label, action_id, party_id = _subject(db, who, action_id, party_id)
    return {
        "subject": label,
        "action_id": action_id,
        "party_id": party_id,
        "next_path": next_path,
        "purposes": PURPOSE_LABELS,
        "minutes": int(PURPOSE_MEMORY.total_seconds() // 60),
    }


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
    context = _purpose_context(db, who, action, party, safe_next(next, fallback))
    return render(request, "access_purpose.html", **context)


@pages.post("/access/purpose", response_class=HTMLResponse)
async def purpose_submit(request: Request, db: Tx, who: Reader) -> Response:
    form = await request.form()
    action_id = record_id_or_none(str(form.get("action") or ""))  # a bad one: none given
    party_id = record_id_or_none(str(form.get("party") or ""))
    fallback = f"/app/actions/{action_id}/media" if action_id else f"/app/parties/{party_id}"
    next_path = safe_next(str(form.get("next") or ""), fallback)
    code, note = str(form.get("purpose") or ""), str(form.get("purpose_note") or "")
    # What the purpose is for must exist and be visible (404 or 403, not the form again).
    _, action_id, party_id = _subject(db, who, action_id, party_id)
    return submit(
        request,
        db,
        lambda: service.state_purpose(
            db, who, parse_purpose(code, note), action_id=action_id, party_id=party_id
        ),
        page="access_purpose.html",
        context=lambda: {
            **_purpose_context(db, who, action_id, party_id, next_path),
            "chosen": code,
            "note": note,
        },
        then=lambda _: redirect(next_path),
    )


# ---- the access log --------------------------------------------------------------------------


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), SHANGHAI) if day else None


@dataclass(frozen=True)
class LogQuery:
    """The access log's filters as the query string gives them, and the page."""

    user: int | None
    party: int | None
    action: int | None
    start: date | None
    end: date | None
    page: int

    def log_filter(self) -> service.LogFilter:
        """Days in Beijing time, both included, as a half-open range of instants."""
        if self.start and self.end and self.end < self.start:
            raise DomainError("结束日期不能早于开始日期", "to")
        # not a legal limit: the exclusive end of a date filter
        after_end = date.fromordinal(self.end.toordinal() + 1) if self.end else None
        return service.LogFilter(
            self.user, self.party, self.action, _day_start(self.start), _day_start(after_end)
        )

    def params(self) -> dict[str, Any]:
        """The filters given, for the links to the other pages."""
        given = {
            "user": self.user,
            "party": self.party,
            "action": self.action,
            "from": self.start,
            "to": self.end,
        }
        return {k: v for k, v in given.items() if v is not None}


def log_query(
    user: RecordIdQuery = None,
    party: RecordIdQuery = None,
    action: RecordIdQuery = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> LogQuery:
    return LogQuery(user, party, action, start, end, page)


LogQueryOf = Annotated[LogQuery, Depends(log_query)]


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


def _log_context(
    db: Session, q: LogQuery, f: service.LogFilter, rows: list[service.LogRow], total: int
) -> dict[str, Any]:
    query = q.params()
    return {
        "rows": rows,
        "total": total,
        "page": q.page,
        "pages_total": max(1, -(-total // service.LOG_PAGE_SIZE)),
        "query": query,
        "query_string": urlencode(query),
        "users": list(db.scalars(select(User).order_by(User.username))),
        "names": _names(db, rows),
        "what": naming.read_names(db, [r.log for r in rows]),
        "f": f,
        "start": q.start,
        "end": q.end,
    }


@pages.get("/access-log", response_class=HTMLResponse)
def access_log_page(request: Request, db: Tx, who: Overseer, q: LogQueryOf) -> Response:
    service.check_log_reader(who)
    f = q.log_filter()
    rows, total = service.search_log(db, who, f, q.page)
    log_access(db, who, "access_log", None, _describe(f), action_id=q.action, party_id=q.party)
    return render(request, "access_log.html", **_log_context(db, q, f, rows, total))


@api.get("/access-log", summary="调阅日志（监督部门、领导）")
def api_access_log(db: Tx, who: Overseer, q: LogQueryOf) -> AccessPage:
    service.check_log_reader(who)
    f = q.log_filter()
    rows, total = service.search_log(db, who, f, q.page)
    what = naming.read_names(db, [r.log for r in rows])
    items = [AccessOut.of(r, what[r.log.id]) for r in rows]
    log_access(
        db, who, "access_log", None, _describe(f), via="api", action_id=q.action, party_id=q.party
    )
    return AccessPage(total=total, page=q.page, page_size=service.LOG_PAGE_SIZE, items=items)


# ---- restriction flags --------------------------------------------------------------------------


@api.post("/media/{media_id}/restrictions", status_code=201, summary="标注或解除涉密、隐私标识")
def api_restrict(media_id: RecordId, data: RestrictionIn, db: Tx, who: Overseer) -> RestrictionOut:
    row = service.set_restriction(db, who, media_id, data.kind, data.restricted, data.reason)
    return RestrictionOut.of(row)


@pages.post("/media/{media_id}/restrictions", response_class=HTMLResponse)
async def restrict_submit(request: Request, media_id: RecordId, db: Tx, who: Overseer) -> Response:
    form = await request.form()
    kind = str(form.get("kind") or "")
    if kind not in Restriction.__members__:
        raise DomainError("请选择标识类别", "kind")
    restricted = str(form.get("restricted") or "1") == "1"
    reason = str(form.get("reason") or "")
    service.set_restriction(db, who, media_id, Restriction(kind), restricted, reason)
    return redirect(f"/app/media/{media_id}", "restricted")

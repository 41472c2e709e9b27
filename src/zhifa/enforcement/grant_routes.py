"""Pages and API for grants (授权调阅): a leader lets one person read one action or one
party's full details outside their need to know, with a reason and an end."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core import grants
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement.models import Action, Party
from zhifa.enforcement.schemas import GrantOut

pages = APIRouter(prefix="/app/grants", include_in_schema=False)
api = APIRouter(prefix="/api/v1/grants", tags=["授权调阅"])

Manager = Annotated[Principal, Depends(require(Permission.grant_manage))]

NOTICES = {"granted": "已授权。", "revoked": "已撤销授权。"}
GRANT_FIELDS = tuple(grants.GrantIn.model_fields)
_RECORD_MODELS = {grants.GrantRecord.action: Action, grants.GrantRecord.party: Party}


def make_grant(db: Session, data: grants.GrantIn, who: Principal) -> grants.RecordGrant:
    """A grant of an action or a party: core.grants knows no enforcement record, so
    whether the record exists is asked here. An archive file is granted only by an
    approved use request (archive.use), never here."""
    model = _RECORD_MODELS.get(data.record_type)
    if model is None:
        raise DomainError("档案利用须由利用人提出利用申请，经审批后授权", "record_type")
    exists = db.get(model, data.record_id) is not None
    return grants.grant(db, data, who, record_exists=exists)


def _until_end_of_day(values: dict[str, str]) -> dict[str, str]:
    """The page asks for a day: the grant lasts to the end of it, Beijing time."""
    until = values["valid_until"]
    if not until or "T" in until:
        return values
    try:
        day = datetime.strptime(until, "%Y-%m-%d").date()
    except ValueError:
        raise DomainError("截止日期格式应为 年-月-日", "valid_until") from None
    return {**values, "valid_until": datetime.combine(day, time(23, 59, 59)).isoformat()}


def _page_context(db: Session, **extra: Any) -> dict[str, Any]:
    users = list(db.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id)))
    return {
        "rows": grants.list_grants(db),
        "users": users,
        "names": {u.id: u.full_name for u in db.scalars(select(User))},
        "record_labels": grants.GRANT_RECORD_LABELS,
        "form_labels": {k: grants.GRANT_RECORD_LABELS[k] for k in _RECORD_MODELS},
        **extra,
    }


@pages.get("", response_class=HTMLResponse)
def grant_page(request: Request, db: Db, who: Manager) -> Response:
    notice = notice_of(request, NOTICES)
    return render(request, "grants.html", values={}, notice=notice, **_page_context(db))


@pages.post("", response_class=HTMLResponse)
async def grant_submit(request: Request, db: Tx, who: Manager) -> Response:
    values = await form_values(request, GRANT_FIELDS)
    return submit(
        request,
        db,
        lambda: make_grant(db, parse(grants.GrantIn, _until_end_of_day(values)), who),
        page="grants.html",
        context=lambda: _page_context(db, values=values),
        then=lambda _: redirect("/app/grants", "granted"),
    )


@pages.post("/{grant_id}/revoke", response_class=HTMLResponse)
def revoke_submit(request: Request, grant_id: RecordId, db: Tx, who: Manager) -> Response:
    return submit(
        request,
        db,
        lambda: grants.revoke(db, grant_id, who),
        page="grants.html",
        context=lambda: _page_context(db, values={}),
        then=lambda _: redirect("/app/grants", "revoked"),
    )


@api.get("", summary="授权调阅记录（最近 500 条）")
def api_grants(db: Db, who: Manager, current: bool = False) -> list[GrantOut]:
    return [GrantOut.of(row) for row in grants.list_grants(db, current_only=current)]


@api.post("", status_code=201, summary="授权某人调阅一个案件或一个当事人的完整信息")
def api_grant(data: grants.GrantIn, db: Tx, who: Manager) -> GrantOut:
    return GrantOut.of(make_grant(db, data, who))


@api.post("/{grant_id}/revoke", summary="撤销授权")
def api_revoke(grant_id: RecordId, db: Tx, who: Manager) -> GrantOut:
    return GrantOut.of(grants.revoke(db, grant_id, who))

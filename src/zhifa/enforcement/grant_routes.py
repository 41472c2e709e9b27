"""Pages and API for grants (授权调阅): a leader lets one person read one action or one
party's full details outside their need to know, with a reason and an end."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core import grants
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, RecordId, commit_or_form, render, require
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement.models import Action, Party

pages = APIRouter(prefix="/app/grants", include_in_schema=False)
api = APIRouter(prefix="/api/v1/grants", tags=["授权调阅"])

Manager = Annotated[Principal, Depends(require(Permission.grant_manage))]

NOTICES = {"granted": "已授权。", "revoked": "已撤销授权。"}
_RECORD_MODELS = {grants.GrantRecord.action: Action, grants.GrantRecord.party: Party}


def _exists(db: Session, data: grants.GrantIn) -> bool:
    return db.get(_RECORD_MODELS[data.record_type], data.record_id) is not None


def make_grant(db: Session, data: grants.GrantIn, who: Principal) -> grants.RecordGrant:
    return grants.grant(db, data, who, record_exists=_exists(db, data))


def _form_values(form: Any) -> dict[str, Any]:
    values = {key: str(form.get(key, "")).strip() for key in grants.GrantIn.model_fields}
    # The page asks for a day: the grant lasts to the end of it, Beijing time.
    if values["valid_until"] and "T" not in values["valid_until"]:
        try:
            day = datetime.strptime(values["valid_until"], "%Y-%m-%d").date()
            values["valid_until"] = datetime.combine(day, time(23, 59, 59)).isoformat()
        except ValueError:
            raise DomainError("截止日期格式应为 年-月-日", "valid_until") from None
    return values


def _page_context(db: Session, **extra: Any) -> dict[str, Any]:
    users = list(db.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id)))
    return {
        "rows": grants.list_grants(db),
        "users": users,
        "names": {u.id: u.full_name for u in db.scalars(select(User))},
        "record_labels": grants.GRANT_RECORD_LABELS,
        **extra,
    }


@pages.get("", response_class=HTMLResponse)
def grant_page(request: Request, db: Db, who: Manager) -> Response:
    notice = NOTICES.get(request.query_params.get("done", ""))
    return render(request, "grants.html", values={}, notice=notice, **_page_context(db))


@pages.post("", response_class=HTMLResponse)
async def grant_submit(request: Request, db: Db, who: Manager) -> Response:
    values: dict[str, Any] = {}
    try:
        values = _form_values(await request.form())
        data = parse(grants.GrantIn, values)
    except DomainError as exc:
        context = _page_context(db, values=values, error_field=exc.field)
        return render(request, "grants.html", exc.status_code, error=exc.message, **context)
    result = commit_or_form(
        request,
        db,
        lambda: make_grant(db, data, who),
        "grants.html",
        **_page_context(db, values=values),
    )
    if isinstance(result, Response):
        return result
    return RedirectResponse("/app/grants?done=granted", status_code=303)


@pages.post("/{grant_id}/revoke", response_class=HTMLResponse)
def revoke_submit(request: Request, grant_id: RecordId, db: Db, who: Manager) -> Response:
    result = commit_or_form(
        request,
        db,
        lambda: grants.revoke(db, grant_id, who),
        "grants.html",
        values={},
        **_page_context(db),
    )
    if isinstance(result, Response):
        return result
    return RedirectResponse("/app/grants?done=revoked", status_code=303)


class GrantOut(BaseModel):
    id: int
    grantee_id: int
    record_type: grants.GrantRecord
    record_id: int
    reason: str
    granted_by: int
    granted_at: datetime
    valid_until: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: grants.RecordGrant) -> GrantOut:
        return cls.model_validate(row, from_attributes=True)


@api.get("", summary="授权调阅记录（最近 500 条）")
def api_grants(db: Db, who: Manager, current: bool = False) -> list[GrantOut]:
    return [GrantOut.of(row) for row in grants.list_grants(db, current_only=current)]


@api.post("", status_code=201, summary="授权某人调阅一个案件或一个当事人的完整信息")
def api_grant(data: grants.GrantIn, db: Db, who: Manager) -> GrantOut:
    row = make_grant(db, data, who)
    db.commit()
    return GrantOut.of(row)


@api.post("/{grant_id}/revoke", summary="撤销授权")
def api_revoke(grant_id: RecordId, db: Db, who: Manager) -> GrantOut:
    row = grants.revoke(db, grant_id, who)
    db.commit()
    return GrantOut.of(row)

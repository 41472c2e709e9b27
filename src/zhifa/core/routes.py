"""Sign-in, password change and the administrator's pages and API for users, units,
API tokens and the sign-in log."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core import accounts
from zhifa.core.audit import pseudonym
from zhifa.core.auth import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    Principal,
    SignInRefused,
    account_wait_until,
    accounts_waiting,
    change_password,
    issue_api_token,
    revoke_api_token,
    sign_in,
    sign_out,
)
from zhifa.core.errors import DomainError
from zhifa.core.http import SESSION_COOKIE, Db, RecordId, get_settings, render, require
from zhifa.core.models import UNIT_KIND_LABELS, ApiToken, LoginEvent, Unit, User
from zhifa.core.permissions import ROLE_LABELS, Permission, Role
from zhifa.core.settings import Settings
from zhifa.core.validation import BodyRecordId, parse

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["账号与权限"])

LOGIN_CSRF_COOKIE = "zhifa_login_csrf"

NOTICES = {
    "saved": "已保存。",
    "created": "已创建。",
    "password": "密码已修改：其他设备上的登录已退出，本账号的 API 令牌已全部吊销。",
    "revoked": "令牌已吊销。",
    "unlocked": "已解除登录等待。",
    "reset": "密码已重置。",
}


def ledger_pseudonym(settings: Settings, user_id: int) -> str:
    """How the public ledger names this user (only staff pages show the pairing)."""
    return pseudonym(settings.ledger_actor_key(), user_id)


def notice_of(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _safe_next(target: str | None) -> str:
    # Only same-site paths inside the app, so the login form is no open redirect.
    if target and target.startswith("/app") and not target.startswith("//"):
        return target
    return "/app"


def _login_page(request: Request, error: str | None, status: int, next_url: str) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request, "login.html", status, error=error, login_csrf=token, next_url=next_url
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/app/login",
        secure=get_settings(request).secure_cookies,
    )
    return response


@pages.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, None, 200, _safe_next(next))


@pages.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: Db,
    settings: Annotated[Settings, Depends(get_settings)],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form()] = "/app",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(request, "登录表单已失效，请重新输入。", 403, _safe_next(next_url))
    if not username.strip() or not password:
        return _login_page(request, "请输入用户名和密码。", 422, _safe_next(next_url))
    # The client address as core.access.ClientAddress settled it (trusted proxies only).
    client = request.client.host if request.client else ""
    devices = request.cookies.get(DEVICE_COOKIE)
    try:
        signed = sign_in(db, settings, username, password, client, devices)
    except SignInRefused as exc:
        refused = _login_page(request, exc.message, exc.status_code, _safe_next(next_url))
        if exc.wait:
            refused.headers["Retry-After"] = str(exc.wait)
        return refused
    except DomainError as exc:
        return _login_page(request, exc.message, exc.status_code, _safe_next(next_url))
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
    )
    # This browser is now a known device of the account (core.auth: throttling).
    response.set_cookie(
        DEVICE_COOKIE,
        signed.devices,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/app/login",
        max_age=DEVICE_DAYS * 86400,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/app/login")
    return response


@pages.post("/logout")
def logout(db: Db, who: Annotated[Principal, Depends(require(Permission.app_use))]) -> Response:
    if who.session_id is not None:
        sign_out(db, who.session_id)
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@pages.get("/password", response_class=HTMLResponse)
def password_form(
    request: Request, who: Annotated[Principal, Depends(require(Permission.app_use))]
) -> Response:
    return render(request, "password.html", notice=notice_of(request))


@pages.post("/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.app_use))],
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        if new_password != confirm_password:
            raise DomainError("两次输入的新密码不一致", "confirm_password")
        # The current browser keeps its session; the others and the API tokens end.
        change_password(db, who.user_id, current_password, new_password, who.session_id)
    except DomainError as exc:
        return render(request, "password.html", exc.status_code, error=exc.message)
    return RedirectResponse("/app/password?done=password", status_code=303)


# ---- administration: users -------------------------------------------------------------


def _user_form_values(form: Any) -> dict[str, Any]:
    return {
        "username": str(form.get("username", "")).strip(),
        "full_name": str(form.get("full_name", "")).strip(),
        "password": str(form.get("password", "")),
        "roles": form.getlist("roles"),
        "unit_id": form.get("unit_id") or None,
        "phone": str(form.get("phone", "")).strip() or None,
        "is_active": form.get("is_active") == "on",
    }


def _admin_context(db: Session) -> dict[str, Any]:
    return {
        "units": accounts.list_units(db),
        "role_labels": ROLE_LABELS,
        "unit_kind_labels": UNIT_KIND_LABELS,
    }


@pages.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request, db: Db, who: Annotated[Principal, Depends(require(Permission.user_admin))]
) -> Response:
    return render(
        request,
        "admin_users.html",
        users=accounts.list_users(db),
        waiting=accounts_waiting(db),
        notice=notice_of(request),
        **_admin_context(db),
    )


@pages.get("/admin/users/new", response_class=HTMLResponse)
def user_new_page(
    request: Request, db: Db, who: Annotated[Principal, Depends(require(Permission.user_admin))]
) -> Response:
    return render(request, "admin_user_form.html", user=None, values={}, **_admin_context(db))


@pages.post("/admin/users/new", response_class=HTMLResponse)
async def user_new_submit(
    request: Request, db: Db, who: Annotated[Principal, Depends(require(Permission.user_admin))]
) -> Response:
    values = _user_form_values(await request.form())
    try:
        accounts.create_user(db, parse(accounts.UserIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "admin_user_form.html",
            exc.status_code,
            user=None,
            values=values,
            error=exc.message,
            **_admin_context(db),
        )
    return RedirectResponse("/app/admin/users?done=created", status_code=303)


@pages.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_edit_page(
    request: Request,
    user_id: RecordId,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.user_admin))],
) -> Response:
    user = accounts.get_user(db, user_id)
    values = {
        "full_name": user.full_name,
        "roles": [r.value for r in user.roles],
        "unit_id": user.unit_id,
        "phone": user.phone,
        "is_active": user.is_active,
    }
    tokens = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    return render(
        request,
        "admin_user_form.html",
        user=user,
        values=values,
        tokens=tokens,
        wait_until=account_wait_until(db, user.id),
        pseudonym=ledger_pseudonym(get_settings(request), user.id),
        notice=notice_of(request),
        **_admin_context(db),
    )


@pages.post("/admin/users/{user_id}", response_class=HTMLResponse)
async def user_edit_submit(
    request: Request,
    user_id: RecordId,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.user_admin))],
) -> Response:
    values = _user_form_values(await request.form())
    user = accounts.get_user(db, user_id)
    try:
        data = parse(accounts.UserUpdate, values)
        accounts.update_user(db, user_id, data, who)
        if values["password"]:
            accounts.reset_password(db, user_id, values["password"], who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "admin_user_form.html",
            exc.status_code,
            user=user,
            values=values,
            error=exc.message,
            **_admin_context(db),
        )
    return RedirectResponse(f"/app/admin/users/{user_id}?done=saved", status_code=303)


@pages.post("/admin/users/{user_id}/unlock")
def user_unlock(
    user_id: RecordId, db: Db, who: Annotated[Principal, Depends(require(Permission.user_admin))]
) -> Response:
    accounts.unlock(db, user_id, who)
    db.commit()
    return RedirectResponse(f"/app/admin/users/{user_id}?done=unlocked", status_code=303)


@pages.post("/admin/tokens/{token_id}/revoke")
def token_revoke_page(
    token_id: RecordId, db: Db, who: Annotated[Principal, Depends(require(Permission.token_admin))]
) -> Response:
    token = db.get(ApiToken, token_id)
    revoke_api_token(db, token_id, who)
    target = f"/app/admin/users/{token.user_id}" if token else "/app/admin/users"
    return RedirectResponse(f"{target}?done=revoked", status_code=303)


# ---- administration: units and the sign-in log ------------------------------------------


@pages.get("/admin/units", response_class=HTMLResponse)
def units_page(
    request: Request, db: Db, who: Annotated[Principal, Depends(require(Permission.unit_admin))]
) -> Response:
    return render(request, "admin_units.html", notice=notice_of(request), **_admin_context(db))


@pages.post("/admin/units", response_class=HTMLResponse)
async def unit_create_page(
    request: Request, db: Db, who: Annotated[Principal, Depends(require(Permission.unit_admin))]
) -> Response:
    form = await request.form()
    values = {
        "name": form.get("name", ""),
        "kind": form.get("kind", ""),
        "parent_id": form.get("parent_id") or None,
    }
    try:
        accounts.create_unit(db, parse(accounts.UnitIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request, "admin_units.html", exc.status_code, error=exc.message, **_admin_context(db)
        )
    return RedirectResponse("/app/admin/units?done=created", status_code=303)


@pages.get("/admin/logins", response_class=HTMLResponse)
def login_log_page(
    request: Request,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.login_log_read))],
    failed_only: bool = False,
) -> Response:
    query = select(LoginEvent).order_by(LoginEvent.id.desc()).limit(200)
    if failed_only:
        query = query.where(LoginEvent.success.is_(False))
    return render(
        request, "login_events.html", events=db.scalars(query).all(), failed_only=failed_only
    )


# ---- JSON API ----------------------------------------------------------------------------


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    roles: list[Role]
    unit_id: int | None
    is_active: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            full_name=user.full_name,
            roles=sorted(user.roles),
            unit_id=user.unit_id,
            is_active=user.is_active,
        )


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    parent_id: int | None

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(id=unit.id, name=unit.name, kind=unit.kind, parent_id=unit.parent_id)


class TokenIn(BaseModel):
    user_id: BodyRecordId
    label: str = ""


@api.get("/me", summary="当前用户")
def api_me(
    who: Annotated[Principal, Depends(require(Permission.app_use))],
) -> dict[str, Any]:
    return {
        "user_id": who.user_id,
        "username": who.username,
        "full_name": who.full_name,
        "roles": sorted(who.roles),
        "permissions": sorted(who.permissions),
    }


@api.get("/users", summary="用户列表")
def api_users(
    db: Db, who: Annotated[Principal, Depends(require(Permission.user_admin))]
) -> list[UserOut]:
    return [UserOut.of(u) for u in accounts.list_users(db)]


@api.post("/users", status_code=201, summary="新建用户")
def api_user_create(
    data: accounts.UserIn,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.user_admin))],
) -> UserOut:
    user = accounts.create_user(db, data, who)
    db.commit()
    return UserOut.of(user)


@api.put("/users/{user_id}", summary="修改用户")
def api_user_update(
    user_id: RecordId,
    data: accounts.UserUpdate,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.user_admin))],
) -> UserOut:
    user = accounts.update_user(db, user_id, data, who)
    db.commit()
    return UserOut.of(user)


@api.get("/units", summary="单位列表")
def api_units(
    db: Db, who: Annotated[Principal, Depends(require(Permission.app_use))]
) -> list[UnitOut]:
    return [UnitOut.of(u) for u in accounts.list_units(db)]


@api.post("/units", status_code=201, summary="新建单位")
def api_unit_create(
    data: accounts.UnitIn,
    db: Db,
    who: Annotated[Principal, Depends(require(Permission.unit_admin))],
) -> UnitOut:
    unit = accounts.create_unit(db, data, who)
    db.commit()
    return UnitOut.of(unit)


@api.get("/tokens", summary="API 令牌列表")
def api_tokens(
    db: Db, who: Annotated[Principal, Depends(require(Permission.token_admin))]
) -> list[dict[str, Any]]:
    rows = db.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    return [
        {
            "id": t.id,
            "prefix": t.prefix,
            "user_id": t.user_id,
            "label": t.label,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked_at is not None,
        }
        for t in rows
    ]


@api.post("/tokens", status_code=201, summary="签发 API 令牌（仅此一次显示）")
def api_token_create(
    data: TokenIn, db: Db, who: Annotated[Principal, Depends(require(Permission.token_admin))]
) -> dict[str, str]:
    return {"token": issue_api_token(db, data.user_id, data.label, who)}


@api.delete("/tokens/{token_id}", status_code=204, summary="吊销 API 令牌")
def api_token_revoke(
    token_id: RecordId, db: Db, who: Annotated[Principal, Depends(require(Permission.token_admin))]
) -> Response:
    revoke_api_token(db, token_id, who)
    return Response(status_code=204)

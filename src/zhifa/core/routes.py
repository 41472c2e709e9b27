"""Sign-in, password change and the administrator's pages and API for users, units,
API tokens and the sign-in log."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from zhifa.core import accounts
from zhifa.core.audit import pseudonym
from zhifa.core.auth import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    Principal,
    SignedIn,
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
from zhifa.core.http import (
    SESSION_COOKIE,
    Config,
    Db,
    RecordId,
    Tx,
    form_values,
    get_settings,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import UNIT_KIND_LABELS, ApiToken, LoginEvent, User
from zhifa.core.permissions import ROLE_LABELS, Permission
from zhifa.core.schemas import IssuedTokenOut, MeOut, TokenOut, UnitOut, UserOut
from zhifa.core.settings import Settings
from zhifa.core.validation import BodyRecordId, parse

pages = APIRouter(prefix="/app", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["账号与权限"])

SignedInUser = Annotated[Principal, Depends(require(Permission.app_use))]
UserAdmin = Annotated[Principal, Depends(require(Permission.user_admin))]
UnitAdmin = Annotated[Principal, Depends(require(Permission.unit_admin))]
TokenAdmin = Annotated[Principal, Depends(require(Permission.token_admin))]
LoginLogReader = Annotated[Principal, Depends(require(Permission.login_log_read))]

LOGIN_CSRF_COOKIE = "zhifa_login_csrf"
UNIT_FIELDS = ("name", "kind", "parent_id")

NOTICES = {
    "saved": "已保存。",
    "created": "已创建。",
    "password": "密码已修改：其他设备上的登录已退出，本账号的 API 令牌已全部吊销。",
    "revoked": "令牌已吊销。",
    "unlocked": "已解除登录等待。",
    "reset": "密码已重置。",
}


def user_of_path(user_id: RecordId, db: Db, who: UserAdmin) -> User:
    """The user account the path names (404 when there is none)."""
    return accounts.get_user(db, user_id)


UserOfPath = Annotated[User, Depends(user_of_path)]


class TokenIn(BaseModel):
    user_id: BodyRecordId
    label: str = ""


def ledger_pseudonym(settings: Settings, user_id: int) -> str:
    """How the public ledger names this user (only staff pages show the pairing)."""
    return pseudonym(settings.ledger_actor_key(), user_id)


def _tokens_of(db: Session, user_id: int | None = None) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    return db.scalars(query if user_id is None else query.where(ApiToken.user_id == user_id)).all()


# ---- signing in and out ------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    # Only same-site paths inside the app, so the login form is no open redirect.
    if target and target.startswith("/app") and not target.startswith("//"):
        return target
    return "/app"


def _login_page(
    request: Request, error: str | None, status: int, next_url: str, username: str = ""
) -> Response:
    """The sign-in form; after a refusal it keeps the username typed and puts the cursor in
    the password field — only when what was typed has the username format: a password
    typed into the username box is never shown back (nor anything else)."""
    token = secrets.token_urlsafe(24)
    kept = username.strip() if re.fullmatch(accounts.USERNAME_PATTERN, username.strip()) else ""
    response = render(
        request,
        "login.html",
        status,
        error=error,
        login_csrf=token,
        next_url=next_url,
        username=kept,
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


def _signed_in(signed: SignedIn, settings: Settings, next_url: str) -> Response:
    """On to the page asked for, with the session's cookie and the device cookie set."""
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


@pages.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, None, 200, _safe_next(next))


@pages.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: Tx,
    settings: Config,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form()] = "/app",
) -> Response:
    # sign_in keeps every attempt (and a failure's throttle) itself, refused or not.
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _login_page(request, "登录表单已失效，请重新输入。", 403, _safe_next(next_url))
    if not username.strip() or not password:
        return _login_page(request, "请输入用户名和密码。", 422, _safe_next(next_url), username)
    # The client address as core.access.ClientAddress settled it (trusted proxies only).
    client = request.client.host if request.client else ""
    devices = request.cookies.get(DEVICE_COOKIE)
    try:
        signed = sign_in(db, settings, username, password, client, devices)
    except SignInRefused as exc:
        refused = _login_page(request, exc.message, exc.status_code, _safe_next(next_url), username)
        if exc.wait:
            refused.headers["Retry-After"] = str(exc.wait)
        return refused
    except DomainError as exc:
        return _login_page(request, exc.message, exc.status_code, _safe_next(next_url), username)
    return _signed_in(signed, settings, next_url)


@pages.post("/logout")
def logout(db: Tx, who: SignedInUser) -> Response:
    if who.session_id is not None:
        sign_out(db, who.session_id)
    response = redirect("/app/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@pages.get("/password", response_class=HTMLResponse)
def password_form(request: Request, who: SignedInUser) -> Response:
    return render(request, "password.html", notice=notice_of(request, NOTICES))


@pages.post("/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    db: Tx,
    who: SignedInUser,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    confirm_password: Annotated[str, Form()] = "",
) -> Response:
    def change() -> int:
        if new_password != confirm_password:
            raise DomainError("两次输入的新密码不一致", "confirm_password")
        # The current browser keeps its session; the others and the API tokens end.
        return change_password(db, who.user_id, current_password, new_password, who.session_id)

    return submit(
        request,
        db,
        change,
        page="password.html",
        context=lambda: {},
        then=lambda _: redirect("/app/password", "password"),
    )


# ---- administration: users -------------------------------------------------------------


def _user_values(form: FormData) -> dict[str, Any]:
    return {
        "username": str(form.get("username", "")).strip(),
        "full_name": str(form.get("full_name", "")).strip(),
        "password": str(form.get("password", "")),  # as typed: spaces may be part of it
        "roles": form.getlist("roles"),
        "unit_id": form.get("unit_id") or None,
        "phone": str(form.get("phone", "")).strip() or None,
        "is_active": form.get("is_active") == "on",
    }


def _admin_context(db: Session, **extra: Any) -> dict[str, Any]:
    return {
        "units": accounts.list_units(db),
        "role_labels": ROLE_LABELS,
        "unit_kind_labels": UNIT_KIND_LABELS,
        **extra,
    }


def _update_user(db: Session, user_id: int, values: dict[str, Any], who: Principal) -> None:
    """The edit form saves the account and, when a password was typed, resets it."""
    accounts.update_user(db, user_id, parse(accounts.UserUpdate, values), who)
    if values["password"]:
        accounts.reset_password(db, user_id, values["password"], who)


@pages.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, db: Db, who: UserAdmin) -> Response:
    return render(
        request,
        "admin_users.html",
        users=accounts.list_users(db),
        waiting=accounts_waiting(db),
        notice=notice_of(request, NOTICES),
        **_admin_context(db),
    )


@pages.get("/admin/users/new", response_class=HTMLResponse)
def user_new_page(request: Request, db: Db, who: UserAdmin) -> Response:
    return render(request, "admin_user_form.html", user=None, values={}, **_admin_context(db))


@pages.post("/admin/users/new", response_class=HTMLResponse)
async def user_new_submit(request: Request, db: Tx, who: UserAdmin) -> Response:
    values = _user_values(await request.form())
    return submit(
        request,
        db,
        lambda: accounts.create_user(db, parse(accounts.UserIn, values), who),
        page="admin_user_form.html",
        context=lambda: _admin_context(db, user=None, values=values),
        then=lambda _: redirect("/app/admin/users", "created"),
    )


@pages.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_edit_page(
    request: Request, who: UserAdmin, user: UserOfPath, db: Db, settings: Config
) -> Response:
    values = {
        "full_name": user.full_name,
        "roles": [r.value for r in user.roles],
        "unit_id": user.unit_id,
        "phone": user.phone,
        "is_active": user.is_active,
    }
    return render(
        request,
        "admin_user_form.html",
        user=user,
        values=values,
        tokens=_tokens_of(db, user.id),
        wait_until=account_wait_until(db, user.id),
        pseudonym=ledger_pseudonym(settings, user.id),
        notice=notice_of(request, NOTICES),
        **_admin_context(db),
    )


@pages.post("/admin/users/{user_id}", response_class=HTMLResponse)
async def user_edit_submit(request: Request, who: UserAdmin, user: UserOfPath, db: Tx) -> Response:
    user_id, values = user.id, _user_values(await request.form())
    return submit(
        request,
        db,
        lambda: _update_user(db, user_id, values, who),
        page="admin_user_form.html",
        context=lambda: _admin_context(db, user=accounts.get_user(db, user_id), values=values),
        then=lambda _: redirect(f"/app/admin/users/{user_id}", "saved"),
    )


@pages.post("/admin/users/{user_id}/unlock")
def user_unlock(who: UserAdmin, user: UserOfPath, db: Tx) -> Response:
    accounts.unlock(db, user.id, who)
    return redirect(f"/app/admin/users/{user.id}", "unlocked")


@pages.post("/admin/tokens/{token_id}/revoke")
def token_revoke_page(token_id: RecordId, db: Tx, who: TokenAdmin) -> Response:
    token = db.get(ApiToken, token_id)
    revoke_api_token(db, token_id, who)
    return redirect(f"/app/admin/users/{token.user_id}" if token else "/app/admin/users", "revoked")


# ---- administration: units and the sign-in log ------------------------------------------


@pages.get("/admin/units", response_class=HTMLResponse)
def units_page(request: Request, db: Db, who: UnitAdmin) -> Response:
    return render(
        request, "admin_units.html", notice=notice_of(request, NOTICES), **_admin_context(db)
    )


@pages.post("/admin/units", response_class=HTMLResponse)
async def unit_create_page(request: Request, db: Tx, who: UnitAdmin) -> Response:
    values = await form_values(request, UNIT_FIELDS)
    data = {**values, "parent_id": values["parent_id"] or None}
    return submit(
        request,
        db,
        lambda: accounts.create_unit(db, parse(accounts.UnitIn, data), who),
        page="admin_units.html",
        context=lambda: _admin_context(db),
        then=lambda _: redirect("/app/admin/units", "created"),
    )


@pages.get("/admin/logins", response_class=HTMLResponse)
def login_log_page(
    request: Request, db: Db, who: LoginLogReader, failed_only: bool = False
) -> Response:
    query = select(LoginEvent).order_by(LoginEvent.id.desc()).limit(200)
    if failed_only:
        query = query.where(LoginEvent.success.is_(False))
    return render(
        request, "login_events.html", events=db.scalars(query).all(), failed_only=failed_only
    )


# ---- JSON API ----------------------------------------------------------------------------


@api.get("/me", summary="当前用户")
def api_me(who: SignedInUser) -> MeOut:
    return MeOut.of(who)


@api.get("/users", summary="用户列表")
def api_users(db: Db, who: UserAdmin) -> list[UserOut]:
    return [UserOut.of(u) for u in accounts.list_users(db)]


@api.post("/users", status_code=201, summary="新建用户")
def api_user_create(data: accounts.UserIn, db: Tx, who: UserAdmin) -> UserOut:
    return UserOut.of(accounts.create_user(db, data, who))


@api.put("/users/{user_id}", summary="修改用户")
def api_user_update(who: UserAdmin, user: UserOfPath, data: accounts.UserUpdate, db: Tx) -> UserOut:
    return UserOut.of(accounts.update_user(db, user.id, data, who))


@api.get("/units", summary="单位列表")
def api_units(db: Db, who: SignedInUser) -> list[UnitOut]:
    return [UnitOut.of(u) for u in accounts.list_units(db)]


@api.post("/units", status_code=201, summary="新建单位")
def api_unit_create(data: accounts.UnitIn, db: Tx, who: UnitAdmin) -> UnitOut:
    return UnitOut.of(accounts.create_unit(db, data, who))


@api.get("/tokens", summary="API 令牌列表")
def api_tokens(db: Db, who: TokenAdmin) -> list[TokenOut]:
    return [TokenOut.of(t) for t in _tokens_of(db)]


@api.post("/tokens", status_code=201, summary="签发 API 令牌（仅此一次显示）")
def api_token_create(data: TokenIn, db: Tx, who: TokenAdmin) -> IssuedTokenOut:
    return IssuedTokenOut(token=issue_api_token(db, data.user_id, data.label, who))


@api.delete("/tokens/{token_id}", status_code=204, summary="吊销 API 令牌")
def api_token_revoke(token_id: RecordId, db: Tx, who: TokenAdmin) -> Response:
    revoke_api_token(db, token_id, who)
    return Response(status_code=204)

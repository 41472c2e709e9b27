"""Sign-in, browser sessions, API tokens and lock-out after repeated failures."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, NotAuthenticated, NotFound
from zhifa.core.models import ApiToken, LoginEvent, User, WebSession
from zhifa.core.passwords import check_policy, hash_password, verify_password
from zhifa.core.permissions import Permission, Role, permissions_of
from zhifa.core.settings import Settings

TOKEN_PREFIX = "zf_"  # noqa: S105 (a marker, not a secret)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is acting on this request, and with what rights."""

    user_id: int
    username: str
    full_name: str
    roles: frozenset[Role]
    session_id: int | None = None
    csrf_token: str | None = None
    via_token: bool = False

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def actor_name(who: Principal | None) -> str:
    """How the ledger names who acted: the username, or `system` for the CLI and jobs."""
    return who.username if who is not None else "system"


def _principal(user: User, session: WebSession | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        roles=user.roles,
        session_id=session.id if session else None,
        csrf_token=session.csrf_token if session else None,
        via_token=session is None,
    )


def _log_attempt(
    db: Session, username: str, user: User | None, success: bool, reason: str, client: str
) -> None:
    event = LoginEvent(
        username=username[:50],
        user_id=user.id if user else None,
        success=success,
        reason=reason,
        client=client[:100],
    )
    db.add(event)
    record_change(db, username[:50] or "anonymous", "auth.login", event)


def sign_in(
    db: Session, settings: Settings, username: str, password: str, client: str = ""
) -> tuple[str, Principal]:
    """Check the password and open a session; returns (cookie token, principal).

    Every attempt is logged. After ``login_max_failures`` consecutive failures the account
    is locked for ``login_lock_minutes``; a correct password does not unlock it early.
    """
    now = utcnow()
    user = db.scalar(select(User).where(User.username == username.strip()))
    failure = "用户名或密码错误"
    if user is None:
        verify_password(None, password)
        _log_attempt(db, username, None, False, "unknown_user", client)
        db.commit()
        raise NotAuthenticated(failure)
    if user.locked_until and user.locked_until > now:
        _log_attempt(db, username, user, False, "locked", client)
        db.commit()
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise NotAuthenticated(f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试")
    if not user.is_active:
        _log_attempt(db, username, user, False, "disabled", client)
        db.commit()
        raise NotAuthenticated("账号已停用，请联系系统管理员")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        reason = "bad_password"
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            user.failed_logins = 0
            reason = "locked_now"
        _log_attempt(db, username, user, False, reason, client)
        db.commit()
        raise NotAuthenticated(failure)
    user.failed_logins = 0
    user.locked_until = None
    token = secrets.token_urlsafe(32)
    web_session = WebSession(
        token_hash=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    db.add(web_session)
    _log_attempt(db, username, user, True, "", client)
    db.flush()
    principal = _principal(user, web_session)
    db.commit()
    return token, principal


def principal_from_session(db: Session, token: str) -> Principal | None:
    row = db.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None or row.expires_at <= utcnow():
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return _principal(user, row)


def sign_out(db: Session, session_id: int) -> None:
    row = db.get(WebSession, session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
    db.commit()


def change_password(db: Session, user_id: int, current: str, new: str) -> None:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if not verify_password(user.password_hash, current):
        raise DomainError("当前密码不正确", "current_password")
    check_policy(new, "new_password")
    if current == new:
        raise DomainError("新密码不能与当前密码相同", "new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    record_change(db, user.username, "user.change_password", user)
    # Changing the password ends every other signed-in browser of this user.
    for row in db.scalars(
        select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
    ):
        row.ended_at = utcnow()
    db.commit()


def issue_api_token(db: Session, user_id: int, label: str, who: Principal | None) -> str:
    """A new bearer token; only its hash is kept, so this is the only time it is shown."""
    if db.get(User, user_id) is None:
        raise NotFound("用户不存在")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=_digest(token), prefix=token[:10], user_id=user_id, label=label[:100])
    db.add(row)
    record_change(db, actor_name(who), "token.issue", row)
    db.commit()
    return token


def principal_from_token(db: Session, token: str) -> Principal | None:
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_used_at = utcnow()
    db.commit()
    return _principal(user)


def revoke_api_token(db: Session, token_id: int, who: Principal | None) -> None:
    row = db.get(ApiToken, token_id)
    if row is None:
        raise NotFound("令牌不存在")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record_change(db, actor_name(who), "token.revoke", row)
    db.commit()


def is_locked(user: User, now: datetime | None = None) -> bool:
    return bool(user.locked_until and user.locked_until > (now or utcnow()))

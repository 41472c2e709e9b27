"""Sign-in, browser sessions, API tokens and sign-in throttling.

Throttling (OWASP authentication cheat sheet) must not become a way to keep the bureau's
staff out, so there is no hard account lock anyone could trigger:
- failures are counted per client (a keyed hash of its address), per account name (an
  account's id, or a keyed hash of a name no account has: a name that does not exist
  behaves exactly like one that does) and per known device;
- after ``login_max_failures`` failures under a key, its next attempt must wait, the wait
  doubling with each further failure, up to ``login_lock_minutes`` for a client or device
  and ``login_account_delay_seconds`` for an account (a short wait for its holder on a
  new device, at most one guess a minute for everyone else);
- a known device, a browser holding the signed device cookie given at an earlier
  successful sign-in to that account, counts only its own failures: wrong passwords
  typed elsewhere, even from the same address, never keep the account holder out;
- every failure gets one message (``SIGN_IN_FAILED``), whether the name is unknown, the
  password wrong or the attempt throttled, with the wait when there is one.
API tokens are not throttled and keep working while password sign-in of their account
waits: the throttle answers password guessing, which a token does not involve, and
stopping the body-camera docks' tokens would hand whoever floods the sign-in form an
off switch for evidence intake. A disabled account's tokens are refused, and a password
change revokes them.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from zhifa.core.access import client_key
from zhifa.core.audit import ANONYMOUS_ACTOR, record_change
from zhifa.core.db import utcnow
from zhifa.core.errors import DomainError, NotAuthenticated, NotFound
from zhifa.core.models import ApiToken, LoginEvent, LoginThrottle, User, WebSession
from zhifa.core.passwords import check_policy, hash_password, verify_password
from zhifa.core.permissions import Permission, Role, permissions_of
from zhifa.core.settings import Settings

TOKEN_PREFIX = "zf_"  # noqa: S105 (a marker, not a secret)
SIGN_IN_FAILED = "用户名或密码错误，或登录尝试过于频繁。"
DEVICE_COOKIE = "zhifa_device"
DEVICE_DAYS = 180  # not a legal limit: how long a browser is remembered
_DEVICES_PER_BROWSER = 5  # accounts one shared computer is remembered for
_FORGET_FAILURES = timedelta(hours=1)  # not a legal limit: throttle window


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
    """Who acted, for ``record_change``: the username (the ledger records its keyed
    pseudonym, never the name), or `system` for the CLI and jobs."""
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


class SignInRefused(NotAuthenticated):
    """The one answer to every failed sign-in; ``wait`` seconds before the next try."""

    def __init__(self, wait: int, throttled: bool = False) -> None:
        later = f"请 {wait} 秒后再试。" if wait else ""
        super().__init__(SIGN_IN_FAILED + later)
        self.wait = wait
        if throttled:
            self.status_code = 429


@dataclass(frozen=True)
class SignedIn:
    token: str  # the session cookie
    principal: Principal
    devices: str  # the device cookie: this browser is now known for this account


# ---- known devices -------------------------------------------------------------------------


def _device_mac(secret: str, user_id: int, nonce: str) -> str:
    text = f"device|{user_id}|{nonce}".encode()
    return hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()[:32]


def _devices(secret: str, cookie: str | None) -> list[tuple[int, str]]:
    """The (user id, device nonce) pairs of a device cookie whose signatures hold."""
    found: list[tuple[int, str]] = []
    for item in (cookie or "").split("~")[:_DEVICES_PER_BROWSER]:
        user_id, _, rest = item.partition(".")
        nonce, _, mac = rest.partition(".")
        wellformed = user_id.isascii() and user_id.isdigit() and len(user_id) < 12
        if wellformed and nonce and mac.isascii():
            expected = _device_mac(secret, int(user_id), nonce)
            if hmac.compare_digest(expected, mac):
                found.append((int(user_id), nonce))
    return found


def _remember_device(secret: str, cookie: str | None, user_id: int, nonce: str | None) -> str:
    nonce = nonce or secrets.token_urlsafe(12)
    others = [(u, n) for u, n in _devices(secret, cookie) if u != user_id]
    kept = [(user_id, nonce), *others][:_DEVICES_PER_BROWSER]
    return "~".join(f"{u}.{n}.{_device_mac(secret, u, n)}" for u, n in kept)


# ---- throttling ----------------------------------------------------------------------------


def _account_key(secret: str, user: User | None, name: str) -> str:
    if user is not None:
        return f"a:{user.id}"
    text = f"sign-in-name|{name}".encode()
    return "n:" + hmac.new(secret.encode(), text, hashlib.sha256).hexdigest()[:32]


def _wait_seconds(rows: list[LoginThrottle], now: datetime) -> int:
    waits = [(row.wait_until - now).total_seconds() for row in rows if row.wait_until]
    return max(0, math.ceil(max(waits, default=0)))


def _throttle_rows(
    db: Session, keys: list[str], now: datetime, *, lock: bool = False
) -> list[LoginThrottle]:
    query = select(LoginThrottle).where(LoginThrottle.key.in_(keys))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    rows = list(db.scalars(query))
    for row in rows:
        waiting = row.wait_until is not None and row.wait_until > now
        if row.last_failure_at < now - _FORGET_FAILURES and not waiting:
            row.failures, row.wait_until = 0, None
    return rows


def _delay(failures: int, free: int, cap_seconds: int) -> int:
    """No wait before the ``free``-th failure, then 2 s, 4 s, 8 s … up to the cap."""
    if failures < free:
        return 0
    return min(cap_seconds, 2 ** min(failures - free + 1, 30))


def _count_failure(db: Session, settings: Settings, keys: list[str], now: datetime) -> int:
    """One more failure under each key; returns the wait before the next attempt."""
    # Concurrent first failures under one key must not collide on its primary key, and
    # concurrent counts must not be lost: insert-if-missing, then count under a row lock.
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    fresh = [{"key": key, "failures": 0, "last_failure_at": now} for key in keys]
    db.execute(insert(LoginThrottle).values(fresh).on_conflict_do_nothing())
    rows = {row.key: row for row in _throttle_rows(db, keys, now, lock=True)}
    wait = 0
    for key in keys:
        row = rows[key]
        row.failures += 1
        row.last_failure_at = now
        cap = (
            settings.login_account_delay_seconds
            if key.startswith(("a:", "n:"))
            else settings.login_lock_minutes * 60
        )
        delay = _delay(row.failures, settings.login_max_failures, cap)
        row.wait_until = now + timedelta(seconds=delay) if delay else None
        wait = max(wait, delay)
    # Keys nobody has failed under for a while take no room.
    quiet = LoginThrottle.last_failure_at < now - _FORGET_FAILURES
    done = LoginThrottle.wait_until.is_(None) | (LoginThrottle.wait_until <= now)
    db.execute(delete(LoginThrottle).where(quiet, done))
    return wait


def account_wait_until(db: Session, user_id: int) -> datetime | None:
    """Until when sign-in to this account from a device it does not know must wait."""
    row = db.get(LoginThrottle, f"a:{user_id}")
    if row is None or row.wait_until is None or row.wait_until <= utcnow():
        return None
    return row.wait_until


def accounts_waiting(db: Session) -> dict[int, datetime]:
    """Accounts whose sign-in from unknown devices must wait now, and until when."""
    rows = db.scalars(
        select(LoginThrottle).where(
            LoginThrottle.key.startswith("a:"), LoginThrottle.wait_until > utcnow()
        )
    )
    return {int(row.key[2:]): row.wait_until for row in rows if row.wait_until}


def clear_account_throttle(db: Session, user_id: int) -> None:
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == f"a:{user_id}"))


def _log_attempt(db: Session, user: User | None, success: bool, reason: str, client: str) -> None:
    # Never the typed name: an unknown name is stored as "" (the log shows 未知账号),
    # and only a successful sign-in is ledgered under the account's pseudonym.
    event = LoginEvent(
        username=user.username if user else "",
        user_id=user.id if user else None,
        success=success,
        reason=reason,
        client=client[:100],
    )
    db.add(event)
    record_change(db, user.username if success and user else ANONYMOUS_ACTOR, "auth.login", event)


def sign_in(
    db: Session,
    settings: Settings,
    username: str,
    password: str,
    client: str = "",
    devices: str | None = None,
) -> SignedIn:
    """Check the password and open a session. Every attempt is logged; failures are
    throttled as the module says; ``devices`` is the browser's device cookie."""
    now = utcnow()
    secret = settings.resolved_secret_key()
    name = username.strip()
    user = db.scalar(select(User).where(User.username == name))
    known = [n for u, n in _devices(secret, devices) if user is not None and u == user.id]
    if known:
        keys = [f"d:{known[0]}"]
    else:
        keys = [f"c:{client_key(secret, 'sign-in', client)}", _account_key(secret, user, name)]
    wait = _wait_seconds(_throttle_rows(db, keys, now), now)
    if wait:
        _log_attempt(db, user, False, "throttled", client)
        db.commit()
        raise SignInRefused(wait, throttled=True)
    if user is None or not verify_password(user.password_hash, password):
        if user is None:
            verify_password(None, password)  # the same time as a wrong password
        wait = _count_failure(db, settings, keys, now)
        _log_attempt(db, user, False, "bad_password" if user else "unknown_user", client)
        db.commit()
        raise SignInRefused(wait)
    if not user.is_active:
        # Said only to whoever knows the password.
        _log_attempt(db, user, False, "disabled", client)
        db.commit()
        raise NotAuthenticated("账号已停用，请联系系统管理员")
    db.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    token = secrets.token_urlsafe(32)
    web_session = WebSession(
        token_hash=_digest(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        # not a legal limit: a sign-in session
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    db.add(web_session)
    _log_attempt(db, user, True, "", client)
    db.flush()
    principal = _principal(user, web_session)
    db.commit()
    cookie = _remember_device(secret, devices, user.id, known[0] if known else None)
    return SignedIn(token, principal, cookie)


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


def change_password(
    db: Session, user_id: int, current: str, new: str, keep_session_id: int | None
) -> int:
    """Set a new password. Whoever might hold the old one is shut out: every other
    signed-in browser of the user ends (the one making the change, ``keep_session_id``,
    stays) and every API token of the account is revoked, each revocation ledgered.
    Returns the number of tokens revoked."""
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    if not verify_password(user.password_hash, current):
        raise DomainError("当前密码不正确", "current_password")
    check_policy(new, "new_password")
    if current == new:
        raise DomainError("新密码不能与当前密码相同", "new_password")
    now = utcnow()
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    record_change(db, user.username, "user.change_password", user)
    for row in db.scalars(
        select(WebSession).where(
            WebSession.user_id == user.id,
            WebSession.ended_at.is_(None),
            WebSession.id != (keep_session_id or 0),
        )
    ):
        row.ended_at = now
    tokens = list(
        db.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        )
    )
    for token in tokens:
        token.revoked_at = now
        record_change(db, user.username, "token.revoke", token)
    db.commit()
    return len(tokens)


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

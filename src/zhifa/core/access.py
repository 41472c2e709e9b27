"""Logging every read of a record by a person (调阅), committed with the request.

Each read is an ``AccessLog`` row (who, when, which record, why, page or API) and, when
known, an ``AccessContext`` row beside it: the client's address (taken from the request
by ``ClientAddress``, a small ASGI middleware, so every feature's reads carry it without
passing it along) and the action and party the record belongs to. Both are ledgered in
the same transaction."""

from __future__ import annotations

import hashlib
import hmac
from contextvars import ContextVar

from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.models import AccessContext, AccessLog

_client: ContextVar[str] = ContextVar("zhifa_client", default="")


def client_address() -> str:
    """The address of the client of the request being served ('' outside a request)."""
    return _client.get()


def client_key(secret: str, purpose: str, address: str | None = None) -> str:
    """A keyed hash of the client's address for one `purpose` (a rate limit): enough to
    count a client's requests without keeping its address."""
    text = f"{purpose}|{client_address() if address is None else address}"
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


class ClientAddress:
    """Remembers each HTTP request's client address for ``log_access``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _client.set(str(client[0])[:64] if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            _client.reset(token)


def log_access(
    db: Session,
    who: Principal,
    record_type: str,
    record_id: object | None,
    purpose: str,
    via: str = "page",
    *,
    action_id: int | None = None,
    party_id: int | None = None,
    client: str | None = None,
) -> AccessLog:
    """Record and commit the read before the content is returned."""
    row = AccessLog(
        user_id=who.user_id,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        purpose=purpose[:200],
        via=via,
    )
    db.add(row)
    db.flush()
    rows: list[AccessLog | AccessContext] = [row]
    address = client_address() if client is None else client[:64]
    if address or action_id is not None or party_id is not None:
        rows.append(
            AccessContext(access_id=row.id, client=address, action_id=action_id, party_id=party_id)
        )
        db.add(rows[-1])
    record_change(db, who.username, "access.read", *rows)
    db.commit()
    return row

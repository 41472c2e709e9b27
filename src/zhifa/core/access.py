"""Logging every read of a record by a person (调阅), committed with the request.

Each read is an ``AccessLog`` row (who, when, which record, why, page or API) and, when
known, an ``AccessContext`` row beside it: the client's address (taken from the request
by ``ClientAddress``, a small ASGI middleware, so every feature's reads carry it without
passing it along) and the action and party the record belongs to. Both are ledgered in
the same transaction.

The client's address is what the TCP connection says, unless that peer is one of the
configured reverse proxies (``ZHIFA_TRUSTED_PROXIES``): then ``X-Forwarded-For`` is read
from the right, skipping trusted proxies, and the first address that is not one is the
client (OWASP: anything left of it may have been written by the client itself)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from zhifa.core.audit import record_change
from zhifa.core.models import AccessContext, AccessLog

if TYPE_CHECKING:
    from zhifa.core.auth import Principal

_client: ContextVar[str] = ContextVar("zhifa_client", default="")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address() -> str:
    """The address of the client of the request being served ('' outside a request)."""
    return _client.get()


def client_key(secret: str, purpose: str, address: str | None = None) -> str:
    """A keyed hash of the client's address for one `purpose` (a rate limit): enough to
    count a client's requests without keeping its address."""
    text = f"{purpose}|{client_address() if address is None else address}"
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def forwarded_client(peer: str, forwarded_for: Iterable[str], trusted: Iterable[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy, then the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy. A malformed entry stops
    the walk at the last address known good (it cannot be trusted to name anyone)."""
    networks = tuple(trusted)

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    client = peer
    if not is_trusted(_address(peer)):
        return client
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return client
        client = str(address)
        if not is_trusted(address):
            return client
    return client


class ClientAddress:
    """Settles each HTTP request's client address once, before anything reads it: the
    request's ``client`` (rate limits, the sign-in log) and ``client_address()`` (access
    logs) both say it. Forwarded headers count only from ``trusted_proxies``."""

    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = tuple(ipaddress.ip_network(item, strict=False) for item in trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = str(client[0]) if client else ""
        if self.trusted and address:
            scope = self._forwarded(scope, address)
            address = scope["client"][0]
        token = _client.set(address[:64])
        try:
            await self.app(scope, receive, send)
        finally:
            _client.reset(token)

    def _forwarded(self, scope: Scope, peer: str) -> Scope:
        headers = scope.get("headers", ())
        forwarded = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-for"]
        address = forwarded_client(peer, forwarded, self.trusted)
        changed: dict[str, object] = {"client": (address, scope["client"][1])}
        if address != peer:  # the request came through a trusted proxy: so did its scheme
            proto = [v.decode("latin-1") for k, v in headers if k == b"x-forwarded-proto"]
            if proto and proto[-1].strip().lower() in ("http", "https"):
                changed["scheme"] = proto[-1].strip().lower()
        return {**scope, **changed}


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

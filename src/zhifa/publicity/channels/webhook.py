"""A generic JSON webhook (the district government portal, 一网通办): the message's public
fields POSTed as JSON, signed with HMAC-SHA256.

Request: ``POST <url>`` with body `payload(message)` (canonical JSON, UTF-8) and headers
``Idempotency-Key`` (the same on every retry of one message to one channel),
``X-Zhifa-Event`` and ``X-Zhifa-Signature: sha256=<hex HMAC-SHA256 of the body bytes with
the channel's secret>``. The receiver must answer 2xx once it has the message, and the
same again for a key it already has.

Outcomes: 2xx — delivered; the receipt is the response's ``receipt`` (or ``id``) field
when the body is JSON with one, else ``HTTP <status> <Date header>``. 408, 429, 5xx,
time-outs and network errors — retried with back-off. Any other status (400, 401, 403,
404, 409, 422 …) says that this very request will never be accepted (bad signature,
wrong address, rejected content): the delivery fails at once, without a retry storm, and
staff retry it after the receiver or the configuration is fixed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any

from sqlalchemy.orm import Session

from zhifa.publicity.channels.base import OUTBOX_EVENT_LABELS, DeliveryFailed, OutgoingMessage

SIGNATURE_HEADER = "X-Zhifa-Signature"
RETRYABLE_STATUSES = frozenset({408, 429})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed (urllib would turn the POST into an empty GET and could
    report it delivered): it is an answer like any other 3xx, and fails the delivery."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def payload(message: OutgoingMessage) -> dict[str, Any]:
    if message.is_public_snapshot:
        return snapshot_payload(message)
    return {
        "format": "zhifa-outbox/1",
        "idempotency_key": message.idempotency_key,
        "event": message.event.value,
        "event_label": OUTBOX_EVENT_LABELS[message.event],
        "publication_id": message.publication_id,
        "obligation_id": message.obligation_id,
        "version": message.version,
        "kind": message.kind,
        "snapshot": message.snapshot,
        "digest": message.digest,
        "ledger_index": message.ledger_index,
        "public_until": message.public_until.isoformat() if message.public_until else None,
        "note": message.note,
        "occurred_at": message.occurred_at.isoformat(),
    }


def snapshot_payload(message: OutgoingMessage) -> dict[str, Any]:
    """A public snapshot (catalogue item, officer, yearly figures): ``zhifa-public-snapshot/1``,
    identified by ``kind`` and ``subject`` (stable across versions)."""
    return {
        "format": "zhifa-public-snapshot/1",
        "idempotency_key": message.idempotency_key,
        "event": message.event.value,
        "event_label": OUTBOX_EVENT_LABELS[message.event],
        "public_snapshot_id": message.public_snapshot_id,
        "kind": message.kind,
        "subject": message.subject,
        "version": message.version,
        "title": message.title,
        "unit_name": message.unit_name,
        "snapshot": message.snapshot,
        "digest": message.digest,
        "ledger_index": message.ledger_index,
        "note": message.note,
        "occurred_at": message.occurred_at.isoformat(),
    }


def body_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _receipt(status: int, headers: Any, raw: bytes) -> str:
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        data = None
    if isinstance(data, dict):
        found = data.get("receipt") or data.get("id")
        if found not in (None, ""):
            return str(found)[:1000]
    return f"HTTP {status} {headers.get('Date', '')}".strip()


def post_json(url: str, data: dict[str, Any], message: OutgoingMessage, config: dict) -> str:
    """POST and classify the answer (shared by the WeChat adapter)."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryFailed("投递地址须以 http:// 或 https:// 开头", permanent=True)
    body = body_bytes(data)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": message.idempotency_key,
        "X-Zhifa-Event": message.event.value,
    }
    if config.get("secret"):
        headers[SIGNATURE_HEADER] = sign(body, config["secret"])
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (http(s) checked)
    try:
        with _OPENER.open(request, timeout=config["timeout"]) as response:
            return _receipt(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        permanent = exc.code < 500 and exc.code not in RETRYABLE_STATUSES
        raise DeliveryFailed(f"对方返回 HTTP {exc.code}", permanent=permanent) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"连接失败或超时：{reason}") from None


class WebhookChannel:
    kind = "webhook"
    inline = False

    def deliver(self, db: Session, message: OutgoingMessage, config: dict[str, Any]) -> str:
        return post_json(config["url"], payload(message), message, config)

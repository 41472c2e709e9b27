"""Building portal content for tests: real publications through the API, and outbox
messages for the portal channel with chosen texts (for search semantics)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.factories import writing
from tests.publicity.test_flow import _decision, _obligation
from zhifa.publicity import snapshots
from zhifa.publicity.channels.base import OutboxEvent, OutgoingMessage
from zhifa.publicity.channels.portal import PortalChannel
from zhifa.publicity.rules import ITEMS, KIND_LABELS


def publish_decision(client: TestClient, db: Session) -> dict[str, Any]:
    """Issue a penalty decision and publish it as the legal section: the publication."""
    _, document_id, _ = _decision(client, db)
    ob = _obligation(client, document_id)
    _as(client, "legal")
    pub = client.post(
        f"/api/v1/publicity/obligations/{ob['id']}/draft", json={"severity": "general"}
    ).json()
    url = f"/api/v1/publicity/publications/{pub['id']}"
    assert client.post(f"{url}/review", json={}).status_code == 200
    done = client.post(f"{url}/publish")
    assert done.status_code == 200, done.text
    return done.json()  # type: ignore[no-any-return]


def snapshot(kind: str, **values: str) -> dict[str, Any]:
    return {
        "format": snapshots.FORMAT,
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "items": [
            {"key": key, "label": label, "value": values.get(key, "")} for key, label in ITEMS[kind]
        ],
    }


_counter = iter(range(1, 10**9))


def message(
    obligation_id: int,
    snap: dict[str, Any],
    *,
    event: OutboxEvent = OutboxEvent.publish,
    version: int = 1,
    note: str = "",
    on: date = date(2026, 3, 2),
    key: str | None = None,
) -> OutgoingMessage:
    text = snapshots.canonical(snap)
    return OutgoingMessage(
        idempotency_key=key or f"test-{next(_counter)}",
        event=event,
        publication_id=obligation_id * 10 + version,
        obligation_id=obligation_id,
        version=version,
        kind=snap["kind"],
        snapshot=snap,
        snapshot_json=text,
        digest=snapshots.digest(text),
        ledger_index=None,
        public_until=date(2027, 3, 1),
        note=note,
        occurred_at=datetime(on.year, on.month, on.day, 4, tzinfo=UTC),
    )


def deliver(db: Session, *messages: OutgoingMessage) -> list[str]:
    with writing(db) as session:
        return [PortalChannel().deliver(session, m, {}) for m in messages]

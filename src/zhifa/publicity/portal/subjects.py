"""The portal's side of public snapshots (catalogue, officers, yearly figures): applying
outbox messages to the read model (`PortalSnapshot`, `PortalSnapshotVersion`) and reading
it for the portal pages. Touches portal tables only, so the portal-only process may use
every reader here.

Search is a plain substring match over a normalised text of each current subject (title,
unit, subject and every value of its snapshot): at catalogue scale (hundreds of rows) a
LIKE scan is instant and matches any Chinese word of two or more characters exactly as
written. Terms separated by spaces must all match.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from zhifa.core.clock import SHANGHAI
from zhifa.core.db import utcnow
from zhifa.publicity.channels.base import OutboxEvent, OutgoingMessage
from zhifa.publicity.models import SNAPSHOT_KIND_LABELS, SnapshotStatus
from zhifa.publicity.portal.models import PortalLookup, PortalSnapshot, PortalSnapshotVersion

MAX_TERMS = 8
LIST_LIMIT = 1000  # a catalogue is hundreds of rows; a bound all the same


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def _values(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def search_text(message: OutgoingMessage) -> str:
    parts = [message.title, message.unit_name, message.subject, *_values(message.snapshot)]
    return normalise(" ".join(parts))


def _day(message: OutgoingMessage) -> date:
    return message.occurred_at.astimezone(SHANGHAI).date()


def apply(db: Session, message: OutgoingMessage) -> str:
    """Apply one message (idempotent by its key); the receipt names the subject and version."""
    kind = SNAPSHOT_KIND_LABELS.get(message.kind, "公示目录")
    receipt = f"门户网站{kind} {message.subject} 第 {message.version} 版"
    seen = db.scalar(
        select(PortalSnapshotVersion.id).where(
            PortalSnapshotVersion.idempotency_key == message.idempotency_key
        )
    )
    if seen is not None:
        return receipt
    day = _day(message)
    withdrawn = message.event in (OutboxEvent.withdraw, OutboxEvent.expire)
    text = "" if withdrawn else message.snapshot_json
    db.add(
        PortalSnapshotVersion(
            idempotency_key=message.idempotency_key,
            kind=message.kind,
            subject=message.subject,
            version=message.version,
            event=message.event.value,
            occurred_on=day,
            title=message.title,
            snapshot_json=text,
            digest=message.digest,
            ledger_index=message.ledger_index,
            note=message.note,
        )
    )
    row = current(db, message.kind, message.subject)
    if row is None:
        row = PortalSnapshot(kind=message.kind, subject=message.subject, published_on=day)
        db.add(row)
    row.status = (SnapshotStatus.withdrawn if withdrawn else SnapshotStatus.published).value
    row.version = message.version
    row.title = message.title
    row.unit_name = message.unit_name
    row.snapshot_json = text
    row.digest = message.digest
    row.ledger_index = message.ledger_index
    row.note = message.note
    row.changed_on = day
    row.search_text = "" if withdrawn else search_text(message)
    row.updated_at = message.occurred_at
    db.flush()
    return receipt + ("（已撤下）" if withdrawn else "")


# ---- reading ------------------------------------------------------------------------------


def current(db: Session, kind: str, subject: str) -> PortalSnapshot | None:
    """The subject's portal row, published or withdrawn (None: never published)."""
    return db.scalar(
        select(PortalSnapshot).where(PortalSnapshot.kind == kind, PortalSnapshot.subject == subject)
    )


def snapshot_of(row: PortalSnapshot | PortalSnapshotVersion) -> dict[str, Any]:
    """The published snapshot as a dict ({} for a withdrawal)."""
    return json.loads(row.snapshot_json) if row.snapshot_json else {}


def history(db: Session, kind: str, subject: str) -> list[PortalSnapshotVersion]:
    """Every delivered version and event of the subject, oldest first."""
    return list(
        db.scalars(
            select(PortalSnapshotVersion)
            .where(PortalSnapshotVersion.kind == kind, PortalSnapshotVersion.subject == subject)
            .order_by(PortalSnapshotVersion.id)
        )
    )


def terms_of(query: str) -> list[str]:
    return normalise(query).split(" ")[:MAX_TERMS] if query.strip() else []


def listing(db: Session, kind: str = "", unit: str = "", query: str = "") -> list[PortalSnapshot]:
    """Published subjects (not withdrawn), by kind then subject; filtered by kind, unit
    (exact) and search terms (each a substring of the subject's text)."""
    sql = select(PortalSnapshot).where(PortalSnapshot.status == SnapshotStatus.published.value)
    if kind:
        sql = sql.where(PortalSnapshot.kind == kind)
    if unit:
        sql = sql.where(PortalSnapshot.unit_name == unit)
    for term in terms_of(query):
        sql = sql.where(PortalSnapshot.search_text.contains(term, autoescape=True))
    order = (PortalSnapshot.kind, PortalSnapshot.subject)
    return list(db.scalars(sql.order_by(*order).limit(LIST_LIMIT)))


def units(db: Session, kind: str = "") -> list[str]:
    """The units named by published subjects (of a kind), for the browse-by-unit filter."""
    sql = select(PortalSnapshot.unit_name).where(
        PortalSnapshot.status == SnapshotStatus.published.value, PortalSnapshot.unit_name != ""
    )
    if kind:
        sql = sql.where(PortalSnapshot.kind == kind)
    return list(db.scalars(sql.distinct().order_by(PortalSnapshot.unit_name)))


# ---- the public certificate lookup's rate limit -------------------------------------------

LOOKUP_WINDOW = timedelta(minutes=10)  # a rate window, not a legal time limit


def take_lookup(db: Session, client: str, limit: int) -> bool:
    """Count one lookup by `client`; False (and nothing counted) once `limit` lookups were
    made in the window. Every client's rows older than the window go in one statement, so
    the table holds one window's lookups and no address leaves a trace past it."""
    now = utcnow()
    since = now - LOOKUP_WINDOW
    db.execute(delete(PortalLookup).where(PortalLookup.at < since))
    recent = db.scalar(
        select(func.count()).select_from(PortalLookup).where(PortalLookup.client_key == client)
    )
    if (recent or 0) >= limit:
        return False
    db.add(PortalLookup(client_key=client, at=now))
    db.flush()
    return True

"""The public portal's read model: only what has been published, already desensitised.

The portal reads these tables and nothing else (invariant 4): it can run as its own
process whose database guard refuses every other table (`web.portal`). The rows are a
projection of the publication pipeline, written only by the portal channel
(`publicity.channels.portal`) from outbox messages; the changes themselves are ledgered
where they happen (the publication's own entries), so these rows are not `track`ed.

- ``PortalEntry``: one per publication obligation. Its id is the obligation id, the stable
  public id (``/p/<id>``) across corrected versions. It holds the current version's
  canonical snapshot text, digest and ledger index; withdrawn or expired entries keep only
  the notice (the content is removed).
- ``PortalVersion``: the history of versions and events, each with its date and public
  note (更正说明, 撤下原因).
- ``PortalReceipt``: idempotency — each applied message key once.
- Search: ``portal_search`` (SQLite FTS5 virtual table, created by migration 0010) or
  ``PortalEntry.search_vector`` (PostgreSQL tsvector with a GIN index). See
  `publicity.portal.decisions` for the bigram index.
- ``PortalSnapshot``: the current public state of one catalogue/officer/figures subject
  (its current version's text, or a withdrawal notice), with a plain search text.
- ``PortalSnapshotVersion``: every version and event of a subject as delivered, with its
  text, so that the history of published versions stays readable.
- ``PortalLookup``: one public certificate lookup by a client (a keyed hash of the
  address): the rate limit's window, shared by every portal process.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    cast,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from zhifa.core.db import Base, utcnow

_LedgerIndex = BigInteger().with_variant(Integer(), "sqlite")

# SQLite's full-text table, made by migration 0010 (no model: see core.schema).
SEARCH_TABLE = "portal_search"


class PortalStatus(StrEnum):
    current = "current"  # 公示中 (possibly corrected)
    withdrawn = "withdrawn"  # 已撤下
    expired = "expired"  # 公示期满


PORTAL_STATUS_LABELS = {
    PortalStatus.current: "公示中",
    PortalStatus.withdrawn: "已撤下",
    PortalStatus.expired: "公示期满",
}


class SearchVector(TypeDecorator[str]):
    """PostgreSQL: a tsvector given as its literal text (positions and weights computed by
    the store); SQLite: an unused text column (SQLite searches its FTS5 table)."""

    impl = TSVECTOR
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(TSVECTOR() if dialect.name == "postgresql" else Text())

    def bind_expression(self, bindvalue: Any) -> ColumnElement[Any]:
        return cast(bindvalue, TSVECTOR)


@compiles(TSVECTOR, "sqlite")
def _tsvector_on_sqlite(_type: TSVECTOR, _compiler: Any, **_kw: Any) -> str:
    return "TEXT"  # the cast above, on SQLite, where the column is plain (unused) text


class PortalEntry(Base):
    __tablename__ = "portal_entry"
    __table_args__ = (
        Index("ix_portal_entry_status_sort_key", "status", "sort_key"),
        Index("ix_portal_entry_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # obligation id
    seq: Mapped[int] = mapped_column(unique=True)  # order of first publication
    # Listing order, newest first = largest: the decision day, then `seq` (portal_store.sort_key)
    sort_key: Mapped[int] = mapped_column(BigInteger, unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20))  # PortalStatus
    version: Mapped[int]
    publication_id: Mapped[int]  # the current version's publication (no foreign key)
    unit_name: Mapped[str] = mapped_column(String(200), default="")  # 处罚/实施机关
    party_name: Mapped[str] = mapped_column(String(200), default="")  # masked
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(String(500), default="")
    decided_on: Mapped[date | None]
    published_on: Mapped[date]
    public_until: Mapped[date | None]
    snapshot_json: Mapped[str] = mapped_column(Text, default="")  # "" once taken down
    digest: Mapped[str] = mapped_column(String(64))
    ledger_index: Mapped[int | None] = mapped_column(_LedgerIndex)
    note: Mapped[str] = mapped_column(String(1000), default="")  # correction note / reason
    changed_on: Mapped[date | None]  # day of the last correction / withdrawal / expiry
    search_vector: Mapped[str | None] = mapped_column(SearchVector, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PortalVersion(Base):
    """One event in an entry's public history (公示、更新、更正、撤下、期满)."""

    __tablename__ = "portal_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(index=True)
    version: Mapped[int]
    event: Mapped[str] = mapped_column(String(20))  # OutboxEvent
    occurred_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(1000), default="")
    digest: Mapped[str] = mapped_column(String(64))
    ledger_index: Mapped[int | None] = mapped_column(_LedgerIndex)


class PortalReceipt(Base):
    """Each applied outbox message, by its idempotency key: applying it again is a no-op."""

    __tablename__ = "portal_receipt"

    idempotency_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    entry_id: Mapped[int]
    receipt: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---- the portal's copies of public snapshots (catalogue, officers, yearly figures) -------


class PortalSnapshot(Base):
    __tablename__ = "portal_snapshot"
    __table_args__ = (
        UniqueConstraint("kind", "subject"),
        Index("ix_portal_snapshot_kind_unit", "kind", "unit_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # SnapshotStatus: published / withdrawn
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    snapshot_json: Mapped[str] = mapped_column(Text, default="")  # "" once withdrawn
    digest: Mapped[str] = mapped_column(String(64))
    ledger_index: Mapped[int | None] = mapped_column(_LedgerIndex)
    note: Mapped[str] = mapped_column(String(1000), default="")  # public note / reason
    published_on: Mapped[date]  # first publication
    changed_on: Mapped[date]  # the last event
    search_text: Mapped[str] = mapped_column(Text, default="")  # normalised, for LIKE
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PortalSnapshotVersion(Base):
    __tablename__ = "portal_snapshot_version"
    __table_args__ = (Index("ix_portal_snapshot_version_subject", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    event: Mapped[str] = mapped_column(String(20))  # OutboxEvent
    occurred_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(300))
    snapshot_json: Mapped[str] = mapped_column(Text, default="")  # "" for a withdrawal
    digest: Mapped[str] = mapped_column(String(64))
    ledger_index: Mapped[int | None] = mapped_column(_LedgerIndex)
    note: Mapped[str] = mapped_column(String(1000), default="")


class PortalLookup(Base):
    __tablename__ = "portal_lookup"
    __table_args__ = (
        Index("ix_portal_lookup_client_at", "client_key", "at"),
        Index("ix_portal_lookup_at", "at"),  # every lookup deletes all rows past the window
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

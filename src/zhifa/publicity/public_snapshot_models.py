"""Tables of public snapshots other than decision publications: the 事前公示 catalogue
(power items, service guides, random-check items, laws), the officers' public
certificate information and the yearly figures (公示办法 第三条、第五条至第八条).

- ``PublicSnapshot``: one frozen, ledgered version of one public subject, identified by
  ``(kind, subject)`` — e.g. ``("power_item", "SC-CF-001")``, ``("officer", <执法证号>)``,
  ``("yearly_figures", "2025")``. Versions count from 1 per subject; a new version
  supersedes the previous one. The snapshot columns never change after publishing; only
  the lifecycle (superseded, withdrawn) does, each change ledgered.

The portal's read model of them (written only by the portal channel, read by the portal
pages, so it is part of the portal-only process's allow-list):

- ``PortalSnapshot``: the current public state of one subject (its current version's text,
  or a withdrawal notice), with a plain search text for the catalogue search.
- ``PortalSnapshotVersion``: every version and event of a subject as delivered, with its
  text, so that the history of published versions stays readable.
- ``PortalLookup``: one public certificate lookup by a client (a keyed hash of the
  address): the rate limit's window, shared by every portal process.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.audit import track
from zhifa.core.db import Base, enum_type, utcnow

_LedgerIndex = BigInteger().with_variant(Integer(), "sqlite")


class SnapshotStatus(StrEnum):
    published = "published"  # 公示中 (the current version)
    superseded = "superseded"  # 已被新版本取代
    withdrawn = "withdrawn"  # 已撤下


SNAPSHOT_KIND_LABELS = {
    "power_item": "执法权力事项",
    "service_guide": "办事指南",
    "random_check_item": "随机抽查事项",
    "law": "法律法规规章",
    "officer": "执法人员",
    "yearly_figures": "年度执法数据",
}


class PublicSnapshot(Base):
    __tablename__ = "public_snapshot"
    __table_args__ = (UniqueConstraint("kind", "subject", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(100))  # stable public key within the kind
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    snapshot_json: Mapped[str] = mapped_column(Text)  # canonical text, frozen
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of snapshot_json
    ledger_index: Mapped[int | None] = mapped_column(_LedgerIndex)
    note: Mapped[str] = mapped_column(String(1000), default="")  # the publisher's public note
    status: Mapped[SnapshotStatus] = mapped_column(enum_type(SnapshotStatus), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("public_snapshot.id"))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_reason: Mapped[str] = mapped_column(String(1000), default="")
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None]


track(PublicSnapshot)


# ---- the portal's read model --------------------------------------------------------------


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

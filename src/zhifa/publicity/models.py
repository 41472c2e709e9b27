"""Tables of 事后公示 (publication of decisions, 公示办法 第七条至第十条).

Built now (issue 6, points 1-3):

- ``PublicationObligation``: one per issued decision document that must be published;
  its due day from the rule table (`core.time_limits`), the person and unit responsible.
  Its state changes (fulfilled, exempted) are ledgered.
- ``Publication``: one version of one publication. A draft holds a snapshot that may be
  rebuilt; review fixes the digest; publishing freezes the canonical snapshot text, its
  digest and the index of the ledger entry that records it. After publishing only the
  lifecycle columns (expired / withdrawn) change, each change ledgered; the snapshot
  columns never change (guarded by `service` and an ORM check).
- ``PublicationExemption``: 依法不予公开 — a reason and basis asked for by one person,
  approved or refused by another who may publish.

Designed for the later points (tables exist so that the later work adds behaviour, not
schema churn):

- ``CorrectionRequest``: a written correction request from the public (point 4), with its
  receipt number, 5-working-day due day and decision; a correction publishes a new
  ``Publication`` version (``supersedes_id``).
- ``Withdrawal``: taking a publication down after the decision was revoked, changed or
  declared unlawful (point 5), with the limit code and due day from the rule table.
- ``Channel`` / ``OutboxMessage`` / ``Delivery``: the channels (portal, 信用中国 exports,
  WeChat, webhook) and the transactional outbox with retries and receipts (point 6).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.audit import track
from zhifa.core.db import Base, enum_type, utcnow

_LedgerIndex = BigInteger().with_variant(Integer(), "sqlite")


class ObligationStatus(StrEnum):
    open = "open"  # 待公示
    published = "published"  # 已公示
    exempted = "exempted"  # 依法不予公开（经批准）


OBLIGATION_STATUS_LABELS = {
    ObligationStatus.open: "待公示",
    ObligationStatus.published: "已公示",
    ObligationStatus.exempted: "依法不予公开",
}


class PublicationObligation(Base):
    __tablename__ = "publication_obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    # The decision as first issued; a corrected decision keeps the same obligation.
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # penalty / compulsion / license
    decided_on: Mapped[date]
    limit_code: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    basis: Mapped[str] = mapped_column(String(1000))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[ObligationStatus] = mapped_column(enum_type(ObligationStatus), index=True)
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublicationStatus(StrEnum):
    draft = "draft"  # 草稿（可重新生成）
    reviewed = "reviewed"  # 已审核（待发布）
    published = "published"  # 公示中
    expired = "expired"  # 公示期满，已停止公示
    withdrawn = "withdrawn"  # 已撤下（point 5）
    superseded = "superseded"  # 已被更正后的新版本取代（point 4）


PUBLICATION_STATUS_LABELS = {
    PublicationStatus.draft: "草稿",
    PublicationStatus.reviewed: "已审核待发布",
    PublicationStatus.published: "公示中",
    PublicationStatus.expired: "公示期满",
    PublicationStatus.withdrawn: "已撤下",
    PublicationStatus.superseded: "已更正（旧版本）",
}

# Columns that may never change once a publication is published.
FROZEN_COLUMNS = frozenset(
    {
        "obligation_id",
        "version",
        "supersedes_id",
        "kind",
        "severity",
        "period_code",
        "period_months",
        "public_until",
        "snapshot",
        "snapshot_json",
        "digest",
        "ledger_index",
        "published_at",
        "published_by",
        "reviewed_digest",
        "reviewed_by",
        "reviewed_at",
    }
)


class Publication(Base):
    __tablename__ = "publication"
    __table_args__ = (UniqueConstraint("obligation_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("publication_obligation.id"))
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    correction_note: Mapped[str] = mapped_column(String(500), default="")  # point 4
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[PublicationStatus] = mapped_column(enum_type(PublicationStatus), index=True)
    severity: Mapped[str] = mapped_column(String(20))  # rules.Severity
    period_code: Mapped[str] = mapped_column(String(40))  # rules.PeriodRule.code
    period_months: Mapped[int | None]
    public_until: Mapped[date | None] = mapped_column(index=True)  # 公示截止期; None: 长期
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    snapshot_json: Mapped[str] = mapped_column(Text)  # canonical text
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of snapshot_json (UTF-8)
    reviewed_digest: Mapped[str | None] = mapped_column(String(64))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(String(500), default="")
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    ledger_index: Mapped[int | None] = mapped_column(_LedgerIndex)  # entry of the publish
    ended_at: Mapped[datetime | None]  # expired / withdrawn / superseded
    end_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ExemptionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"


EXEMPTION_STATUS_LABELS = {
    ExemptionStatus.pending: "待批准",
    ExemptionStatus.approved: "已批准",
    ExemptionStatus.refused: "未批准",
}


class PublicationExemption(Base):
    """依法不予公开: asked once, decided once by a different person."""

    __tablename__ = "publication_exemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("publication_obligation.id"), index=True)
    reason: Mapped[str] = mapped_column(String(1000))
    basis: Mapped[str] = mapped_column(String(500))  # the law that keeps it private
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ExemptionStatus] = mapped_column(enum_type(ExemptionStatus))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(500), default="")


# ---- designed for points 4-6 (no behaviour yet) --------------------------------------------


class CorrectionRequest(Base):
    """A written request to correct a publication (公示办法 第九条第二项), or a correction
    the staff start themselves (`source` = staff)."""

    __tablename__ = "correction_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # public / staff
    requester_name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    what_is_wrong: Mapped[str] = mapped_column(String(5000))
    evidence_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date]  # publicity.correction_request (5 working days)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open / corrected / rejected
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(String(1000), default="")
    new_publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))


class Withdrawal(Base):
    """A publication to be taken down (公示办法 第九条第三项; 行政处罚法 第四十八条第二款)."""

    __tablename__ = "publication_withdrawal"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    cause: Mapped[str] = mapped_column(String(20))  # revoked / changed / unlawful / redo
    reason: Mapped[str] = mapped_column(String(1000))  # shown on the portal's notice
    occurred_on: Mapped[date]
    limit_code: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date]
    due_provisional: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Channel(Base):
    """A place publications go: portal, credit_export, wechat, webhook."""

    __tablename__ = "publication_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # no secrets here
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """One event to deliver to every enabled channel, written in the same transaction as
    the change (publish / update / correct / withdraw / expire)."""

    __tablename__ = "publication_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Delivery(Base):
    """A message's delivery to one channel, with retries, back-off and a receipt."""

    __tablename__ = "publication_delivery"
    __table_args__ = (UniqueConstraint("message_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("publication_outbox.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("publication_channel.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending / delivered / failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    receipt: Mapped[str] = mapped_column(String(1000), default="")
    delivered_at: Mapped[datetime | None]


track(
    PublicationObligation,
    Publication,
    PublicationExemption,
    CorrectionRequest,
    Withdrawal,
    Channel,
    OutboxMessage,
    Delivery,
)

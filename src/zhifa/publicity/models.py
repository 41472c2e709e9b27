"""Tables of 事后公示 (publication of decisions, 公示办法 第七条至第十条).

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

- ``CorrectionRequest``: a written correction request from the public with its
  receipt number, 5-working-day due day and decision; a correction publishes a new
  ``Publication`` version (``supersedes_id``).
- ``Withdrawal``: taking a publication down after the decision was revoked, changed or
  declared unlawful, with the limit code and due day from the rule table.
- ``Channel`` / ``OutboxMessage`` / ``Delivery``: the channels (portal, 信用中国 exports,
  WeChat, webhook) and the transactional outbox with retries and receipts.
- ``PublicSnapshot``: one frozen, ledgered version of one public subject other than a
  decision — the 事前公示 catalogue, an officer's certificate, the yearly figures —
  identified by ``(kind, subject)``, e.g. ``("power_item", "SC-CF-001")``; a new version
  supersedes the previous one; only the lifecycle (superseded, withdrawn) changes.

The portal's read model of all of them is in `publicity.portal.models`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.publicity.channels.base import OutboxEvent

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
    # None for a 双随机 result (kind "inspection"): a result is not a document, and one
    # recorded as 无法联系 has no 现场检查记录 at all; its inspection task links the
    # obligation instead (inspection.tasks: InspectionTask.obligation_id), so publicity
    # keeps knowing nothing of the inspection chapter.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # penalty / … / inspection
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
        "credit_necessity",
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
    # 轻微失信信息: why its credit publicity (信用中国) is 确有必要; "" = not sent there
    credit_necessity: Mapped[str] = mapped_column(String(500), default="")
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


class CreditRepair(Base):
    """A 信用修复 decision recorded against a published penalty (令第36号): it ends the
    credit publicity (信用中国) before its automatic end; the portal publication runs on
    to its 公示截止期. One per obligation (stable across corrected versions); append-only."""

    __tablename__ = "credit_repair"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("publication_obligation.id"), unique=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id"))
    decided_by: Mapped[str] = mapped_column(String(200))  # who decided (机关/平台)
    decided_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(200))  # 文号 / 受理编号
    reason: Mapped[str] = mapped_column(String(1000))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


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


# ---- corrections, withdrawals, updates (points 4-5) ----------------------------------------


class CorrectionStatus(StrEnum):
    open = "open"  # 已受理（待核实处理）
    proposed = "proposed"  # 已拟更正（待另一人批准发布）
    corrected = "corrected"  # 已更正
    rejected = "rejected"  # 不予更正


CORRECTION_STATUS_LABELS = {
    CorrectionStatus.open: "已受理",
    CorrectionStatus.proposed: "已受理（更正待发布）",
    CorrectionStatus.corrected: "已更正",
    CorrectionStatus.rejected: "不予更正",
}


class CorrectionRequest(Base):
    """A written request to correct a publication (公示办法 第九条第二项), or a correction
    the staff start themselves (`source` = staff, 第九条第一项).

    Written by the public portal with nothing but this row, the blob registry and the
    ledger: `obligation_id` is the publication's public id (stable across versions), so
    the intake needs no internal table. The request is answered within 5 working days
    (`due_on`); a correction publishes a new version (`new_publication_id`)."""

    __tablename__ = "correction_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("publication_obligation.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # public / staff
    requester_name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    what_is_wrong: Mapped[str] = mapped_column(String(5000))
    evidence_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))
    evidence_type: Mapped[str] = mapped_column(String(40), default="")  # application/pdf …
    client_key: Mapped[str] = mapped_column(String(64), default="", index=True)  # keyed hash
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    received_on: Mapped[date]  # Beijing day of receipt: the 5 working days count from it
    limit_code: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CorrectionStatus] = mapped_column(enum_type(CorrectionStatus), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decided_on: Mapped[date | None]  # Beijing day of the answer (for the overdue report)
    decision_reason: Mapped[str] = mapped_column(String(1000), default="")
    new_publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    # When a person of the legal section took it (认领) or was given it (指派); None while
    # it is held by the desk's default person (or no one): 未认领.
    claimed_at: Mapped[datetime | None]


class CorrectionDesk(Base):
    """The legal section's desk for correction requests (one row): who holds a new request
    until someone claims it. Set by the legal section, each change ledgered."""

    __tablename__ = "correction_desk"

    id: Mapped[int] = mapped_column(primary_key=True)
    default_holder_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlatformStart(Base):
    """The day the bureau began keeping its duties on the platform (one row, written by
    migration 0022): duties due before it are 历史遗留 and charged to no one."""

    __tablename__ = "platform_start"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_on: Mapped[date]


class SpentChallenge(Base):
    """An anti-spam question of the public correction form that has been answered (right
    or wrong): its token's random id, kept until the token would have expired anyway, so
    that one question admits one submission (`public_form`). Shared by every portal
    process; an abuse guard like the lookup window, not a record, so not ledgered."""

    __tablename__ = "correction_challenge_spent"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(40), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class WithdrawalCause(StrEnum):
    changed = "changed"  # 被依法变更
    revoked = "revoked"  # 被依法撤销
    unlawful = "unlawful"  # 被确认违法
    void = "void"  # 被确认无效
    redo = "redo"  # 被要求重新作出


WITHDRAWAL_CAUSE_LABELS = {
    WithdrawalCause.changed: "被依法变更",
    WithdrawalCause.revoked: "被依法撤销",
    WithdrawalCause.unlawful: "被确认违法",
    WithdrawalCause.void: "被确认无效",
    WithdrawalCause.redo: "被要求重新作出",
}


class TaskStatus(StrEnum):
    open = "open"  # 待办
    proposed = "proposed"  # 新版本待批准发布（仅更新）
    done = "done"  # 已完成


TASK_STATUS_LABELS = {
    TaskStatus.open: "待办理",
    TaskStatus.proposed: "待批准发布",
    TaskStatus.done: "已完成",
}


class Withdrawal(Base):
    """A publication to be taken down (公示办法 第九条第三项; 行政处罚法 第四十八条第二款):
    registered when the decision is changed, revoked, declared unlawful or void, or to be
    made again; due from the effective day by the rule table (`withdrawal_due`)."""

    __tablename__ = "publication_withdrawal"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("publication_obligation.id"), index=True)
    cause: Mapped[WithdrawalCause] = mapped_column(enum_type(WithdrawalCause))
    reason: Mapped[str] = mapped_column(String(1000))  # shown on the portal's notice
    decision_ref: Mapped[str] = mapped_column(String(200))  # 文号 of the deciding document
    occurred_on: Mapped[date]  # effective day of the change / revocation
    limit_code: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    basis: Mapped[str] = mapped_column(String(1000), default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))  # taken down
    done_at: Mapped[datetime | None]
    done_on: Mapped[date | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Channel(Base):
    """A place publications go: portal, credit_export, wechat, webhook. Endpoints and
    secrets come from the settings (`channel_urls`, `channel_secrets`, by `code`), never
    from this table; `config` holds only harmless options (e.g. a timeout)."""

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
    the change (publish / update / correct / withdraw / expire). It is about either one
    publication version or one public snapshot (catalogue, officers, yearly figures:
    `publicity.public_snapshots`), never both."""

    __tablename__ = "publication_outbox"
    __table_args__ = (
        CheckConstraint(
            "(publication_id IS NULL) <> (public_snapshot_id IS NULL)",
            name="one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"), index=True)
    public_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("public_snapshot.id"), index=True
    )
    event: Mapped[OutboxEvent] = mapped_column(enum_type(OutboxEvent))
    note: Mapped[str] = mapped_column(String(1000), default="")  # correction note / reason
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DeliveryStatus(StrEnum):
    pending = "pending"  # 待投递 (also while a worker holds it)
    delivered = "delivered"  # 已投递
    failed = "failed"  # 失败（超过最多次数或对方拒收），待人工重试


DELIVERY_STATUS_LABELS = {
    DeliveryStatus.pending: "待投递",
    DeliveryStatus.delivered: "已投递",
    DeliveryStatus.failed: "失败",
}


class Delivery(Base):
    """A message's delivery to one channel, with retries, back-off and a receipt.

    A worker claims a due delivery by setting `claim` (a fresh token) and moving
    `next_attempt_at` past the call's time-out (a lease): if the worker dies, the delivery
    is due again after the lease and is retried with the same idempotency key."""

    __tablename__ = "publication_delivery"
    __table_args__ = (UniqueConstraint("message_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("publication_outbox.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("publication_channel.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(enum_type(DeliveryStatus), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    claim: Mapped[str] = mapped_column(String(32), default="")  # the holding worker's token
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    receipt: Mapped[str] = mapped_column(String(1000), default="")
    delivered_at: Mapped[datetime | None]


class CreditBatchStatus(StrEnum):
    open = "open"  # 收集中
    closed = "closed"  # 已生成文件


class CreditExportBatch(Base):
    """信用中国（信用上海）报送批次: rows accumulate while open; closing writes one CSV per
    kind and one XLSX (a sheet per kind) into the blob store, write-once."""

    __tablename__ = "credit_export_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. 2026-0001
    status: Mapped[CreditBatchStatus] = mapped_column(enum_type(CreditBatchStatus), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str] = mapped_column(String(100), default="")
    files: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # file name -> digest


class CreditExportRow(Base):
    """One row of a batch: the 双公示 items of one publication version, in the standard's
    order, with the operation (新增 / 修改 / 删除)."""

    __tablename__ = "credit_export_row"
    __table_args__ = (UniqueConstraint("batch_id", "kind", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("credit_export_batch.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # penalty / license
    row_number: Mapped[int]  # 1-based, within the kind's file (header not counted)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("publication_delivery.id"), unique=True)
    operation: Mapped[str] = mapped_column(String(10))  # 新增 / 修改 / 删除
    values: Mapped[list[str]] = mapped_column(JSON)  # in rules.ITEMS[kind] order


class PublicationUpdate(Base):
    """Publishing a changed decision (公示办法 第八条第四项, 20 working days from the
    change): fulfilled by a new version built from the changed decision document."""

    __tablename__ = "publication_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("publication_obligation.id"), index=True)
    withdrawal_id: Mapped[int | None] = mapped_column(ForeignKey("publication_withdrawal.id"))
    decision_ref: Mapped[str] = mapped_column(String(200))
    occurred_on: Mapped[date]
    limit_code: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    basis: Mapped[str] = mapped_column(String(1000), default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), index=True)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    new_publication_id: Mapped[int | None] = mapped_column(ForeignKey("publication.id"))
    done_at: Mapped[datetime | None]
    done_on: Mapped[date | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---- public snapshots: catalogue, officers, yearly figures (第三条、第五条至第八条) ----------


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
    "inspection_batch": "双随机抽查结果汇总",  # one batch's published results (公众号文章)
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

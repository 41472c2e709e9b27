"""Disposal's tables: a batch (销毁批次) and its items, the appraisal group's opinions,
the 监销人's confirmations, and what execution did to each blob. Rows are added; a
batch's and an item's state move forward only, each move ledgered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.archive.disposal.rules import (
    BatchStatus,
    BlobOutcome,
    ItemState,
    Opinion,
    TargetKind,
)
from zhifa.core.db import Base, enum_type, utcnow


class DisposalBatch(Base):
    """One 销毁批次: items due for disposal taken through the procedure together."""

    __tablename__ = "disposal_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # 批次号, e.g. XH2037-001
    status: Mapped[BatchStatus] = mapped_column(enum_type(BatchStatus), index=True)
    as_of: Mapped[date]  # the day the due list was read
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    appraised_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    executed_at: Mapped[datetime | None]
    executed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    register_digest: Mapped[str | None] = mapped_column(ForeignKey("stored_blob.digest"))

    items: Mapped[list[DisposalItem]] = relationship(order_by="DisposalItem.id", lazy="selectin")


class DisposalItem(Base):
    """One archive file or medium in a batch, with what became of it."""

    __tablename__ = "disposal_item"
    __table_args__ = (UniqueConstraint("batch_id", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("disposal_batch.id"), index=True)
    target_kind: Mapped[TargetKind] = mapped_column(enum_type(TargetKind))
    target_id: Mapped[int] = mapped_column(index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    code: Mapped[str] = mapped_column(String(120))  # 档号, or the medium's reference
    title: Mapped[str] = mapped_column(String(300))
    keep_until: Mapped[date]  # the last day it had to be kept
    state: Mapped[ItemState] = mapped_column(enum_type(ItemState))
    new_keep_until: Mapped[date | None]  # a new period from the appraisal (重新划定)
    note: Mapped[str] = mapped_column(String(500), default="")


class DisposalOpinion(Base):
    """One appraisal group member's opinion on one item (鉴定意见)."""

    __tablename__ = "disposal_opinion"
    __table_args__ = (UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("disposal_batch.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disposal_item.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    opinion: Mapped[Opinion] = mapped_column(enum_type(Opinion))
    extend_years: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DisposalWitness(Base):
    """A 监销人's confirmation that they supervise this batch's destruction."""

    __tablename__ = "disposal_witness"
    __table_args__ = (UniqueConstraint("batch_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("disposal_batch.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    statement: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class DisposalOutcome(Base):
    """What execution did to one blob of an item: written (``pending``) before the blob
    store is asked, and then set to what actually happened."""

    __tablename__ = "disposal_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("disposal_item.id"), index=True)
    digest: Mapped[str] = mapped_column(ForeignKey("stored_blob.digest"), index=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    item_no: Mapped[int | None]  # 件号 within the archive file
    title: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[BlobOutcome] = mapped_column(enum_type(BlobOutcome))
    detail: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

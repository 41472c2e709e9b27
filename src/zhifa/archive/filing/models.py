"""The archive's tables: the 档号 scheme (append-only; the newest applies), archive
files (one per closed case) and their items. An archive file and its items are written
once, when the case is filed; what happens to them later (checks, use, holds,
disposal) goes into tables of their own that point at them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.archive.retention.rules import PeriodKind, RecordClass
from zhifa.core.db import Base, enum_type, utcnow


class ArchiveCodeScheme(Base):
    """How 档号 are made (DA/T 22-2015: 全宗号—门类代码·年度—保管期限—机构代码—件号)."""

    __tablename__ = "archive_code_scheme"

    id: Mapped[int] = mapped_column(primary_key=True)
    fonds: Mapped[str] = mapped_column(String(20))  # 全宗号
    fonds_name: Mapped[str] = mapped_column(String(100))  # 全宗名称 (立档单位)
    category: Mapped[str] = mapped_column(String(10))  # 门类代码
    org_code: Mapped[str] = mapped_column(String(20))  # 机构（问题）代码
    pattern: Mapped[str] = mapped_column(String(120))
    seq_width: Mapped[int] = mapped_column(default=4)
    reason: Mapped[str] = mapped_column(String(300))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ArchiveFile(Base):
    """One closed case filed as an archive file (案卷)."""

    __tablename__ = "archive_file"
    __table_args__ = (UniqueConstraint("year", "period_code", "org_code", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), unique=True)
    archival_code: Mapped[str] = mapped_column(String(120), unique=True)  # 档号
    fonds: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(10))
    year: Mapped[int]  # 年度: the year the case was closed
    period_code: Mapped[str] = mapped_column(String(10))  # Y / D30 / D10
    org_code: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int]
    scheme_id: Mapped[int] = mapped_column(ForeignKey("archive_code_scheme.id"))
    title: Mapped[str] = mapped_column(String(300))  # 案卷题名
    record_class: Mapped[RecordClass] = mapped_column(enum_type(RecordClass, 40))
    schedule_id: Mapped[int] = mapped_column(ForeignKey("retention_schedule.id"))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind))
    period_n: Mapped[int] = mapped_column(default=0)
    retention_starts_on: Mapped[date]
    keep_until: Mapped[date | None]  # None: 永久
    retention_basis: Mapped[str] = mapped_column(String(1000))
    closed_on: Mapped[date]
    filing_due: Mapped[date]  # 归档时间 (core.time_limits "archive.filing")
    item_count: Mapped[int]
    total_bytes: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    classified_count: Mapped[int] = mapped_column(default=0)
    filed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    items: Mapped[list[ArchiveItem]] = relationship(order_by="ArchiveItem.item_no", lazy="selectin")


class ItemKind(StrEnum):
    document = "document"  # 文书
    receipt = "receipt"  # 送达回证等送达凭证
    media = "media"  # 照片、音频、视音频
    process = "process"  # 执法全过程记录表 (steps, activities, service records)


ITEM_KIND_LABELS = {
    ItemKind.document: "文书",
    ItemKind.receipt: "送达凭证",
    ItemKind.media: "音像记录",
    ItemKind.process: "执法过程记录表",
}


class ArchiveItem(Base):
    """One item (件) of an archive file, in 卷内目录 order."""

    __tablename__ = "archive_item"
    __table_args__ = (UniqueConstraint("file_id", "item_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("archive_file.id"), index=True)
    item_no: Mapped[int]  # 件号, 1..n unbroken
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind))
    source: Mapped[str] = mapped_column(String(60))  # the recorded row, e.g. "document:12"
    title: Mapped[str] = mapped_column(String(300))  # 题名
    doc_number: Mapped[str] = mapped_column(String(100), default="")  # 文号
    responsible: Mapped[str] = mapped_column(String(100))  # 责任者
    made_on: Mapped[date]  # 日期 (形成日期)
    pages: Mapped[int | None]  # 页数 (PDFs)
    digest: Mapped[str] = mapped_column(ForeignKey("stored_blob.digest"), index=True)
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    # Both digests of the content, hashed from the stored bytes when it was filed (the
    # blob's own one checked against its digest): transfer packages need SHA-256 and SM3.
    sha256: Mapped[str] = mapped_column(String(64))
    sm3: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    classified: Mapped[bool] = mapped_column(default=False)  # 国家秘密: handled apart
    item_metadata: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

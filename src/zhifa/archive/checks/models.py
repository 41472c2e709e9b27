"""A 四性检测 run (append-only): which archive file, at which 检测环节, its verdict and
counts, and the report PDF (a blob, so the report is itself a kept, ledgered record)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, utcnow


class ArchiveCheck(Base):
    __tablename__ = "archive_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("archive_file.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))  # checks.rules.Stage: 归档 / 移交 / 定期
    verdict: Mapped[str] = mapped_column(String(10))  # 通过 / 不通过
    checks: Mapped[int]
    passed: Mapped[int]
    failed: Mapped[int]
    warned: Mapped[int]
    failed_items: Mapped[list[int]] = mapped_column(JSON, default=list)  # 件号 that failed
    checkpoint_size: Mapped[int]
    report_digest: Mapped[str] = mapped_column(ForeignKey("stored_blob.digest"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

"""A transfer (移交) of an archive file: the package written, the 移交清单 (a PDF blob
and the bureau's signed note over the package's digests), the 四性检测 run before it,
and the receiving side's confirmation (set once, ledgered)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, utcnow


class ArchiveTransfer(Base):
    __tablename__ = "archive_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("archive_file.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("archive_check.id"))
    location: Mapped[str] = mapped_column(String(500))  # where the bag was written
    items: Mapped[int]
    payload_bytes: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    tagmanifest_sha256: Mapped[str] = mapped_column(String(64))  # the bag's own digest
    list_digest: Mapped[str] = mapped_column(ForeignKey("stored_blob.digest"))  # 移交清单 PDF
    signed_note: Mapped[str] = mapped_column(Text)  # the bureau's signature over both digests
    exported_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    exported_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime | None]
    received_by: Mapped[str] = mapped_column(String(100), default="")  # 接收人 (the archive's)
    received_note: Mapped[str] = mapped_column(String(500), default="")

"""A hold's table: placed on an archive file, a medium or a whole case, with its reason
and reference, and released once (the release fields are set once and never again).
The automatic hold of an open case (案件未结) is computed, not stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.archive.holds.rules import HoldKind, HoldTarget
from zhifa.core.db import Base, enum_type, utcnow


class ArchiveHold(Base):
    """One hold (保全) on a record."""

    __tablename__ = "archive_hold"
    __table_args__ = (Index("ix_archive_hold_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[HoldKind] = mapped_column(enum_type(HoldKind))
    target_kind: Mapped[HoldTarget] = mapped_column(enum_type(HoldTarget))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str] = mapped_column(String(100))  # 文号 / 案号
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    placed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    locked_until: Mapped[datetime | None]  # the lock its content got when it was placed
    released_at: Mapped[datetime | None]
    released_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    release_reason: Mapped[str] = mapped_column(String(500), default="")

    @property
    def active(self) -> bool:
        return self.released_at is None

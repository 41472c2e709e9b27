"""The retention schedule's tables: a version (proposed, then approved by a leader) and
its rows. A version is never edited after approval; a change is a new version, and the
newest approved version is the one in force."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.archive.retention.rules import PeriodKind, RecordClass, StartEvent
from zhifa.core.db import Base, enum_type, utcnow


class ScheduleStatus(StrEnum):
    proposed = "proposed"  # 待审批
    approved = "approved"  # 已批准
    rejected = "rejected"  # 已退回


SCHEDULE_STATUS_LABELS = {
    ScheduleStatus.proposed: "待审批",
    ScheduleStatus.approved: "已批准",
    ScheduleStatus.rejected: "已退回",
}


class RetentionSchedule(Base):
    """One version of 归档范围和保管期限表."""

    __tablename__ = "retention_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    status: Mapped[ScheduleStatus] = mapped_column(enum_type(ScheduleStatus), index=True)
    reason: Mapped[str] = mapped_column(String(500))  # why this version
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_note: Mapped[str] = mapped_column(String(500), default="")

    rows: Mapped[list[RetentionRule]] = relationship(order_by="RetentionRule.id", lazy="selectin")


class RetentionRule(Base):
    """One row of a version: a record class, its period, the event that starts it and
    its basis (append-only, written with its version)."""

    __tablename__ = "retention_rule"
    __table_args__ = (UniqueConstraint("schedule_id", "record_class"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("retention_schedule.id"), index=True)
    record_class: Mapped[RecordClass] = mapped_column(enum_type(RecordClass, 40))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind))
    period_n: Mapped[int] = mapped_column(default=0)
    starts: Mapped[StartEvent] = mapped_column(enum_type(StartEvent))
    basis: Mapped[str] = mapped_column(String(300))

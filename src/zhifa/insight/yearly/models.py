"""Tables of the yearly figures: what each section entered for a year and its review,
and each report of the published figures to the municipal bureau (报送市应急管理局)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow


class PartStatus(StrEnum):
    submitted = "submitted"  # 已报送，待审核
    approved = "approved"  # 已审核通过
    returned = "returned"  # 已退回，待重新填报


PART_STATUS_LABELS = {
    PartStatus.submitted: "待审核",
    PartStatus.approved: "已审核",
    PartStatus.returned: "已退回",
}


class YearlyPart(Base):
    """One section's entered figures for a year (values: figure code -> number as text).
    Changes only through the service, each ledgered."""

    __tablename__ = "yearly_part"
    __table_args__ = (UniqueConstraint("year", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    part: Mapped[str] = mapped_column(String(20))  # insight.yearly.Source (safety/brigade)
    values: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[PartStatus] = mapped_column(enum_type(PartStatus))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(String(500), default="")


class YearlyReport(Base):
    """The published figures of a year were reported to the municipal bureau (append-only)."""

    __tablename__ = "yearly_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    reported_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

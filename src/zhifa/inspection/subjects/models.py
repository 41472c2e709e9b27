"""Tables of the 检查对象名录库: one entry per party (an enterprise, known by its
统一社会信用代码), whose content is versions. A change adds the next version (the previous
one is the entry's version one lower, kept as it was); the entry's ``current_version``
names the current one. Every row changes only through core.audit.record_change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.inspection.subjects.rules import LicenceState, OperatingStatus, RiskGrade


class InspectionSubject(Base):
    __tablename__ = "inspection_subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), unique=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class InspectionSubjectVersion(Base):
    __tablename__ = "inspection_subject_version"
    __table_args__ = (UniqueConstraint("subject_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("inspection_subject.id"), index=True)
    version: Mapped[int]
    industry_code: Mapped[str] = mapped_column(String(5))  # GB/T 4754-2017, e.g. C3360
    risk_grade: Mapped[RiskGrade] = mapped_column(enum_type(RiskGrade))
    street: Mapped[str] = mapped_column(String(20))  # 属地: 街道/镇 of 普陀区
    special_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence_state: Mapped[LicenceState] = mapped_column(enum_type(LicenceState))
    status: Mapped[OperatingStatus] = mapped_column(enum_type(OperatingStatus))
    in_scope: Mapped[bool] = mapped_column(default=True)  # 纳入随机抽查
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

"""The 年度监督检查计划: one row per plan, its batches (批次) held as the validated
`rules.BatchIn` JSON. A draft is edited as a whole (each edit ledgered); once a leader
approves it the plan is frozen: no write touches it again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.inspection.plans.rules import PlanStatus


class InspectionPlan(Base):
    __tablename__ = "inspection_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    batches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus), default=PlanStatus.draft)
    revision: Mapped[int] = mapped_column(default=1)  # counts the edits of the draft
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

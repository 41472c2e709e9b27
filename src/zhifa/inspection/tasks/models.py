"""The inspection task: one per drawn target of a plan's batch — the 检查对象, the team
(the bureau's inspectors by 执法证号, partners' external members by name, number and
department: they are not users), the inspection action opened for it, and its result.

A result is recorded once and may be corrected (each change ledgered) until it is
published; the result's publication obligation (`publicity`, kind ``inspection``) is
linked from here, so that publicity knows nothing of this chapter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhifa.core.db import Base, enum_type, utcnow
from zhifa.inspection.tasks.rules import InspectionResult


class InspectionTask(Base):
    __tablename__ = "inspection_task"
    __table_args__ = (UniqueConstraint("plan_id", "batch_index", "target_uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plan.id"), index=True)
    batch_index: Mapped[int]  # 1-based position of the batch in the plan
    target_uscc: Mapped[str] = mapped_column(String(18))
    subject_id: Mapped[int] = mapped_column(ForeignKey("inspection_subject.id"))
    stratum: Mapped[str] = mapped_column(String(50))
    inspectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # 执法证号, lead first
    # 联合抽查: [{"name", "number", "department"}] of the partners' inspectors
    external_members: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), unique=True)
    result: Mapped[InspectionResult | None] = mapped_column(enum_type(InspectionResult))
    checked_on: Mapped[date | None]
    penalty_action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"))
    result_revision: Mapped[int] = mapped_column(default=0)  # 0: none yet; >1: corrected
    obligation_id: Mapped[int | None] = mapped_column(
        ForeignKey("publication_obligation.id"), unique=True
    )
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime | None]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

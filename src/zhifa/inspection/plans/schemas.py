"""What the 年度监督检查计划's API answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.plans.rules import BatchIn, StratumSize


class PlanOut(BaseModel):
    id: int
    year: int
    title: str
    unit_id: int
    status: str
    revision: int
    batches: list[BatchIn]
    approved_at: datetime | None
    approved_by: int | None

    @classmethod
    def of(cls, plan: InspectionPlan) -> PlanOut:
        return cls(
            id=plan.id, year=plan.year, title=plan.title, unit_id=plan.unit_id,
            status=plan.status, revision=plan.revision,
            batches=[BatchIn.model_validate(b) for b in plan.batches],
            approved_at=plan.approved_at, approved_by=plan.approved_by,
        )  # fmt: skip


class StratumSizeOut(BaseModel):
    name: str
    population: int
    size: int | None
    problem: str | None

    @classmethod
    def of(cls, size: StratumSize) -> StratumSizeOut:
        return cls(name=size.name, population=size.population, size=size.size, problem=size.problem)

"""What the inspection tasks' API takes and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from zhifa.core.validation import BodyRecordId
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.inspection.tasks.rules import InspectionResult


class ResultIn(BaseModel):
    """A result in the fixed vocabulary, the day of the check and, for 已立案查处, the
    penalty case if one is open."""

    result: InspectionResult
    checked_on: date
    penalty_action_id: BodyRecordId | None = None


class ExternalMemberOut(BaseModel):
    name: str
    number: str
    department: str


class TaskOut(BaseModel):
    id: int
    plan_id: int
    batch_index: int
    target_uscc: str
    stratum: str
    inspectors: list[str]
    external_members: list[ExternalMemberOut]
    action_id: int
    result: InspectionResult | None
    checked_on: date | None
    penalty_action_id: int | None
    result_revision: int
    obligation_id: int | None
    publication_state: str
    recorded_at: datetime | None

    @classmethod
    def of(cls, task: InspectionTask, state: str) -> TaskOut:
        members: list[dict[str, Any]] = task.external_members or []
        return cls(
            id=task.id, plan_id=task.plan_id, batch_index=task.batch_index,
            target_uscc=task.target_uscc, stratum=task.stratum, inspectors=task.inspectors,
            external_members=[ExternalMemberOut.model_validate(m) for m in members],
            action_id=task.action_id, result=task.result, checked_on=task.checked_on,
            penalty_action_id=task.penalty_action_id, result_revision=task.result_revision,
            obligation_id=task.obligation_id, publication_state=state,
            recorded_at=task.recorded_at,
        )  # fmt: skip

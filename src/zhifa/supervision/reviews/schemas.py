"""What the review pages and API accept."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator, model_validator

from zhifa.core.calendar import SHANGHAI
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement.steps import ActionKind
from zhifa.supervision.reviews.models import LinkKind


class RoundIn(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    period_from: date
    period_to: date
    kinds: list[ActionKind] = Field(default_factory=list)
    unit_ids: list[BodyRecordId] = Field(default_factory=list)
    per_stratum: int = Field(default=1, ge=1, le=50)
    team_size: int = Field(default=2, ge=2, le=3)
    cap: int = Field(default=5, ge=1, le=50)
    reviewer_ids: list[BodyRecordId] = Field(min_length=2)
    ends_on: date
    round_at: datetime | None = None  # when the drand round is due; default: 25 h on

    @field_validator("round_at")
    @classmethod
    def _beijing(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=SHANGHAI)  # a form's local time
        return value

    @model_validator(mode="after")
    def _period(self) -> RoundIn:
        if self.period_to < self.period_from:
            raise ValueError("办结期间的结束日不得早于开始日")
        return self


class DrawIn(BaseModel):
    signature: str = Field(min_length=1, max_length=200)


class FindingIn(BaseModel):
    item_code: str = Field(min_length=1, max_length=40)
    points: int = Field(default=0, ge=0, le=100)
    detail: str = Field(min_length=2, max_length=500)
    link_kind: LinkKind
    link_id: int = Field(ge=0)


class DismissIn(BaseModel):
    reason: str = Field(min_length=2, max_length=500)


class ReassignIn(BaseModel):
    old_reviewer_id: BodyRecordId
    new_reviewer_id: BodyRecordId
    reason: str = Field(min_length=2, max_length=200)


class RectificationIn(BaseModel):
    requirement: str = Field(min_length=2, max_length=1000)


class CloseIn(BaseModel):
    note: str = Field(min_length=2, max_length=1000)


class ApproveIn(BaseModel):
    note: str = Field(default="", max_length=500)

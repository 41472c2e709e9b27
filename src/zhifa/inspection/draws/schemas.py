"""What the draw's API and forms take and answer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from zhifa.inspection.draws.models import InspectionDraw


class SubstitutionReason(StrEnum):
    """The fixed reasons a drawn target may be replaced (nothing typed is published)."""

    closed = "已注销或停业"
    unreachable = "经营场所无法联系"
    moved = "已迁出本区"
    under_case = "正在立案查处（避免重复检查）"


class LotteryIn(BaseModel):
    """A named public lottery draw on a named future date; one flag per set of numbers
    (true: the order of that set's numbers matters)."""

    name: str = Field(min_length=1, max_length=50)
    draw_date: date
    ordered: list[bool] = Field(min_length=1, max_length=10)


class AnnounceIn(BaseModel):
    """Which future randomness: the drand quicknet round at or after ``round_at``
    (default: the first round at or after the next whole hour 25 h from now), and
    optionally a lottery's numbers as well."""

    round_at: datetime | None = None
    lottery: LotteryIn | None = None


class BeaconIn(BaseModel):
    """The values of the announced sources: the drand round's signature (hex) and, when a
    lottery was announced, its numbers set by set."""

    signature: str = Field(default="", max_length=200)
    lottery_sets: list[list[int]] = Field(default=[], max_length=10)


class SubstituteIn(BaseModel):
    target: str = Field(min_length=1, max_length=40)  # 统一社会信用代码 of a drawn target
    reason: SubstitutionReason
    note: str = Field(default="", max_length=500)  # internal, never published


class DrawOut(BaseModel):
    id: int
    plan_id: int
    batch_index: int
    status: str
    announcement_sha256: str
    announced_at: datetime
    ledger_index: int | None
    checkpoint_id: int | None
    checkpoint_at: datetime | None
    randomness: str | None
    outputs: dict[str, Any] | None
    substitutions: list[dict[str, Any]]

    @classmethod
    def of(cls, draw: InspectionDraw) -> DrawOut:
        return cls(
            id=draw.id,
            plan_id=draw.plan_id,
            batch_index=draw.batch_index,
            status=draw.status,
            announcement_sha256=draw.announcement_sha256,
            announced_at=draw.announced_at,
            ledger_index=draw.ledger_index,
            checkpoint_id=draw.checkpoint_id,
            checkpoint_at=draw.checkpoint_at,
            randomness=draw.randomness,
            outputs=draw.outputs,
            substitutions=draw.substitutions,
        )

"""What the 保管期限表's API answers: a version with its rows, codes and their words."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from zhifa.archive.retention.models import SCHEDULE_STATUS_LABELS, RetentionRule, RetentionSchedule
from zhifa.archive.retention.rules import CLASS_LABELS, START_LABELS, Period


class RuleOut(BaseModel):
    record_class: str
    class_label: str
    period_kind: str
    period_n: int
    period_label: str
    starts: str
    starts_label: str
    basis: str

    @classmethod
    def of(cls, rule: RetentionRule) -> RuleOut:
        return cls(
            record_class=rule.record_class, class_label=CLASS_LABELS[rule.record_class],
            period_kind=rule.period_kind, period_n=rule.period_n,
            period_label=Period(rule.period_kind, rule.period_n).label,
            starts=rule.starts, starts_label=START_LABELS[rule.starts], basis=rule.basis,
        )  # fmt: skip


class ScheduleOut(BaseModel):
    id: int
    version: int
    status: str
    status_label: str
    reason: str
    proposed_at: datetime
    proposed_by: int | None
    decided_at: datetime | None
    decided_by: int | None
    decision_note: str
    rows: list[RuleOut]

    @classmethod
    def of(cls, schedule: RetentionSchedule) -> ScheduleOut:
        return cls(
            id=schedule.id, version=schedule.version, status=schedule.status,
            status_label=SCHEDULE_STATUS_LABELS[schedule.status], reason=schedule.reason,
            proposed_at=schedule.proposed_at, proposed_by=schedule.proposed_by,
            decided_at=schedule.decided_at, decided_by=schedule.decided_by,
            decision_note=schedule.decision_note, rows=[RuleOut.of(r) for r in schedule.rows],
        )  # fmt: skip

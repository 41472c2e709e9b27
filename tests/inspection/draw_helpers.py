"""Helpers of the draw tests: the demo's approved plan, a real quicknet round announced
at a historical time, and counts that show a refusal changed nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.inspection.test_beacon import ROUND_123, ROUND_657413
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.inspection.beacon import round_time
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.models import InspectionDraw, PublicInspection
from zhifa.inspection.draws.schemas import AnnounceIn, BeaconIn
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.ledger.models import ledger_checkpoint, ledger_entry

ROUND, SIGNATURE = ROUND_657413
WRONG_SIGNATURE = ROUND_123[1]  # a real quicknet signature, of another round
DUE = round_time(ROUND)  # 2023-09-15 11:00:03 UTC
ANNOUNCED = DUE - timedelta(days=2)  # more than 24 h before the round
ROUND_AT = datetime(2023, 9, 15, 11, 0, 1, tzinfo=UTC)  # the first round at or after: 657413


def demo_plan(db: Session) -> InspectionPlan:
    plan = db.scalar(select(InspectionPlan).where(InspectionPlan.year == 2026))
    assert plan is not None and plan.status == "approved"
    return plan


def announce(
    db: Session, settings: Settings, plan: InspectionPlan, index: int = 1, **changes: Any
) -> InspectionDraw:
    data = AnnounceIn(round_at=changes.pop("round_at", ROUND_AT), **changes)
    signer = load_ledger_signer(settings)
    return draws.announce(db, plan, index, data, None, signer, settings.log_origin, ANNOUNCED)


def beacon(
    db: Session, draw: InspectionDraw, signature: str = SIGNATURE, now: datetime = DUE
) -> InspectionDraw:
    return draws.enter_beacon(db, draw, BeaconIn(signature=signature), None, now)


def state(db: Session) -> tuple[int, int, int, int]:
    """(draw rows, public rows, ledger entries, checkpoints)."""
    db.rollback()
    return tuple(  # type: ignore[return-value]
        int(db.scalar(select(func.count()).select_from(t)) or 0)
        for t in (InspectionDraw, PublicInspection, ledger_entry, ledger_checkpoint)
    )

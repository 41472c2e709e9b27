"""The demo's 双随机 draws: the 2026 plan's first batch drawn with a real published drand
quicknet round (29038076, 2026-05-28 05:33:12 Beijing time; its signature as published in
nutzwtf/nutz-contracts test/fixtures/bls/quicknet-rounds.json and checked offline here),
one drawn target replaced for a listed reason; the second batch announced at seeding
time, waiting for its round. Seeded through the chapter's own use cases; idempotent.

The first batch's announcement and checkpoint are stamped at a historical time (the
service's ``now``), two days before that round: the only way a demo seeded after the
round can show a draw made with it. Every other row is written at seeding time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.calendar import SHANGHAI
from zhifa.core.settings import Settings
from zhifa.demo.inspection import DEMO_PLAN_YEAR
from zhifa.inspection.beacon import round_time
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.schemas import AnnounceIn, BeaconIn, SubstituteIn, SubstitutionReason
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.ledger import Signer

DEMO_ROUND = 29038076
DEMO_SIGNATURE = (
    "a6c7014d601310516f81a06ff5fdf612a1e34691fc1abf1ee23c65cb54d7c21a"
    "47c687331194321baab583ea825c4190"
)
ANNOUNCED_AT = datetime(2026, 5, 26, 9, 0, tzinfo=SHANGHAI)
DRAWN_AT = datetime(2026, 5, 28, 9, 30, tzinfo=SHANGHAI)
SUBSTITUTED_AT = datetime(2026, 5, 29, 10, 0, tzinfo=SHANGHAI)


def _plan(db: Session) -> InspectionPlan | None:
    return db.scalar(select(InspectionPlan).where(InspectionPlan.year == DEMO_PLAN_YEAR))


def _draw_first_batch(db: Session, plan: InspectionPlan, signer: Signer, origin: str) -> None:
    data = AnnounceIn(round_at=round_time(DEMO_ROUND))
    draw = draws.announce(db, plan, 1, data, None, signer, origin, now=ANNOUNCED_AT)
    draws.enter_beacon(db, draw, BeaconIn(signature=DEMO_SIGNATURE), None, now=DRAWN_AT)
    # The last drawn target of the 一般 stratum had closed for refit by the time of the visit.
    last = draws.current_teams(draw)[-1]
    reason = SubstituteIn(target=last.target, reason=SubstitutionReason.closed,
                          note="街道安监所告知：该单位已停业整修")  # fmt: skip
    draws.substitute(db, draw, reason, None, now=SUBSTITUTED_AT)


def seed_demo_draws(db: Session, settings: Settings, signer: Signer) -> int:
    """Draw the demo plan's first batch and announce its second; returns draws made."""
    plan = _plan(db)
    if plan is None:
        return 0
    made = 0
    if draws.get_draw(db, plan, 1) is None:
        _draw_first_batch(db, plan, signer, settings.log_origin)
        made += 1
    if draws.get_draw(db, plan, 2) is None:
        draws.announce(db, plan, 2, AnnounceIn(), None, signer, settings.log_origin)
        made += 1
    db.commit()
    return made

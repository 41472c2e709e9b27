"""The demo's 双随机 draws: the 2026 plan's first batch drawn with a real published drand
quicknet round (29038076, 2026-05-28 05:33:12 Beijing time; its signature as published in
nutzwtf/nutz-contracts test/fixtures/bls/quicknet-rounds.json and checked offline here),
one drawn target replaced for a listed reason; the second batch announced at seeding
time, waiting for its round. The first batch's inspections are opened from its teams and
visited on the seeding day: two results published through the pipeline, one drafted and
waiting for review on the deadline board, and the batch's WeChat article published.
Seeded through the chapters' own use cases; idempotent.

The first batch's announcement and checkpoint are stamped at a historical time (the
service's ``now``), two days before that round: the only way a demo seeded after the
round can show a draw made with it. Every other row is written at seeding time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.auth import Principal
from zhifa.core.calendar import SHANGHAI
from zhifa.core.clock import today
from zhifa.core.models import User
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.demo.actions import issue_document, on_site_duties
from zhifa.demo.inspection import DEMO_PLAN_YEAR
from zhifa.demo.publicity import legal_staff
from zhifa.enforcement.models import Action
from zhifa.inspection.beacon import round_time
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.schemas import AnnounceIn, BeaconIn, SubstituteIn, SubstitutionReason
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.inspection.tasks import article
from zhifa.inspection.tasks import service as tasks
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.inspection.tasks.rules import InspectionResult
from zhifa.inspection.tasks.schemas import ResultIn
from zhifa.ledger import Signer
from zhifa.publicity import service as publicity

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


# What the teams found at the first batch's targets, in the order of the draw's teams.
_VISITS = (
    (InspectionResult.corrected, "检查了危险化学品储存间和出入库台账。",
     "部分危险化学品未按规定分区存放，已当场责令改正"),
    (InspectionResult.no_problem, "检查了安全生产责任制、隐患排查记录和特种作业人员持证情况。", ""),
    (InspectionResult.no_problem, "检查了生产车间、安全出口和消防器材。", ""),
)  # fmt: skip
_PUBLISHED = 2  # the first two results are published; the third waits for review


def _officer(db: Session, user_id: int) -> Principal:
    user = db.get(User, user_id)
    assert user is not None
    return Principal(user.id, user.username, user.full_name, frozenset({Role.officer}))


def _visit(
    db: Session, settings: Settings, store: BlobStore, task: InspectionTask, index: int
) -> None:
    """The team visits on the seeding day: on-site duties, the 现场检查记录, the result."""
    action = db.get(Action, task.action_id)
    assert action is not None
    team = [o.officer_id for o in action.officers]
    lead = _officer(db, next((o.officer_id for o in action.officers if o.lead), team[0]))
    result, checked, problems = _VISITS[index % len(_VISITS)]
    on_site_duties(db, settings, store, action, lead, team)
    fields = {"checked": checked, **({"problems": problems} if problems else {})}
    issue_document(db, settings, store, action, "site_inspection_record", fields, lead)
    tasks.record_result(db, settings, task, ResultIn(result=result, checked_on=today()), lead)


def _inspect_first_batch(db: Session, settings: Settings, store: BlobStore) -> int:
    plan = _plan(db)
    assert plan is not None
    if tasks.tasks_of(db, plan.id, 1):
        return 0
    asker, approver = legal_staff(db)
    opened = tasks.open_inspections(db, plan, 1, draws.drawn_teams(db, plan, 1), asker)
    db.commit()
    for index, task in enumerate(opened):
        _visit(db, settings, store, task, index)
        draft = tasks.prepare_draft(db, settings, task, asker)
        if index < _PUBLISHED:
            publicity.review(db, draft.id, asker, "已核对检查结果与现场检查记录一致")
            publicity.publish(db, draft.id, approver)
        db.commit()
    article.publish_article(db, settings, plan, 1, approver)  # the batch's 公众号文章
    db.commit()
    return len(opened)


def seed_demo_draws(db: Session, settings: Settings, signer: Signer, store: BlobStore) -> int:
    """Draw the demo plan's first batch, announce its second and inspect the first's
    targets; returns how many draws were made."""
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
    _inspect_first_batch(db, settings, store)
    return made

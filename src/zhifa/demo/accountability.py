"""The demo's accountability report: a seizure whose body camera failed (the officer asks
for an exception to the mandatory recording, a leader approves it), so the report lists
one 经批准未记录 instance, and the leader records 不予追责 with the reason.
Idempotent: skipped once the case exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.demo.figures import demo_principal
from zhifa.enforcement import actions
from zhifa.enforcement.models import Action, PowerItem
from zhifa.recording.av import requirement
from zhifa.recording.documents import service as documents
from zhifa.supervision.accountability import service
from zhifa.supervision.accountability.rules import Outcome, exception_key

CASE = "查封超期未检验的液化气钢瓶（执法记录仪故障）"
REASON = "执法记录仪进水损坏，备用设备未到，现场以照片和笔录记录"
DECISION = "设备故障属实，例外经领导批准，已以照片和笔录记录现场，不予追责"


def seed_demo_accountability(db: Session) -> int:
    """Make the case, its approved exception and the leader's decision; 1 if made now."""
    if db.scalar(select(Action.id).where(Action.title == CASE)) is not None:
        return 0
    valid = [o.user for o in list_officers(db) if o.has_valid_certificate(today())]
    item = db.scalar(select(PowerItem).where(PowerItem.kind == "compulsion").order_by(PowerItem.id))
    if len(valid) < 2 or item is None:
        return 0
    who, team = demo_principal(db, valid[0].username), [valid[0].id, valid[1].id]
    action = actions.open_action(
        db,
        actions.ActionIn(
            procedure="compulsion.seizure",
            party_id=1,
            power_item_id=item.id,
            title=CASE,
            officer_ids=team,
        ),
        who,
    )
    db.flush()
    activity = actions.record_activity(
        db,
        action.id,
        actions.ActivityIn(
            started_at=actions.beijing(documents.local_now()),
            place=action.party.versions[-1].address,
            officer_ids=team,
        ),
        who,
    )
    asked = requirement.request_exception(
        db, action.id, requirement.ExceptionIn(activity_id=activity.id, reason=REASON), who
    )
    leader = demo_principal(db, "leader")
    requirement.decide_exception(
        db, asked.id, requirement.DecisionIn(approved=True, note="同意，事后补充书面说明"), leader
    )
    decision = service.DecisionIn(
        instance_key=exception_key(asked.id), outcome=Outcome.not_pursued, reason=DECISION
    )
    service.decide(db, decision, leader)
    db.commit()
    return 1

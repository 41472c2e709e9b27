"""The demo's weak points (记录办法 第十二条): things that go wrong in daily work, done the way
users do them through the services, so that the dashboard has something real to show.

One more routine inspection of a fireworks warehouse: its first on-site check, where the
party disputed the findings, was made without the body camera (a mandatory recording
missing), the second was filmed in two
clips with a gap nobody explained; the site inspection record was issued and then
corrected; the legal section flagged the second clip (a bystander's face) and an officer
of the case tried to export it (refused, and logged). A legal-section user, who may see
every case, then reads cases they take no part in — the dashboard lists such readers for
asking. Finally the dashboard's facts are refreshed from the ledger, so the first page
load shows them.

Not made here, because the services take no clock and the demo happens in one day: reads
at night (they show only when the demo is seeded at night, Beijing time), steps past
their limits, decisions served late and publications late (their limits end days after
seeding). Idempotent: nothing is done when the inspection exists."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhifa.blobs import BlobStore
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.errors import Forbidden
from zhifa.core.settings import Settings
from zhifa.demo.actions import able_officers, ingest_clip, issue_document
from zhifa.demo.publicity import legal_staff
from zhifa.enforcement import actions
from zhifa.enforcement.models import Action, ActionOfficer, Activity, PowerItem
from zhifa.enforcement.steps import ActionKind
from zhifa.insight.weak_points import facts
from zhifa.insight.weak_points.rules import MANY_CASES
from zhifa.recording.access import service as access
from zhifa.recording.access.rules import Restriction
from zhifa.recording.av import requirement as recording
from zhifa.recording.av.rules import Fact
from zhifa.recording.documents import service as documents
from zhifa.recording.documents.service import CorrectionIn
from zhifa.recording.media.models import Media

TITLE = "烟花爆竹仓库日常检查（薄弱环节演示）"
PARTY = 3  # a demo party with no other inspection
CLIP_GAP = timedelta(minutes=3)  # not a legal limit: the demo's clips, minutes apart
FIRST_CHECK = timedelta(hours=3)  # not a legal limit: the unfilmed check, hours before


def _inspection(db: Session, who: Principal, team: list[int]) -> Action:
    kind = PowerItem.kind == ActionKind.inspection
    item = db.scalar(select(PowerItem).where(kind).order_by(PowerItem.id))
    assert item is not None, "seed the power items first"
    data = actions.ActionIn(
        procedure="inspection.on_site",
        party_id=PARTY,
        power_item_id=item.id,
        title=TITLE,
        officer_ids=team,
    )
    return actions.open_action(db, data, who)


def _check(
    db: Session, action: Action, who: Principal, team: list[int], ago: timedelta
) -> Activity:
    started = actions.beijing(documents.local_now() - ago)
    place = action.party.versions[-1].address
    data = actions.ActivityIn(started_at=started, place=place, officer_ids=team)
    return actions.record_activity(db, action.id, data, who)


def _unfilmed_dispute(db: Session, action: Action, who: Principal, team: list[int]) -> None:
    """A check without the camera, where the party disputed the findings: the officer
    states the dispute, which made the recording mandatory (第五条（二）)."""
    activity = _check(db, action, who, team, FIRST_CHECK)
    reason = "当事人对检查发现的问题有异议，现场发生争执"
    fact = recording.FactIn(code=Fact.disputed_or_dangerous, reason=reason, activity_id=activity.id)
    recording.state_fact(db, action.id, fact, who)


def _filmed_with_a_gap(
    db: Session,
    settings: Settings,
    store: BlobStore,
    action: Action,
    who: Principal,
    team: list[int],
) -> int:
    """A check filmed in two clips minutes apart; returns the second clip's id."""
    activity = _check(db, action, who, team, 2 * CLIP_GAP)
    activity_id, started = activity.id, activity.started_at
    ingest_clip(db, settings, store, action, activity_id, who, started)
    return ingest_clip(db, settings, store, action, activity_id, who, started + CLIP_GAP).id


def _corrected_record(
    db: Session, settings: Settings, store: BlobStore, action: Action, who: Principal
) -> None:
    fields = {"checked": "检查了成品仓库、消防通道和防爆电气。", "problems": "未发现问题"}
    issued = issue_document(db, settings, store, action, "site_inspection_record", fields, who)
    reason = "检查情况漏记库房内堆垛间距不足，予以更正"
    fix = {"problems": "成品仓库堆垛间距不足0.7米，消防通道局部被纸箱占用"}
    draft = documents.start_correction(
        db, settings, issued.id, CorrectionIn(reason=reason, fields=fix), who
    )
    documents.issue(db, settings, store, draft.id, who)


def _refused_export(db: Session, media_id: int, legal: Principal, officer: Principal) -> None:
    media = db.get(Media, media_id)
    assert media is not None
    reason = "画面中有围观群众的面部，涉及个人隐私"
    access.set_restriction(db, legal, media_id, Restriction.privacy, True, reason)
    db.commit()
    with contextlib.suppress(Forbidden):  # refused, and the attempt logged where refused
        access.authorize(db, officer, media, "case", export=True)


def _reads_of_others(db: Session, reader: Principal) -> None:
    """The reader opens MANY_CASES cases they neither handle nor opened, as the case page
    does (each read logged)."""
    theirs = select(ActionOfficer.action_id).where(ActionOfficer.officer_id == reader.user_id)
    others = select(Action.id).where(
        Action.id.not_in(theirs),
        or_(Action.opened_by.is_(None), Action.opened_by != reader.user_id),
    )
    for action_id in list(db.scalars(others.order_by(Action.id).limit(MANY_CASES))):
        action = actions.get_action(db, action_id, reader)
        log_access(db, reader, "action", action.id, "查看案件")


def seed_demo_weak_points(db: Session, settings: Settings, store: BlobStore) -> int:
    """Do the demo's weak points and refresh the dashboard; returns 1 when done, 0 when
    they were there already."""
    if db.scalar(select(Action.id).where(Action.title == TITLE)) is not None:
        return 0
    officers = able_officers(db)
    who, other = officers[0], officers[1]
    team = [who.user_id, other.user_id]
    action = _inspection(db, who, team)
    db.flush()
    _unfilmed_dispute(db, action, who, team)
    clip = _filmed_with_a_gap(db, settings, store, action, who, team)
    _corrected_record(db, settings, store, action, who)
    db.commit()
    legal, _ = legal_staff(db)
    _refused_export(db, clip, legal, other)
    _reads_of_others(db, legal)
    facts.refresh(db)
    db.commit()
    return 1

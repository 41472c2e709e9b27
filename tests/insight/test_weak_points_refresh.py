"""The facts kept from real records on SQLite and PostgreSQL: after the demo's cases and
publicity, the refresh (following the ledger) has one fact per step limit, per publication
duty not exempted and per answered correction, as the records say; a read at night becomes
a night fact; an export of a restricted record, refused, is logged where it is refused and
becomes a fact; a second refresh changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import Forbidden
from zhifa.core.models import AccessLog, User
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.publicity import seed_demo_publicity
from zhifa.enforcement.models import ActionOfficer, ActionTransition
from zhifa.insight.weak_points import facts
from zhifa.insight.weak_points.models import WeakPointFact
from zhifa.publicity.models import CorrectionRequest, ObligationStatus, PublicationObligation
from zhifa.recording.access import service as access
from zhifa.recording.access.rules import EXPORT_REFUSED, Restriction
from zhifa.recording.media.models import Media


def _count(db: Session, kind: str) -> int:
    query = select(func.count()).select_from(WeakPointFact).where(WeakPointFact.kind == kind)
    return int(db.scalar(query) or 0)


def _as(db: Session, username: str, role: Role) -> Principal:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return Principal(user.id, user.username, user.full_name, frozenset({role}))


def test_facts_follow_the_records(writer: Session, settings: Settings) -> None:
    seed_demo_actions(writer, settings, open_blob_store(settings))
    seed_demo_publicity(writer, settings)
    assert facts.refresh(writer) > 0
    writer.commit()
    limited = select(func.count()).where(ActionTransition.due_date.is_not(None))
    assert _count(writer, "step") == writer.scalar(limited) > 0
    duties = select(func.count()).where(PublicationObligation.status != ObligationStatus.exempted)
    assert _count(writer, "publication") == writer.scalar(duties) > 0
    answered = select(func.count()).where(CorrectionRequest.status.in_(["corrected", "rejected"]))
    assert _count(writer, "correction") == writer.scalar(answered)
    assert _count(writer, "recording") > 0
    before = list(writer.scalars(select(WeakPointFact.id).order_by(WeakPointFact.id)))
    assert facts.refresh(writer) == 0  # nothing new in the ledger: nothing changes
    assert list(writer.scalars(select(WeakPointFact.id).order_by(WeakPointFact.id))) == before

    # a read at 23:30 Beijing time, logged and ledgered as every read is
    reader = _as(writer, "leader", Role.leader)
    night = AccessLog(user_id=reader.user_id, record_type="action", record_id="1", purpose="x",
                      at=datetime(2026, 3, 2, 15, 30, tzinfo=UTC))  # fmt: skip
    day = AccessLog(user_id=reader.user_id, record_type="action", record_id="1", purpose="x",
                    at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC))  # fmt: skip
    writer.add_all([night, day])
    writer.flush()
    record_change(writer, "system", "access.read", night, day)
    writer.commit()

    # an officer of the case tries to export a restricted video: refused, and logged
    media = writer.scalars(select(Media).order_by(Media.id)).first()
    assert media is not None
    legal = _as(writer, "legal", Role.legal)
    access.set_restriction(writer, legal, media.id, Restriction.privacy, True, "涉及个人隐私")
    writer.commit()
    officer_id = writer.scalar(
        select(ActionOfficer.officer_id).where(ActionOfficer.action_id == media.action_id)
    )
    officer = writer.get(User, officer_id)
    assert officer is not None
    who = Principal(officer.id, officer.username, officer.full_name, frozenset({Role.officer}))
    with pytest.raises(Forbidden):
        access.authorize(writer, who, media, "case", export=True)
    refused = writer.scalars(select(AccessLog).where(AccessLog.record_type == EXPORT_REFUSED))
    assert [(r.user_id, r.record_id, r.via) for r in refused] == [
        (officer.id, str(media.id), "export")
    ]
    facts.refresh(writer)
    writer.commit()
    nights = writer.scalars(select(WeakPointFact).where(WeakPointFact.kind == "night"))
    assert night.id in {f.record_id for f in nights}
    assert day.id not in {f.record_id for f in nights}
    exported = list(
        writer.scalars(select(WeakPointFact).where(WeakPointFact.kind == "export_refused"))
    )
    assert [(f.person_id, f.action_id) for f in exported] == [(officer.id, media.action_id)]

"""Case review's use cases on SQLite and PostgreSQL with the demo's closed cases: the round
is drawn by the verifiable draw (recomputed here from what was stored), nobody reviews a
case they took part in, reviewers hold grants until the round's end and lose them when it
closes; findings outside the template, over an item's points or resting on another case's
record are refused with nothing changed; a sheet is submitted only once every proposal is
decided, its grade follows the rules; rectification; every row matches the ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import open_action, principal
from tests.supervision.reviews.helpers import drawn_round, reviewer_of, sheets
from zhifa.core.audit import check_rows
from zhifa.core.calendar import SHANGHAI, deadline_end
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.grants import GrantRecord, RecordGrant
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.demo.case_review import demo_round_in
from zhifa.demo.draws import ANNOUNCED_AT
from zhifa.demo.publicity import legal_staff
from zhifa.enforcement.actions import ActivityIn, record_activity
from zhifa.enforcement.models import Action
from zhifa.inspection import draw as core
from zhifa.recording.av.requirement import FactIn, state_fact
from zhifa.recording.av.rules import Fact
from zhifa.recording.documents.models import Document
from zhifa.supervision.reviews import rounds, service
from zhifa.supervision.reviews.models import (
    FindingOrigin,
    FindingState,
    LinkKind,
    ReviewAssignment,
    ReviewFinding,
    ReviewRound,
    RoundStatus,
)
from zhifa.supervision.reviews.participants import participants
from zhifa.supervision.reviews.prefill import proposals
from zhifa.supervision.reviews.schemas import (
    ApproveIn,
    CloseIn,
    DismissIn,
    FindingIn,
    ReassignIn,
    RectificationIn,
)
from zhifa.supervision.reviews.standard import DEFAULT_TEMPLATE, MISSING_RECORDING, TWO_OFFICERS


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_the_draw_is_verifiable_and_avoids_participants(db: Session, settings: Settings) -> None:
    row = drawn_round(db, settings)
    assert row.status is RoundStatus.drawn and row.checkpoint_id is not None
    ann = core.Announcement.from_json(row.announcement)
    recomputed = core.compute(ann, bytes.fromhex(row.randomness or ""))
    assert recomputed.outputs_json() == row.outputs
    drawn = sheets(db, row)
    assert len(drawn) == len(ann.strata)  # one case per (unit, kind) stratum
    took = participants(db, [s.action_id for s in drawn])
    for sheet in drawn:
        reviewers = {a.reviewer_id for a in rounds.active_assignments(db, sheet.id)}
        assert len(reviewers) == 2 and not reviewers & took[sheet.action_id]
        for assignment in rounds.active_assignments(db, sheet.id):
            grant = db.get(RecordGrant, assignment.grant_id)
            assert grant is not None and grant.record_type is GrantRecord.action
            assert grant.record_id == sheet.action_id
            assert grant.grantee_id == assignment.reviewer_id
            until = grant.valid_until
            assert until.replace(tzinfo=until.tzinfo or UTC) == deadline_end(row.ends_on)
    assert list(check_rows(db)) == []


def test_a_participant_cannot_be_assigned_and_nothing_changes(
    db: Session, settings: Settings
) -> None:
    row = drawn_round(db, settings)
    sheet = sheets(db, row)[0]
    insider = sorted(participants(db, [sheet.action_id])[sheet.action_id])[0]
    current = rounds.active_assignments(db, sheet.id)[0]
    before = (_count(db, ReviewAssignment), _count(db, RecordGrant))
    legal = principal(db, "legal")
    change = ReassignIn(
        old_reviewer_id=current.reviewer_id, new_reviewer_id=insider, reason="工作调整"
    )
    with pytest.raises(DomainError, match="回避") as refused:
        rounds.reassign(db, sheet, change, legal)
    assert refused.value.field == "new_reviewer_id"
    db.rollback()
    assert (_count(db, ReviewAssignment), _count(db, RecordGrant)) == before


def test_findings_outside_the_template_are_refused(db: Session, settings: Settings) -> None:
    row = drawn_round(db, settings)
    first, second = sheets(db, row)[:2]
    who = reviewer_of(db, first)
    before = _count(db, ReviewFinding)
    bad = [
        FindingIn(item_code="no_such_item", points=1, detail="不存在的项目", link_kind="action",
                  link_id=first.action_id),
        FindingIn(item_code="documents_form", points=3, detail="超过该项分值", link_kind="action",
                  link_id=first.action_id),
        FindingIn(item_code="documents_form", points=1, detail="依据他案记录", link_kind="action",
                  link_id=second.action_id),
    ]  # fmt: skip
    other_doc = db.scalar(select(Document.id).where(Document.action_id == second.action_id))
    if other_doc is not None:
        bad.append(FindingIn(item_code="documents_form", points=1, detail="他案文书",
                             link_kind="document", link_id=other_doc))  # fmt: skip
    for data in bad:
        with pytest.raises(DomainError):
            service.add_finding(db, first, data, who)
        db.rollback()
    assert _count(db, ReviewFinding) == before
    outsider = principal(db, "supervision")
    good = FindingIn(item_code="documents_form", points=2, detail="文书漏项", link_kind="action",
                     link_id=first.action_id)  # fmt: skip
    with pytest.raises(DomainError, match="评查人员"):
        service.add_finding(db, first, good, outsider)


def test_scoring_submitting_closing_and_approving(db: Session, settings: Settings) -> None:
    row = drawn_round(db, settings)
    drawn = sheets(db, row)
    sheet = drawn[0]
    who = reviewer_of(db, sheet)
    proposed = [f for f in service.findings_of(db, sheet.id) if f.state is FindingState.proposed]
    assert all(f.origin is FindingOrigin.platform for f in proposed)
    if proposed:
        with pytest.raises(DomainError, match="未确认或排除"):
            service.submit(db, sheet, who)
        db.rollback()
        for finding in proposed:
            service.dismiss(db, sheet, finding.id, DismissIn(reason="已有书面说明"), who)
    veto = FindingIn(item_code="veto_no_basis", detail="处罚决定书未引用法律条款",
                     link_kind="action", link_id=sheet.action_id)  # fmt: skip
    service.add_finding(db, sheet, veto, who)
    deduction = FindingIn(item_code="documents_form", points=2, detail="文书漏项",
                          link_kind="action", link_id=sheet.action_id)  # fmt: skip
    service.add_finding(db, sheet, deduction, who)
    service.submit(db, sheet, who)
    db.commit()
    assert sheet.total == 98 and sheet.grade == "不合格"  # a veto fails whatever the total
    with pytest.raises(DomainError, match="已提交"):
        service.add_finding(db, sheet, deduction, who)
    db.rollback()

    legal = principal(db, "legal")
    with pytest.raises(DomainError, match="尚未提交"):
        rounds.close(db, row, legal)
    db.rollback()
    for other in drawn[1:]:
        reviewer = reviewer_of(db, other)
        for finding in service.findings_of(db, other.id):
            service.confirm(db, other, finding.id, reviewer)
        service.submit(db, other, reviewer)
    task = service.add_rectification(
        db, sheet, RectificationIn(requirement="补正法律依据"), 15, legal
    )
    assert task.due_on > row.period_to and task.unit_id is not None
    grants = [a.grant_id for s in drawn for a in rounds.active_assignments(db, s.id)]
    rounds.close(db, row, legal)
    db.commit()
    assert all(db.get(RecordGrant, g).revoked_at is not None for g in grants)  # type: ignore[union-attr]
    assert not service.my_sheets(db, who)
    service.close_rectification(db, sheet, task.id, CloseIn(note="已补正并组织学习"), legal)
    rounds.approve(db, row, ApproveIn(note="同意"), principal(db, "leader"))
    db.commit()
    assert row.status is RoundStatus.approved
    assert list(check_rows(db)) == []


def test_the_platform_proposes_what_it_finds_in_the_records(
    db: Session, settings: Settings
) -> None:
    """A 简易程序 case whose on-site decision, said to be disputed (so to be recorded in
    full, 第五条), was recorded with no audio or video: the
    missing recording is proposed, resting on the activity (the platform already refuses
    an activity with fewer than two officers, so that veto is never proposed here)."""
    action_id = open_action(settings, "penalty.summary")
    who = principal(db, "zhangwei")
    partner = principal(db, "wanglei").user_id
    when = datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
    data = ActivityIn(started_at=when, place="某某五金店门口", officer_ids=[who.user_id, partner])
    activity = record_activity(db, action_id, data, who)
    disputed = FactIn(code=Fact.disputed_or_dangerous.value, reason="当事人情绪激动，可能引发争议",
                      activity_id=activity.id)  # fmt: skip
    state_fact(db, action_id, disputed, who)
    db.commit()
    action = db.get(Action, action_id)
    assert action is not None
    found = proposals(db, action, DEFAULT_TEMPLATE)
    codes = {p.code: p for p in found}
    assert TWO_OFFICERS not in codes
    assert codes[MISSING_RECORDING].link_kind is LinkKind.activity
    assert codes[MISSING_RECORDING].link_id == activity.id
    lacking = [p.detail for p in found if p.code == MISSING_RECORDING]
    assert any("缺少" in text for text in lacking), lacking
    assert all(template_has(p.code) for p in found)


def template_has(code: str) -> bool:
    return DEFAULT_TEMPLATE.veto(code) is not None or DEFAULT_TEMPLATE.item(code) is not None


def test_a_review_period_longer_than_a_grant_may_last_is_refused(
    db: Session, settings: Settings
) -> None:
    """The reviewers' grants run to the end day; no grant lasts more than a year from the
    day it is made, whatever time the announcement is stamped with (the demo's is
    historical)."""
    organiser, _ = legal_staff(db)
    signer = load_ledger_signer(settings)
    too_long = demo_round_in(db).model_copy(update={"ends_on": today() + timedelta(days=400)})
    for stamped in (None, ANNOUNCED_AT):
        with pytest.raises(DomainError, match="评查期最长一年") as refused:
            rounds.announce(db, too_long, organiser, signer, settings.log_origin, now=stamped)
        assert refused.value.field == "ends_on"
    db.rollback()
    assert _count(db, ReviewRound) == 0
    # 300 days from today is more than a year after the stamp, less than a year from today
    later = demo_round_in(db).model_copy(update={"ends_on": today() + timedelta(days=300)})
    row = rounds.announce(db, later, organiser, signer, settings.log_origin, now=ANNOUNCED_AT)
    assert row.ends_on == today() + timedelta(days=300)

"""The demo's case-file review (案卷评查): one round over the demo's closed cases, drawn
with the same published drand quicknet round as the 双随机 demo (29038076; its signature
checked offline), so the round is announced at that demo's historical time, two days
before the round — the only way a demo seeded later can show a verifiable draw. The
reviewers (the bureau's officers and the legal section, everyone who took part in a case
avoided for it) confirm or dismiss the platform's pre-filled findings, one adds a
deduction of their own, every sheet is submitted, the round is closed (grants revoked)
and waits for the leader's approval; the lowest-scoring case gets a rectification task.
Idempotent: nothing is done when a round exists."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
from zhifa.core.clock import today
from zhifa.core.models import User
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.demo.draws import ANNOUNCED_AT, DEMO_ROUND, DEMO_SIGNATURE, DRAWN_AT
from zhifa.demo.publicity import legal_staff
from zhifa.inspection.beacon import round_time
from zhifa.ledger import Signer
from zhifa.supervision.reviews import rounds, service
from zhifa.supervision.reviews.models import FindingState, LinkKind, ReviewRound, ReviewSheet
from zhifa.supervision.reviews.schemas import (
    DismissIn,
    DrawIn,
    FindingIn,
    RectificationIn,
    RoundIn,
)

DEMO_ROUND_NAME = "2026年度第一轮行政执法案卷评查"
# not a legal limit: the demo round's reviewing time, a month from seeding
REVIEW_TIME = timedelta(days=30)
# The demo reviews the cases closed in the year before seeding (whatever the month, so that
# a demo seeded in January still finds closed cases).
# not a legal limit: the demo round's period
CLOSED_WITHIN = timedelta(days=365)


def reviewer_pool(db: Session) -> list[int]:
    """The officers and the legal section: the demo's reviewer pool."""
    users = db.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id))
    return [u.id for u in users if u.roles & {Role.officer, Role.legal}]


def demo_round_in(db: Session) -> RoundIn:
    return RoundIn(
        name=DEMO_ROUND_NAME,
        period_from=today() - CLOSED_WITHIN,
        period_to=today(),
        per_stratum=1,
        team_size=2,
        cap=3,
        reviewer_ids=reviewer_pool(db),
        ends_on=today() + REVIEW_TIME,
        round_at=round_time(DEMO_ROUND),
    )


def drawn_demo_round(db: Session, settings: Settings, signer: Signer) -> ReviewRound:
    """The demo round announced and drawn (the reviewers assigned and granted)."""
    organiser, _ = legal_staff(db)
    row = rounds.announce(
        db, demo_round_in(db), organiser, signer, settings.log_origin, now=ANNOUNCED_AT
    )
    return rounds.draw(db, row, DrawIn(signature=DEMO_SIGNATURE), organiser, now=DRAWN_AT)


def _reviewer(db: Session, sheet: ReviewSheet) -> Principal:
    user = db.get(User, rounds.active_assignments(db, sheet.id)[0].reviewer_id)
    assert user is not None
    return Principal(user.id, user.username, user.full_name, user.roles)


def _score(db: Session, sheet: ReviewSheet, first: bool) -> None:
    who = _reviewer(db, sheet)
    for number, finding in enumerate(service.findings_of(db, sheet.id)):
        if finding.state is not FindingState.proposed:
            continue
        if number == 0:
            service.confirm(db, sheet, finding.id, who)
        else:
            reason = DismissIn(reason="经查阅案卷，已有书面说明，不予扣分")
            service.dismiss(db, sheet, finding.id, reason, who)
    if first:
        detail = "《现场检查记录》检查情况栏表述笼统，未写明检查的具体部位"
        found = FindingIn(
            item_code="documents_form",
            points=2,
            detail=detail,
            link_kind=LinkKind.action,
            link_id=sheet.action_id,
        )
        service.add_finding(db, sheet, found, who)
    service.submit(db, sheet, who)


def seed_demo_case_review(db: Session, settings: Settings, signer: Signer) -> int:
    """Seed the demo round; returns how many case files were reviewed."""
    if rounds.list_rounds(db):
        return 0
    row = drawn_demo_round(db, settings, signer)
    sheets = list(db.scalars(select(ReviewSheet).where(ReviewSheet.round_id == row.id)))
    for index, sheet in enumerate(sheets):
        _score(db, sheet, index == 0)
    organiser, _ = legal_staff(db)
    lowest = min(sheets, key=lambda s: (s.total or 0, s.id))
    task = RectificationIn(
        requirement="对照评查意见补正案卷材料，组织办案人员学习现场检查记录的制作要求"
    )
    service.add_rectification(
        db, lowest, task, settings.case_review_rectification_working_days, organiser
    )
    rounds.close(db, row, organiser)
    db.commit()
    return len(sheets)

"""Use cases of a score sheet and its findings (the reviewer's page), the rectification
tasks (legal section) and the figures across rounds. Each change is ledgered in the
caller's transaction and refused whole before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.permissions import Permission
from zhifa.enforcement.models import Action, Activity
from zhifa.ledger.models import ledger_entry
from zhifa.recording.documents.models import Document
from zhifa.recording.media.models import Media
from zhifa.supervision.reviews.models import (
    FindingOrigin,
    FindingState,
    LinkKind,
    Rectification,
    ReviewAssignment,
    ReviewFinding,
    ReviewRound,
    ReviewSheet,
    RoundStatus,
    SheetStatus,
)
from zhifa.supervision.reviews.rounds import active_assignments, final_reviewers, template_of
from zhifa.supervision.reviews.rules import Found, Score, check_deduction, check_veto, score
from zhifa.supervision.reviews.schemas import CloseIn, DismissIn, FindingIn, RectificationIn

# ---- who may see and score a sheet ---------------------------------------------------------


def sheet_of(db: Session, sheet_id: int) -> ReviewSheet:
    sheet = db.get(ReviewSheet, sheet_id)
    if sheet is None:
        raise NotFound("评查案卷不存在")
    return sheet


def round_of_sheet(db: Session, sheet: ReviewSheet) -> ReviewRound:
    review_round = db.get(ReviewRound, sheet.round_id)
    assert review_round is not None
    return review_round


def is_reviewer(db: Session, sheet: ReviewSheet, who: Principal) -> bool:
    return any(a.reviewer_id == who.user_id for a in active_assignments(db, sheet.id))


def check_reads(db: Session, sheet: ReviewSheet, who: Principal) -> None:
    if not (who.can(Permission.case_review_read) or is_reviewer(db, sheet, who)):
        raise Forbidden("只有本案卷的评查人员和法制机构可以查看评分表")


def _check_scores(db: Session, sheet: ReviewSheet, who: Principal) -> None:
    if not is_reviewer(db, sheet, who):
        raise Forbidden("只有分配到本案卷的评查人员可以评分")
    if sheet.status is SheetStatus.submitted:
        raise Conflict("评分表已提交，不能再修改")
    if round_of_sheet(db, sheet).status is not RoundStatus.drawn:
        raise Conflict("本轮评查已结束")


def my_sheets(db: Session, who: Principal) -> list[ReviewSheet]:
    """The sheets `who` is assigned to in rounds under way, open ones first."""
    query = (
        select(ReviewSheet)
        .join(ReviewAssignment, ReviewAssignment.sheet_id == ReviewSheet.id)
        .join(ReviewRound, ReviewRound.id == ReviewSheet.round_id)
        .where(
            ReviewAssignment.reviewer_id == who.user_id,
            ReviewAssignment.ended_at.is_(None),
            ReviewRound.status == RoundStatus.drawn,
        )
    )
    sheets = list(db.scalars(query))
    return sorted(sheets, key=lambda s: (s.status is SheetStatus.submitted, s.id))


# ---- findings -------------------------------------------------------------------------------


def findings_of(db: Session, sheet_id: int) -> list[ReviewFinding]:
    query = select(ReviewFinding).where(ReviewFinding.sheet_id == sheet_id)
    return list(db.scalars(query.order_by(ReviewFinding.id)))


def finding_of(db: Session, sheet: ReviewSheet, finding_id: int) -> ReviewFinding:
    finding = db.get(ReviewFinding, finding_id)
    if finding is None or finding.sheet_id != sheet.id:
        raise NotFound("评查意见不存在")
    return finding


def _link_belongs(db: Session, action_id: int, kind: LinkKind, link_id: int) -> bool:
    if kind is LinkKind.action:
        return link_id == action_id
    if kind is LinkKind.ledger:
        entry = ledger_entry
        return db.scalar(select(entry.c["index"]).where(entry.c["index"] == link_id)) is not None
    row: Activity | Document | Media | None
    if kind is LinkKind.activity:
        row = db.get(Activity, link_id)
    elif kind is LinkKind.document:
        row = db.get(Document, link_id)
    else:
        row = db.get(Media, link_id)
    return row is not None and row.action_id == action_id


def add_finding(db: Session, sheet: ReviewSheet, data: FindingIn, who: Principal) -> ReviewFinding:
    """A reviewer's own deduction or veto, on a record of the case."""
    _check_scores(db, sheet, who)
    template = template_of(round_of_sheet(db, sheet))
    if template.veto(data.item_code) is not None:
        check_veto(template, data.item_code)
        points = 0
    else:
        check_deduction(template, data.item_code, data.points)
        points = data.points
    if not _link_belongs(db, sheet.action_id, data.link_kind, data.link_id):
        raise DomainError("所依据的记录不属于本案，或不存在", "link_id")
    finding = ReviewFinding(
        sheet_id=sheet.id,
        code=data.item_code,
        points=points,
        detail=data.detail.strip(),
        origin=FindingOrigin.reviewer,
        state=FindingState.confirmed,
        link_kind=data.link_kind,
        link_id=data.link_id,
        created_by=who.user_id,
        decided_at=utcnow(),
        decided_by=who.user_id,
    )
    db.add(finding)
    record_change(db, actor_name(who), "case_review.finding.add", finding)
    return finding


def _decide(db: Session, finding: ReviewFinding, state: FindingState, who: Principal) -> None:
    if finding.state is not FindingState.proposed:
        raise Conflict("该意见已确认或已排除")
    finding.state, finding.decided_at, finding.decided_by = state, utcnow(), who.user_id
    record_change(db, actor_name(who), f"case_review.finding.{state.value}", finding)


def confirm(db: Session, sheet: ReviewSheet, finding_id: int, who: Principal) -> ReviewFinding:
    _check_scores(db, sheet, who)
    finding = finding_of(db, sheet, finding_id)
    _decide(db, finding, FindingState.confirmed, who)
    return finding


def dismiss(
    db: Session, sheet: ReviewSheet, finding_id: int, data: DismissIn, who: Principal
) -> ReviewFinding:
    _check_scores(db, sheet, who)
    finding = finding_of(db, sheet, finding_id)
    finding.reason = data.reason.strip()
    _decide(db, finding, FindingState.dismissed, who)
    return finding


def sheet_score(db: Session, sheet: ReviewSheet) -> Score:
    confirmed = [
        Found(f.code, f.points)
        for f in findings_of(db, sheet.id)
        if f.state is FindingState.confirmed
    ]
    return score(template_of(round_of_sheet(db, sheet)), confirmed)


def submit(db: Session, sheet: ReviewSheet, who: Principal) -> ReviewSheet:
    """Submit the sheet once every proposal is confirmed or dismissed."""
    _check_scores(db, sheet, who)
    if any(f.state is FindingState.proposed for f in findings_of(db, sheet.id)):
        raise DomainError("还有平台预填的意见未确认或排除，不能提交", "findings")
    result = sheet_score(db, sheet)
    sheet.total, sheet.grade = result.total, result.grade.value
    sheet.status, sheet.submitted_at, sheet.submitted_by = (
        SheetStatus.submitted,
        utcnow(),
        who.user_id,
    )
    record_change(db, actor_name(who), "case_review.sheet.submit", sheet)
    return sheet


# ---- rectification (整改) ------------------------------------------------------------------


def rectifications(db: Session, round_id: int | None = None) -> list[Rectification]:
    query = select(Rectification).order_by(Rectification.id.desc())
    if round_id is not None:
        sheets = select(ReviewSheet.id).where(ReviewSheet.round_id == round_id)
        query = query.where(Rectification.sheet_id.in_(sheets))
    return list(db.scalars(query))


def add_rectification(
    db: Session, sheet: ReviewSheet, data: RectificationIn, days: int, who: Principal
) -> Rectification:
    """A rectification task for the case's unit, due `days` working days on (a bureau
    setting, `case_review_rectification_working_days`)."""
    if sheet.status is not SheetStatus.submitted:
        raise Conflict("案卷评分提交后才能下达整改")
    action = db.get(Action, sheet.action_id)
    assert action is not None
    # not a legal limit: the bureau's setting for a review's 整改 (no rule read sets one)
    due = working_calendar(db).add_working_days(today(), days)
    row = Rectification(
        sheet_id=sheet.id,
        unit_id=action.unit_id,
        requirement=data.requirement.strip(),
        due_on=due.date,
        created_by=who.user_id,
    )
    db.add(row)
    record_change(db, actor_name(who), "case_review.rectification.create", row)
    return row


def close_rectification(
    db: Session, sheet: ReviewSheet, task_id: int, data: CloseIn, who: Principal
) -> Rectification:
    row = db.get(Rectification, task_id)
    if row is None or row.sheet_id != sheet.id:
        raise NotFound("整改任务不存在")
    if row.closed_at is not None:
        raise Conflict("该整改任务已办结")
    row.closed_at, row.closed_by, row.closed_note = utcnow(), who.user_id, data.note.strip()
    record_change(db, actor_name(who), "case_review.rectification.close", row)
    return row


# ---- a round's sheets, with their cases ----------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    sheet: ReviewSheet
    action: Action
    reviewers: list[int]
    proposed: int  # findings still waiting for the reviewer


def sheets_of(db: Session, round_id: int) -> list[SheetRow]:
    query = select(ReviewSheet).where(ReviewSheet.round_id == round_id).order_by(ReviewSheet.id)
    review_round = db.get(ReviewRound, round_id)
    assert review_round is not None
    out = []
    for sheet in db.scalars(query):
        action = db.get(Action, sheet.action_id)
        assert action is not None
        reviewers = final_reviewers(db, review_round, sheet.id)
        waiting = sum(f.state is FindingState.proposed for f in findings_of(db, sheet.id))
        out.append(SheetRow(sheet, action, reviewers, waiting))
    return out

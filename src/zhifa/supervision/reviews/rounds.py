"""A review round's life: the template versions it may pin, its announcement (the closed
cases and the reviewer pool frozen and committed by a signed checkpoint, the future drand
round named), the draw (the round's signature verified offline, then the 双随机 chapter's
`compute`: strata = (unit, action kind), candidates = the cases, inspectors = the
reviewers, 回避 = everyone who took part in a case), the reviewers' read grants, manual
reassignment, closing (grants revoked) and the leader's approval of the report.

The procedure is `zhifa-draw/1` exactly (docs/draw.md): anyone holding the announcement
and the round's signature recomputes the same cases and reviewers. Every function takes
``now`` so that the demo and tests can announce at a historical time and use a published
round, as the 双随机 demo does."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI, deadline_end
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.grants import GrantRecord, RecordGrant, latest_until
from zhifa.core.models import Unit, User
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.enforcement.steps import ACTION_KIND_LABELS
from zhifa.inspection import draw as core
from zhifa.inspection.beacon import (
    DRAND,
    BeaconError,
    DrandSource,
    check_sources_after,
    input_keying_material,
    round_at,
    round_time,
)
from zhifa.inspection.draws.service import default_round, iso
from zhifa.ledger import Signer, lock, sign_checkpoint
from zhifa.supervision.reviews import template_form
from zhifa.supervision.reviews.models import (
    FindingOrigin,
    FindingState,
    ReviewAssignment,
    ReviewFinding,
    ReviewRound,
    ReviewSheet,
    ReviewTemplate,
    RoundStatus,
    SheetStatus,
)
from zhifa.supervision.reviews.participants import participants, took_part
from zhifa.supervision.reviews.prefill import proposals
from zhifa.supervision.reviews.rules import Template
from zhifa.supervision.reviews.schemas import ApproveIn, DrawIn, ReassignIn, RoundIn
from zhifa.supervision.reviews.standard import DEFAULT_TEMPLATE


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


# ---- template versions ---------------------------------------------------------------------


def current_template(db: Session) -> ReviewTemplate | None:
    query = select(ReviewTemplate).order_by(ReviewTemplate.version.desc()).limit(1)
    return db.scalar(query)


def new_template_version(
    db: Session, template: Template, note: str, who: Principal | None
) -> ReviewTemplate:
    """A new version (templates are never changed in place; rounds pin theirs)."""
    latest = db.scalar(select(func.max(ReviewTemplate.version))) or 0
    row = ReviewTemplate(
        version=latest + 1,
        body=template.to_json(),
        note=note,
        created_by=who.user_id if who else None,
    )
    db.add(row)
    record_change(db, actor_name(who), "case_review.template.version", row)
    return row


def ensure_template(db: Session) -> ReviewTemplate:
    """The current version, the bureau's default seeded as version 1 when there is none."""
    return current_template(db) or new_template_version(db, DEFAULT_TEMPLATE, "默认模板", None)


def template_of(review_round: ReviewRound) -> Template:
    return Template.from_json(review_round.template.body)


def template_versions(db: Session) -> list[ReviewTemplate]:
    """Every version, newest first (the list page)."""
    return list(db.scalars(select(ReviewTemplate).order_by(ReviewTemplate.version.desc())))


def template_version(db: Session, version: int) -> ReviewTemplate:
    row = db.scalar(select(ReviewTemplate).where(ReviewTemplate.version == version))
    if row is None:
        raise NotFound("评分模板版本不存在")
    return row


def revise_template(
    db: Session, based_on: int, values: Mapping[str, str], who: Principal
) -> ReviewTemplate:
    """The legal section's revision: a new version from the form, made only on top of the
    current one (a form opened before someone else's revision is refused, not merged)."""
    current = ensure_template(db)
    if based_on != current.version:
        raise Conflict(f"模板已有更新的第 {current.version} 版，请在新版本上修改", "note")
    note = values.get("note", "").strip()
    if not note:
        raise DomainError("请写明修订说明（为何修改）", "note")
    if len(note) > 500:
        raise DomainError("修订说明最多 500 字", "note")
    template = template_form.revised(Template.from_json(current.body), values)
    if template.to_json() == current.body:
        raise DomainError("与现行版本相同，未作任何修改", "note")
    return new_template_version(db, template, note, who)


# ---- announce -----------------------------------------------------------------------------


def _candidates(db: Session, data: RoundIn) -> list[Action]:
    start = datetime.combine(data.period_from, datetime.min.time(), SHANGHAI)
    query = select(Action).where(
        Action.status == ActionStatus.closed,
        Action.closed_at >= start,
        Action.closed_at < deadline_end(data.period_to),
    )
    if data.kinds:
        query = query.where(Action.kind.in_(data.kinds))
    if data.unit_ids:
        query = query.where(Action.unit_id.in_(data.unit_ids))
    return list(db.scalars(query.order_by(Action.id)))


def stratum_name(db: Session, action: Action) -> str:
    unit = db.get(Unit, action.unit_id) if action.unit_id else None
    return f"{unit.name if unit else '未分配单位'}·{ACTION_KIND_LABELS[action.kind]}"


def _reviewers(db: Session, ids: list[int]) -> dict[int, str]:
    users = list(db.scalars(select(User).where(User.id.in_(ids), User.is_active.is_(True))))
    if len(users) != len(set(ids)):
        raise DomainError("评查人员中有不存在或已停用的账号", "reviewer_ids")
    return {u.id: u.username for u in users}


def _announcement(
    db: Session, data: RoundIn, version: int, moment: datetime, source: DrandSource
) -> core.Announcement:
    cases = _candidates(db, data)
    if not cases:
        raise DomainError("所选期间和范围内没有已办结的案件", "period_from")
    strata: dict[str, list[str]] = {}
    for action in cases:
        strata.setdefault(stratum_name(db, action), []).append(str(action.id))
    reviewers = _reviewers(db, data.reviewer_ids)
    taken = participants(db, [a.id for a in cases])
    avoidance = frozenset(
        (reviewers[user], str(action_id))
        for action_id, users in taken.items()
        for user in users
        if user in reviewers
    )
    facts = {
        "kind": "case_review",
        "round": data.name,
        "template_version": version,
        "period": f"{data.period_from.isoformat()}/{data.period_to.isoformat()}",
        "ends_on": data.ends_on.isoformat(),
    }
    return core.Announcement(
        plan=facts,
        announced_at=iso(moment),
        strata=tuple(
            core.Stratum(
                name,
                tuple(sorted(labels)),
                core.Quota("count", count=min(data.per_stratum, len(labels))),
            )
            for name, labels in sorted(strata.items())
        ),
        inspectors=tuple(sorted(reviewers.values())),
        team_size=data.team_size,
        cap=data.cap,
        randomness=(source,),
        avoidance=avoidance,
    )


def announce(
    db: Session,
    data: RoundIn,
    who: Principal | None,
    signer: Signer,
    origin: str,
    now: datetime | None = None,
) -> ReviewRound:
    """Freeze the closed cases and the reviewers, name the future drand round, ledger it
    and sign a checkpoint covering it in the same transaction."""
    moment = _now(now)
    if deadline_end(data.ends_on) <= moment:
        raise DomainError("评查结束日须晚于今天", "ends_on")
    # the reviewers' grants run to the end day and no grant lasts more than a year from
    # when it is made (today), whatever time the announcement is stamped with
    if deadline_end(data.ends_on) > latest_until(max(moment, utcnow())):
        raise DomainError("评查期最长一年", "ends_on")
    template = ensure_template(db)
    number = round_at(data.round_at) if data.round_at else default_round(moment)
    source = DrandSource(number)
    check_sources_after([source], moment)
    ann = _announcement(db, data, template.version, moment, source)
    row = ReviewRound(
        name=data.name,
        template_id=template.id,
        period_from=data.period_from,
        period_to=data.period_to,
        kinds=[k.value for k in data.kinds],
        unit_ids=list(data.unit_ids),
        per_stratum=data.per_stratum,
        team_size=data.team_size,
        cap=data.cap,
        reviewer_ids=sorted(set(data.reviewer_ids)),
        ends_on=data.ends_on,
        status=RoundStatus.announced,
        announcement=ann.to_json(),
        announcement_sha256=hashlib.sha256(ann.canonical_bytes()).hexdigest(),
        announced_at=moment,
        announced_by=who.user_id if who else None,
    )
    db.add(row)
    record_change(db, actor_name(who), "case_review.round.announce", row)
    entry_index = lock(db) - 1
    commitment = f"{core.ALGORITHM} announcement {row.announcement_sha256} {iso(moment)}"
    checkpoint = sign_checkpoint(db, signer, origin=origin, time=moment, extensions=(commitment,))
    check_sources_after([source], checkpoint.created_at)
    row.ledger_index, row.checkpoint_id = entry_index, checkpoint.id
    row.checkpoint_at = checkpoint.created_at
    record_change(db, actor_name(who), "case_review.round.commit", row)
    return row


def round_of(db: Session, round_id: int) -> ReviewRound:
    row = db.get(ReviewRound, round_id)
    if row is None:
        raise NotFound("评查轮次不存在")
    return row


def announced_round(review_round: ReviewRound) -> int:
    source = core.Announcement.from_json(review_round.announcement).randomness[0]
    assert isinstance(source, DrandSource)
    return source.round


# ---- draw, grants -------------------------------------------------------------------------


def open_sheet(
    db: Session, review_round: ReviewRound, action_id: int, stratum: str, who: Principal
) -> ReviewSheet:
    """A drawn case's score sheet, with the platform's proposals on it."""
    sheet = ReviewSheet(round_id=review_round.id, action_id=action_id, stratum=stratum)
    db.add(sheet)
    db.flush()
    record_change(db, actor_name(who), "case_review.sheet.open", sheet)
    action = db.get(Action, action_id)
    assert action is not None
    template = template_of(review_round)
    for proposal in proposals(db, action, template):
        item = template.item(proposal.code)
        finding = ReviewFinding(
            sheet_id=sheet.id,
            code=proposal.code,
            points=item[1].points if item else 0,
            detail=proposal.detail[:500],
            origin=FindingOrigin.platform,
            state=FindingState.proposed,
            link_kind=proposal.link_kind,
            link_id=proposal.link_id,
        )
        db.add(finding)
        record_change(db, actor_name(who), "case_review.finding.propose", finding)
    return sheet


def _grant(
    db: Session, review_round: ReviewRound, sheet: ReviewSheet, user_id: int, who: Principal
) -> RecordGrant:
    row = RecordGrant(
        grantee_id=user_id,
        record_type=GrantRecord.action,
        record_id=sheet.action_id,
        reason=f"案卷评查：{review_round.name}"[:200],
        granted_by=who.user_id,
        granted_at=utcnow(),
        valid_until=deadline_end(review_round.ends_on),
    )
    db.add(row)
    record_change(db, actor_name(who), "grant.create", row)
    return row


def _assign(
    db: Session,
    review_round: ReviewRound,
    sheet: ReviewSheet,
    user_id: int,
    who: Principal,
    reason: str = "",
) -> ReviewAssignment:
    grant = _grant(db, review_round, sheet, user_id, who)
    db.flush()
    row = ReviewAssignment(
        sheet_id=sheet.id,
        reviewer_id=user_id,
        grant_id=grant.id,
        drawn=not reason,
        assigned_by=who.user_id if who else None,
        reason=reason,
    )
    db.add(row)
    record_change(db, actor_name(who), "case_review.assign", row)
    return row


def draw(
    db: Session,
    review_round: ReviewRound,
    data: DrawIn,
    who: Principal,
    now: datetime | None = None,
) -> ReviewRound:
    """Verify the announced round's signature, compute the draw, open a score sheet per
    drawn case with the platform's proposals, assign and grant the reviewers."""
    moment = _now(now)
    if review_round.status is not RoundStatus.announced:
        raise Conflict("本轮已经抽取，结果不能更改")
    number = announced_round(review_round)
    if moment < round_time(number):
        raise BeaconError(f"drand 第 {number} 轮尚未产生，不能抽取", "signature")
    ann = core.Announcement.from_json(review_round.announcement)
    values: list[dict[str, object]] = [
        {"kind": DRAND, "round": number, "signature": "".join(data.signature.split()).lower()}
    ]
    ikm = input_keying_material(ann.randomness, values)
    result = core.compute(ann, ikm)
    users = {
        u.username: u.id
        for u in db.scalars(select(User).where(User.id.in_(review_round.reviewer_ids)))
    }
    review_round.beacon_values, review_round.randomness = values, ikm.hex()
    review_round.outputs = result.outputs_json()
    review_round.drawn_at, review_round.drawn_by = moment, (who.user_id if who else None)
    review_round.status = RoundStatus.drawn
    record_change(db, actor_name(who), "case_review.round.draw", review_round)
    for team in result.current_teams():
        sheet = open_sheet(db, review_round, int(team.target), team.stratum, who)
        for label in team.inspectors:
            _assign(db, review_round, sheet, users[label], who)
    return review_round


def final_reviewers(db: Session, review_round: ReviewRound, sheet_id: int) -> list[int]:
    """Who reviewed the sheet: those assigned now, or, once the round is closed, those
    whose assignment ended with it (not those replaced before)."""
    query = select(ReviewAssignment).where(ReviewAssignment.sheet_id == sheet_id)
    rows = list(db.scalars(query.order_by(ReviewAssignment.id)))
    return [
        a.reviewer_id
        for a in rows
        if a.ended_at is None or (review_round.closed_at and a.ended_at == review_round.closed_at)
    ]


def active_assignments(db: Session, sheet_id: int) -> list[ReviewAssignment]:
    query = select(ReviewAssignment).where(
        ReviewAssignment.sheet_id == sheet_id, ReviewAssignment.ended_at.is_(None)
    )
    return list(db.scalars(query.order_by(ReviewAssignment.id)))


def _end(
    db: Session, assignment: ReviewAssignment, who: Principal | None, moment: datetime
) -> None:
    assignment.ended_at = moment
    record_change(db, actor_name(who), "case_review.unassign", assignment)
    grant = db.get(RecordGrant, assignment.grant_id)
    if grant is not None and grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = moment, (who.user_id if who else None)
        record_change(db, actor_name(who), "grant.revoke", grant)


def reassign(db: Session, sheet: ReviewSheet, data: ReassignIn, who: Principal) -> ReviewAssignment:
    """Replace a reviewer on a sheet by hand; never by someone who took part in the case."""
    review_round = db.get(ReviewRound, sheet.round_id)
    assert review_round is not None
    if review_round.status is not RoundStatus.drawn or sheet.status is SheetStatus.submitted:
        raise Conflict("只有评查中、尚未提交的案卷可以调整评查人员")
    current = {a.reviewer_id: a for a in active_assignments(db, sheet.id)}
    old = current.get(data.old_reviewer_id)
    if old is None:
        raise DomainError("被替换的人员不是本案卷的评查人员", "old_reviewer_id")
    if data.new_reviewer_id in current:
        raise DomainError("该人员已是本案卷的评查人员", "new_reviewer_id")
    _reviewers(db, [data.new_reviewer_id])
    if took_part(db, sheet.action_id, data.new_reviewer_id):
        raise DomainError("该人员参与过本案的办理，应当回避，不能评查本案卷", "new_reviewer_id")
    _end(db, old, who, utcnow())
    return _assign(db, review_round, sheet, data.new_reviewer_id, who, data.reason)


# ---- close and approve --------------------------------------------------------------------


def close(db: Session, review_round: ReviewRound, who: Principal) -> ReviewRound:
    """End the round once every sheet is submitted; the reviewers' grants are revoked."""
    if review_round.status is not RoundStatus.drawn:
        raise Conflict("只有评查中的轮次可以结束")
    sheets = list(db.scalars(select(ReviewSheet).where(ReviewSheet.round_id == review_round.id)))
    waiting = [s for s in sheets if s.status is not SheetStatus.submitted]
    if waiting:
        raise Conflict(f"还有 {len(waiting)} 份案卷尚未提交评分，不能结束本轮")
    moment = utcnow()
    for sheet in sheets:
        for assignment in active_assignments(db, sheet.id):
            _end(db, assignment, who, moment)
    review_round.status = RoundStatus.closed
    review_round.closed_at, review_round.closed_by = moment, who.user_id
    record_change(db, actor_name(who), "case_review.round.close", review_round)
    return review_round


def approve(db: Session, review_round: ReviewRound, data: ApproveIn, who: Principal) -> ReviewRound:
    if review_round.status is not RoundStatus.closed:
        raise Conflict("本轮评查尚未结束，或报告已审定")
    review_round.status = RoundStatus.approved
    review_round.approved_at, review_round.approved_by = utcnow(), who.user_id
    review_round.approval_note = data.note
    record_change(db, actor_name(who), "case_review.round.approve", review_round)
    return review_round


def list_rounds(db: Session) -> list[ReviewRound]:
    return list(db.scalars(select(ReviewRound).order_by(ReviewRound.id.desc())))

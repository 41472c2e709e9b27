"""Withdrawals and updates of published decisions.

- Withdrawal (公示办法 第九条第三项; 行政处罚法 第四十八条第二款): when a decision is
  revoked, declared unlawful or void, or is to be made again — and when a published
  *penalty* decision is changed — the legal section registers the cause, its effective
  day, the deciding document's number and the reason the public reads; the withdrawal is
  due by the rule table (`withdrawal_due`: 3 working days for penalties, 7 otherwise).
  Performing it ends the version on the portal (``withdrawn``) and tells every channel
  (outbox event ``withdraw``, with the reason).
- Update (公示办法 第八条第四项): a changed decision is published as a new version within
  20 working days of the change, built from the changed decision document (the newest
  issued version of the decision, `service.current_decision`) and approved by a second
  person who may publish (outbox event ``update``). A changed penalty is first withdrawn
  (行政处罚法 第四十八条第二款 prevails for taking the old information down); a changed
  decision of another kind needs no withdrawal: the update replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due, withdrawal_due
from zhifa.publicity import corrections, outbox, service, validation
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import (
    Publication,
    PublicationStatus,
    PublicationUpdate,
    TaskStatus,
    Withdrawal,
    WithdrawalCause,
)

UPDATE_LIMIT = "publicity.update_decision_changed"


@dataclass(frozen=True)
class Change:
    """What staff register about a decision (validated at the edge)."""

    cause: WithdrawalCause
    occurred_on: date
    reason: str  # for the public notice
    decision_ref: str  # 文号 of the deciding document (复议决定书、判决书、变更决定书 …)


def _needs_withdrawal(cause: WithdrawalCause, kind: str) -> bool:
    return cause is not WithdrawalCause.changed or kind == "penalty"


def _open_task(db: Session, model: type[Withdrawal] | type[PublicationUpdate], ob: int) -> bool:
    found = db.scalar(
        select(model.id).where(model.obligation_id == ob, model.status != TaskStatus.done)
    )
    return found is not None


def register(
    db: Session, obligation_id: int, who: Principal, change: Change
) -> tuple[Withdrawal | None, PublicationUpdate | None]:
    """Open the withdrawal and/or update obligations the change calls for."""
    obligation = service.get_obligation(db, obligation_id)
    if not change.reason.strip():
        raise DomainError("请填写向公众说明的撤下理由", "reason")
    if not change.decision_ref.strip():
        raise DomainError("请填写作出变更、撤销等决定的文书文号", "decision_ref")
    problem = validation.change_problem(change.occurred_on, obligation.decided_on)
    if problem:
        raise DomainError(problem, "occurred_on")
    if corrections.current_version(db, obligation_id) is None:
        raise Conflict("该决定的公示当前不在公示中，无需撤下或更新")
    if _open_task(db, Withdrawal, obligation_id) or _open_task(
        db, PublicationUpdate, obligation_id
    ):
        raise Conflict("该公示已有未完成的撤下或更新事项")
    calendar = working_calendar(db)
    common = {
        "obligation_id": obligation_id,
        "decision_ref": change.decision_ref.strip()[:200],
        "occurred_on": change.occurred_on,
        "responsible_id": who.user_id,
        "unit_id": obligation.unit_id,
        "status": TaskStatus.open,
    }
    withdrawal = update = None
    actor = actor_name(who)
    if _needs_withdrawal(change.cause, obligation.kind):
        row, when = withdrawal_due(calendar, obligation.kind, change.occurred_on)
        withdrawal = Withdrawal(
            cause=change.cause,
            reason=change.reason.strip()[:1000],
            limit_code=row.code,
            due_on=when.date,
            due_provisional=when.provisional,
            basis=when.basis[:1000],
            requested_by=who.user_id,
            requested_at=utcnow(),
            **common,
        )
        db.add(withdrawal)
        db.flush()
        record_change(db, actor, "withdrawal.register", withdrawal)
    if change.cause is WithdrawalCause.changed:
        when = due(calendar, UPDATE_LIMIT, change.occurred_on)
        update = PublicationUpdate(
            withdrawal_id=withdrawal.id if withdrawal else None,
            limit_code=UPDATE_LIMIT,
            due_on=when.date,
            due_provisional=when.provisional,
            basis=when.basis[:1000],
            **common,
        )
        db.add(update)
        record_change(db, actor, "update.register", update)
    return withdrawal, update


def get_withdrawal(db: Session, withdrawal_id: int) -> Withdrawal:
    row = db.get(Withdrawal, withdrawal_id)
    if row is None:
        raise NotFound("撤下事项不存在")
    return row


def get_update(db: Session, update_id: int) -> PublicationUpdate:
    row = db.get(PublicationUpdate, update_id)
    if row is None:
        raise NotFound("更新事项不存在")
    return row


def of_obligation(
    db: Session, obligation_id: int
) -> tuple[list[Withdrawal], list[PublicationUpdate]]:
    withdrawals = db.scalars(
        select(Withdrawal).where(Withdrawal.obligation_id == obligation_id).order_by(Withdrawal.id)
    )
    updates = db.scalars(
        select(PublicationUpdate)
        .where(PublicationUpdate.obligation_id == obligation_id)
        .order_by(PublicationUpdate.id)
    )
    return list(withdrawals), list(updates)


def perform(db: Session, withdrawal_id: int, who: Principal) -> Withdrawal:
    """Take the version on the portal down, with the reason, and tell every channel."""
    row = get_withdrawal(db, withdrawal_id)
    if row.status is TaskStatus.done:
        raise Conflict("该撤下事项已完成")
    pub = corrections.current_version(db, row.obligation_id)
    if pub is None:
        raise Conflict("该公示当前不在公示中（可能已期满），无需撤下")
    actor = actor_name(who)
    now = utcnow()
    pub.status = PublicationStatus.withdrawn
    pub.ended_at = now
    pub.end_reason = row.reason
    record_change(db, actor, "publication.withdraw", pub)
    outbox.enqueue(db, pub, OutboxEvent.withdraw, note=row.reason)
    row.status = TaskStatus.done
    row.publication_id = pub.id
    row.done_at = now
    row.done_on = today()
    row.done_by = who.user_id
    record_change(db, actor, "withdrawal.done", row)
    return row


def _update_base(db: Session, obligation_id: int) -> Publication | None:
    """The version the update replaces: the one on the portal, or the withdrawn one."""
    return db.scalar(
        select(Publication)
        .where(
            Publication.obligation_id == obligation_id,
            Publication.status.in_((PublicationStatus.published, PublicationStatus.withdrawn)),
        )
        .order_by(Publication.version.desc())
        .limit(1)
    )


def propose_update(db: Session, settings: Settings, update_id: int, who: Principal) -> Publication:
    """Build the new version from the changed decision (a draft for a second person)."""
    row = get_update(db, update_id)
    if row.status is TaskStatus.done:
        raise Conflict("该更新事项已完成")
    if row.withdrawal_id is not None:
        withdrawal = get_withdrawal(db, row.withdrawal_id)
        if withdrawal.status is not TaskStatus.done:
            raise Conflict("须先撤回原行政处罚决定信息并说明理由，再公示变更后的决定")
    obligation = service.get_obligation(db, row.obligation_id)
    doc = service.current_decision(db, obligation)
    if doc.id == obligation.document_id:
        raise Conflict("变更后的决定书尚未签发（决定书须以新版本签发），暂不能更新公示")
    base = _update_base(db, row.obligation_id)
    if base is None:
        raise Conflict("该公示没有可更新的版本")
    snapshot = corrections.rebuilt_snapshot(db, settings, obligation, base, doc.issue_date)
    pub = corrections.draft_version(db, base, snapshot, who, row.new_publication_id)
    db.flush()
    row.status = TaskStatus.proposed
    row.proposed_by = who.user_id
    row.new_publication_id = pub.id
    record_change(db, actor_name(who), "update.propose", row)
    return pub


def update_note(day: date, decision_ref: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日更新：原决定已依法变更（{decision_ref}）"


def approve_update(db: Session, update_id: int, who: Principal) -> Publication:
    row = get_update(db, update_id)
    if row.status is not TaskStatus.proposed or row.new_publication_id is None:
        raise Conflict("该更新事项没有待批准发布的新版本")
    if row.proposed_by == who.user_id:
        raise Forbidden("更新须由拟稿人以外的有发布权限的人员批准发布")
    pub = service.get_publication(db, row.new_publication_id)
    day = today()
    corrections.publish_version(
        db, pub, who, OutboxEvent.update, update_note(day, row.decision_ref)
    )
    row.status = TaskStatus.done
    row.done_at = utcnow()
    row.done_on = day
    row.done_by = who.user_id
    record_change(db, actor_name(who), "update.done", row)
    return pub

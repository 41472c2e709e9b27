"""Use cases of 事后公示: obligations from issued decisions, the deadline board, drafts,
review, publishing, exemptions and the end of the publication period.

How obligations appear (no edit of recording/): `sync_obligations(db)` finds issued
decision documents (`rules.DECISION_DOCUMENTS`) that have no obligation yet and creates
one each, ledgered. It runs whenever the board or the publicity API is read, and by
`zhifa publicity sync` / `zhifa publicity expire` (cron or a systemd timer). A session-
event listener inside the documents' issuing transaction would be immediate, but it would
run publicity code inside another feature's transaction and make its failures theirs; the
sync is idempotent (unique document_id) and catches up after any outage. The due day is
counted from the decision's issue date, so when the sync runs does not move it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change, record_document
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from zhifa.core.features import JobContext
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.time_limits import stricter_due
from zhifa.enforcement.models import Action, ActionOfficer
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.publicity import duties, outbox, rules, snapshots, validation
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.duties import Duty, DutyKind
from zhifa.publicity.models import (
    FROZEN_COLUMNS,
    ExemptionStatus,
    ObligationStatus,
    Publication,
    PublicationExemption,
    PublicationObligation,
    PublicationStatus,
)
from zhifa.recording.documents.models import Document, DocumentStatus
from zhifa.recording.documents.service import as_it_stands

# ---- the frozen snapshot guard -------------------------------------------------------------


class FrozenPublication(Conflict):
    pass


@event.listens_for(Publication, "before_update")
def _refuse_frozen_change(_mapper: Any, _connection: Any, target: Publication) -> None:
    """Last line of defence: a published snapshot's columns never change."""
    state = inspect(target)
    history = state.attrs.status.history
    before = history.deleted[0] if history.deleted else target.status
    if before in (PublicationStatus.draft, PublicationStatus.reviewed):
        return
    changed = [c for c in FROZEN_COLUMNS if state.attrs[c].history.has_changes()]
    if changed:
        raise FrozenPublication(f"已发布的公示快照不能修改（{'、'.join(sorted(changed))}）")


# ---- obligations ----------------------------------------------------------------------------


def _lead_and_unit(db: Session, action: Action) -> tuple[int | None, int | None]:
    rows = sorted(
        db.scalars(select(ActionOfficer).where(ActionOfficer.action_id == action.id)),
        key=lambda row: (not row.lead, row.id),
    )
    lead = rows[0].officer_id if rows else action.opened_by
    unit = action.unit_id
    if unit is None and lead is not None:
        user = db.get(User, lead)
        unit = user.unit_id if user else None
    return lead, unit


def obligation_due(
    calendar: WorkingCalendar, kind: str, decided_on: date
) -> tuple[str, date, bool, str]:
    """(limit code, due day, provisional, basis): every applicable rule compared, the
    stricter applied."""
    row, due = stricter_due(calendar, rules.limit_codes(kind), decided_on)
    return row.code, due.date, due.provisional, due.basis


def sync_obligations(db: Session) -> int:
    """Create the obligations of issued decisions that have none; returns how many."""
    # NOT IN over a column holding NULL (a 双随机 result's obligation) would match nothing.
    known = select(PublicationObligation.document_id).where(
        PublicationObligation.document_id.is_not(None)
    )
    docs = list(
        db.scalars(
            select(Document)
            .where(
                Document.kind.in_(rules.DECISION_DOCUMENTS),
                Document.status == DocumentStatus.issued,
                Document.supersedes_id.is_(None),
                Document.id.not_in(known),
            )
            .order_by(Document.id)
        )
    )
    if not docs:
        return 0
    calendar = working_calendar(db)
    for doc in docs:
        action = db.get(Action, doc.action_id)
        assert action is not None and doc.issue_date is not None
        kind = rules.DECISION_DOCUMENTS[doc.kind]
        code, due_on, provisional, basis = obligation_due(calendar, kind, doc.issue_date)
        lead, unit = _lead_and_unit(db, action)
        row = PublicationObligation(
            action_id=action.id,
            document_id=doc.id,
            kind=kind,
            decided_on=doc.issue_date,
            limit_code=code,
            due_on=due_on,
            due_provisional=provisional,
            basis=basis[:1000],
            responsible_id=lead,
            unit_id=unit,
            status=ObligationStatus.open,
        )
        db.add(row)
        record_change(db, None, "publication.obligation", row)
    return len(docs)


def expire_publications(db: Session, on: date | None = None) -> int:
    """End every publication whose 公示截止期 has passed (it is shown through that day)."""
    day = on or today()
    rows = list(
        db.scalars(
            select(Publication).where(
                Publication.status == PublicationStatus.published,
                Publication.public_until.is_not(None),
                Publication.public_until < day,
            )
        )
    )
    for pub in rows:
        pub.status = PublicationStatus.expired
        pub.ended_at = utcnow()
        pub.end_reason = f"公示期满（公示截止期 {pub.public_until}），自动停止公示"
        record_change(db, None, "publication.expire", pub)
        outbox.enqueue(db, pub, OutboxEvent.expire)
    return len(rows)


def refresh(db: Session, on: date | None = None) -> tuple[int, int]:
    """Sync obligations, end expired publications and run the other duty sources'
    catch-up work (`duties.refresh_all`), committed; (created, expired)."""
    created = sync_obligations(db)
    expired = expire_publications(db, on)
    duties.refresh_all(db)
    db.commit()
    return created, expired


def refresh_job(context: JobContext) -> str:
    """The scheduled job: `refresh` — obligations of newly issued decisions, publications
    whose 公示截止期 passed, and every duty source's catch-up work."""
    with context.factory() as db:
        created, expired = refresh(db)
    return f"新增公示义务 {created} 项；公示期满停止公示 {expired} 项"


# ---- the board ------------------------------------------------------------------------------


# The board's task words before the duty list was shared with the overdue report; links
# and bookmarks that use them keep working.
@dataclass(frozen=True)
class BoardRow:
    duty: Duty
    state: rules.BoardState
    days_left: int
    late: bool  # completed after the due day
    obligation: PublicationObligation | None  # the decision's, for duties about one
    publication: Publication | None  # its latest version


def latest_publication(db: Session, obligation_id: int) -> Publication | None:
    return db.scalar(
        select(Publication)
        .where(Publication.obligation_id == obligation_id)
        .order_by(Publication.version.desc(), Publication.id.desc())
        .limit(1)
    )


def board(
    db: Session,
    *,
    on: date | None = None,
    unit_id: int | None = None,
    kind: str | None = None,
    person_id: int | None = None,
    state: rules.BoardState | None = None,
    task: DutyKind | None = None,
    who: Principal | None = None,
) -> list[BoardRow]:
    """Every publicity duty (`duties.duties`) with its state, filtered by unit, the
    decision's kind (which leaves out duties about no decision), the person responsible,
    the state and the task; given ``who``, only the duties that person may read."""
    day = on or today()
    calendar = working_calendar(db)
    order = list(DutyKind)
    visible = visible_obligation_ids(db, who) if who is not None else None
    rows = []
    for duty in sorted(
        duties.duties(db, kind=task),
        key=lambda d: (d.due_on, order.index(d.kind), d.record_id),
    ):
        if (unit_id is not None and duty.unit_id != unit_id) or (
            kind and duty.decision_kind != kind
        ):
            continue
        if person_id is not None and duty.person_id != person_id:
            continue
        if who is not None and not readable_duty(duty, who, visible):
            continue
        done = duty.done_on is not None
        row_state, left = rules.board_state(calendar, duty.due_on, day, done=done)
        if state is not None and row_state is not state:
            continue
        rows.append(_row(db, duty, row_state, left))
    return rows


def _row(db: Session, duty: Duty, row_state: rules.BoardState, left: int) -> BoardRow:
    ob = db.get(PublicationObligation, duty.obligation_id) if duty.obligation_id else None
    return BoardRow(
        duty=duty,
        state=row_state,
        days_left=left,
        late=duty.done_on is not None and duty.done_on > duty.due_on,
        obligation=ob,
        publication=latest_publication(db, ob.id) if ob else None,
    )


def board_people(db: Session) -> set[int]:
    """Everyone responsible for some duty (the board's person filter)."""
    return {d.person_id for d in duties.duties(db) if d.person_id is not None}


def reads_all_publicity(who: Principal) -> bool:
    """The legal section reviews every publication; others read those of their cases."""
    return who.can(Permission.publication_review)


def visible_obligation_ids(db: Session, who: Principal) -> set[int] | None:
    """The obligations whose drafts, withdrawn and exempted versions ``who`` may read
    (None: all of them)."""
    if reads_all_publicity(who):
        return None
    query = select(PublicationObligation.id)
    return set(db.scalars(of_visible_actions(query, PublicationObligation.action_id, who)))


def obligation_for(
    db: Session, obligation_id: int, who: Principal, missing: str = "公示义务不存在"
) -> PublicationObligation:
    """The obligation, if ``who`` may read it; otherwise answered as missing."""
    row = db.get(PublicationObligation, obligation_id)
    visible = visible_obligation_ids(db, who) if row is not None else set()
    if row is None or (visible is not None and row.id not in visible):
        raise NotFound(missing)
    return row


def publication_for(db: Session, publication_id: int, who: Principal) -> Publication:
    pub = db.get(Publication, publication_id)
    if pub is None:
        raise NotFound("公示不存在")
    obligation_for(db, pub.obligation_id, who, "公示不存在")
    return pub


def readable_duty(duty: Duty, who: Principal, visible: set[int] | None) -> bool:
    """Correction requests carry requesters' names and contacts: the legal section's alone.
    Filing a case is the archive's (its readers). Duties about a decision follow its case;
    catalogue and figures duties are for all."""
    if duty.kind is DutyKind.correction:
        return reads_all_publicity(who)
    if duty.kind is DutyKind.archive_filing:
        return who.can(Permission.archive_read)
    if visible is None or duty.obligation_id is None:
        return True
    return duty.obligation_id in visible


def get_obligation(db: Session, obligation_id: int) -> PublicationObligation:
    row = db.get(PublicationObligation, obligation_id)
    if row is None:
        raise NotFound("公示义务不存在")
    return row


def get_publication(db: Session, publication_id: int) -> Publication:
    row = db.get(Publication, publication_id)
    if row is None:
        raise NotFound("公示不存在")
    return row


def exemptions_of(db: Session, obligation_id: int) -> list[PublicationExemption]:
    return list(
        db.scalars(
            select(PublicationExemption)
            .where(PublicationExemption.obligation_id == obligation_id)
            .order_by(PublicationExemption.id)
        )
    )


# ---- drafts, review, publishing ---------------------------------------------------------------


def current_decision(db: Session, obligation: PublicationObligation) -> Document:
    """The decision as it stands: the newest issued correction of the original."""
    doc = db.get(Document, obligation.document_id)
    assert doc is not None
    return as_it_stands(db, doc)


def _require_open(obligation: PublicationObligation) -> None:
    if obligation.status is not ObligationStatus.open:
        raise Conflict("该公示义务已完成（已公示或经批准不予公开），不能再操作")


def _public_until(
    db: Session, rule: rules.PeriodRule, decided_on: date, fields: dict
) -> date | None:
    if rule.kind == "license":
        until = fields.get("valid_to")  # the licence decision's 有效期至
        return date.fromisoformat(str(until)) if until else None
    # The period is the rule's row, counted from the decision day (自认定之日起).
    due = rules.public_until(working_calendar(db), rule, decided_on)
    return due.date if due else None


def _period_rule(kind: str, severity: str | None, necessity: str) -> rules.PeriodRule:
    try:
        rule = rules.period_rule(kind, rules.severity_of(kind, severity))
    except ValueError as exc:
        raise InvalidInput(str(exc), "severity") from None
    problem = rules.necessity_problem(rule, necessity)
    if problem:
        raise InvalidInput(problem, "credit_necessity")
    return rule


def refuse_chosen_period(
    db: Session, rule: rules.PeriodRule, decided_on: date, months: int | None
) -> None:
    """The period is the rule's (令第36号), never a pick: a request naming months is
    refused with the range the rule sets for this decision."""
    if months is None:
        return
    window = rules.credit_window(working_calendar(db), rule, decided_on)
    if window is None:
        raise InvalidInput("公示期由规则确定，不能自选月数", "months")
    raise InvalidInput(
        f"公示期由《信用修复管理办法》按严重程度确定，不能自选：最早可申请信用修复日为"
        f"{people_date(window.earliest_repair)}，信用公示于{people_date(window.ends.date)}"
        "届满自动结束（其间办理信用修复的，提前结束）",
        "months",
    )


_CODE_KEYS = frozenset({"uscc", "authority_uscc", "source_uscc", "doc_number"})


def _leaks(snapshot: dict[str, Any]) -> list[str]:
    text = " ".join(str(i["value"]) for i in snapshot["items"] if i["key"] not in _CODE_KEYS)
    return snapshots.leaks(text)


def refuse_wrong(snapshot: dict[str, Any]) -> None:
    """Refuse a snapshot that states something its record could not (`validation`): the
    first problem, naming the item, with the item's key as the field."""
    found = validation.problems(snapshot, today())
    if found:
        raise DomainError(found[0].message, found[0].field)


def prepare_draft(
    db: Session,
    settings: Settings,
    obligation_id: int,
    who: Principal,
    *,
    severity: str | None = None,
    credit_necessity: str = "",
    months: int | None = None,
) -> Publication:
    """Build (or rebuild) the draft snapshot of an obligation's publication. A penalty's
    severity has no default; it decides the credit publicity, never whether the decision
    is published (安全生产法 第七十八条第二款). `months`: refused, the period is the rule's."""
    obligation = get_obligation(db, obligation_id)
    _require_open(obligation)
    necessity = credit_necessity.strip()[:500]
    rule = _period_rule(obligation.kind, severity, necessity)
    refuse_chosen_period(db, rule, obligation.decided_on, months)
    if obligation.kind not in rules.ITEMS:
        raise DomainError("该类决定不在事后公示范围内")
    if obligation.document_id is None:  # a 双随机 result: its snapshot comes from its task
        raise DomainError("双随机抽查结果的公示草稿请在该批次的检查任务页面生成")
    doc = current_decision(db, obligation)
    until = _public_until(db, rule, obligation.decided_on, doc.fields or {})
    decision = snapshots.Decision(
        kind=obligation.kind,
        document_kind=doc.kind,
        doc_number=doc.doc_number or "",
        decided_on=obligation.decided_on,
        fields=dict(doc.fields or {}),
        context=dict(doc.context or {}),
    )
    snap = snapshots.build(
        decision,
        bureau=snapshots.Bureau(settings.bureau_name, settings.bureau_uscc),
        public_until=until,
        name_mode=settings.publicity_person_name,
    )
    return save_draft(db, obligation, snap, rule, until, who, credit_necessity=necessity)


def save_draft(
    db: Session,
    obligation: PublicationObligation,
    snap: dict[str, Any],
    rule: rules.PeriodRule,
    until: date | None,
    who: Principal,
    *,
    credit_necessity: str = "",
) -> Publication:
    """Write `snap` as the obligation's draft (a new one, or the unpublished one rebuilt:
    its review is cleared), ledgered; refused when it states something it could not."""
    _require_open(obligation)
    if _leaks(snap):  # pragma: no cover - the desensitiser masks these; a broken invariant
        raise DomainError("公示内容中仍有未脱敏的证件号或手机号，已拒绝生成")
    refuse_wrong(snap)
    necessity = credit_necessity
    text = snapshots.canonical(snap)
    pub = latest_publication(db, obligation.id)
    if pub is not None and pub.status not in (PublicationStatus.draft, PublicationStatus.reviewed):
        raise Conflict("该公示已发布，发布后的快照不能修改")
    if pub is None:
        pub = Publication(
            obligation_id=obligation.id,
            version=1,
            kind=obligation.kind,
            created_by=who.user_id,
        )
        db.add(pub)
    pub.status = PublicationStatus.draft
    pub.severity = rule.severity.value
    pub.period_code = rule.code
    pub.period_months = rule.max_months
    pub.public_until = until
    pub.credit_necessity = necessity
    pub.snapshot = snap
    pub.snapshot_json = text
    pub.digest = snapshots.digest(text)
    pub.reviewed_digest = None
    pub.reviewed_by = None
    pub.reviewed_at = None
    pub.review_note = ""
    record_change(db, actor_name(who), "publication.draft", pub)
    return pub


def _editable(db: Session, publication_id: int) -> Publication:
    pub = get_publication(db, publication_id)
    if pub.status not in (PublicationStatus.draft, PublicationStatus.reviewed):
        raise FrozenPublication("该公示已发布，发布后的快照不能修改")
    return pub


def revise_draft(
    db: Session,
    settings: Settings,
    publication_id: int,
    who: Principal,
    *,
    severity: str | None,
    credit_necessity: str = "",
    months: int | None = None,
) -> Publication:
    pub = _editable(db, publication_id)
    return prepare_draft(
        db,
        settings,
        pub.obligation_id,
        who,
        severity=severity,
        credit_necessity=credit_necessity,
        months=months,
    )


def review(db: Session, publication_id: int, who: Principal, note: str = "") -> Publication:
    """The legal section's review of exactly this snapshot (its digest is fixed)."""
    pub = _editable(db, publication_id)
    if pub.status is not PublicationStatus.draft:
        raise Conflict("该公示已审核，待发布")
    _require_open(get_obligation(db, pub.obligation_id))
    pub.status = PublicationStatus.reviewed
    pub.reviewed_digest = pub.digest
    pub.reviewed_by = who.user_id
    pub.reviewed_at = utcnow()
    pub.review_note = note.strip()[:500]
    record_change(db, actor_name(who), "publication.review", pub)
    return pub


class FrozenSnapshot(Protocol):
    """A row holding a frozen snapshot: a publication or a public snapshot."""

    snapshot_json: str
    digest: str
    ledger_index: int | None


def ledger_snapshot(
    db: Session, row: FrozenSnapshot, *, kind: str, subject: str, actor: str
) -> None:
    """Ledger the snapshot itself, so that the entry's payload_sha256 *is* the published
    digest: anyone holding the public JSON can check it against the public log. `subject`
    is not the row's own: row checks compare a row with its latest row entry."""
    entry = record_document(db, actor, kind, subject, json.loads(row.snapshot_json))
    if entry.payload_sha256 != row.digest:
        raise Conflict("公示快照的规范文本与摘要不一致，不能发布")
    row.ledger_index = entry.index


def record_snapshot(db: Session, pub: Publication, actor: str) -> None:
    """Ledger a decision publication's snapshot (`/p/<id>.json`)."""
    subject = f"publication-snapshot:{pub.id}"
    ledger_snapshot(db, pub, kind="publication.snapshot", subject=subject, actor=actor)


def publish(db: Session, publication_id: int, who: Principal) -> Publication:
    """Freeze the reviewed snapshot: public from now, ledgered with its digest."""
    pub = get_publication(db, publication_id)
    if pub.status is not PublicationStatus.reviewed:
        if pub.status is PublicationStatus.draft:
            raise Conflict("公示草稿须经法制审核后才能发布")
        raise FrozenPublication("该公示已发布，不能重复发布")
    obligation = get_obligation(db, pub.obligation_id)
    _require_open(obligation)
    if pub.reviewed_digest != pub.digest or snapshots.digest(pub.snapshot_json) != pub.digest:
        raise Conflict("公示内容与审核时不一致，请重新审核")
    refuse_wrong(snapshot_as_of(pub))
    pub.status = PublicationStatus.published
    pub.published_by = who.user_id
    pub.published_at = utcnow()
    record_snapshot(db, pub, actor_name(who))
    record_change(db, actor_name(who), "publication.publish", pub)
    outbox.enqueue(db, pub, OutboxEvent.publish)
    obligation.status = ObligationStatus.published
    obligation.completed_on = today()
    record_change(db, actor_name(who), "publication.fulfil", obligation)
    return pub


# ---- exemptions (依法不予公开) ---------------------------------------------------------------


def request_exemption(
    db: Session, obligation_id: int, who: Principal, reason: str, basis: str
) -> PublicationExemption:
    obligation = get_obligation(db, obligation_id)
    _require_open(obligation)
    if not reason.strip():
        raise DomainError("请填写不予公开的理由", "reason")
    if not basis.strip():
        raise DomainError("请填写不予公开的法律依据", "basis")
    pending = [e for e in exemptions_of(db, obligation_id) if e.status is ExemptionStatus.pending]
    if pending:
        raise Conflict("已有待批准的不予公开申请")
    row = PublicationExemption(
        obligation_id=obligation_id,
        reason=reason.strip()[:1000],
        basis=basis.strip()[:500],
        requested_by=who.user_id,
        requested_at=utcnow(),
        status=ExemptionStatus.pending,
    )
    db.add(row)
    record_change(db, actor_name(who), "publication.exemption_request", row)
    return row


def exemption_for(db: Session, exemption_id: int, who: Principal) -> PublicationExemption:
    """The exemption request, if ``who`` may read its obligation; otherwise missing."""
    row = db.get(PublicationExemption, exemption_id)
    if row is None:
        raise NotFound("不予公开申请不存在")
    obligation_for(db, row.obligation_id, who, "不予公开申请不存在")
    return row


def decide_exemption(
    db: Session, exemption_id: int, who: Principal, *, approve: bool, note: str = ""
) -> PublicationExemption:
    row = db.get(PublicationExemption, exemption_id)
    if row is None:
        raise NotFound("不予公开申请不存在")
    if row.status is not ExemptionStatus.pending:
        raise Conflict("该申请已处理")
    if row.requested_by == who.user_id:
        raise Forbidden("不予公开须由申请人以外的有发布权限的人员批准")
    obligation = get_obligation(db, row.obligation_id)
    _require_open(obligation)
    if not approve and not note.strip():
        raise DomainError("不批准的，请说明理由", "note")
    row.status = ExemptionStatus.approved if approve else ExemptionStatus.refused
    row.decided_by = who.user_id
    row.decided_at = utcnow()
    row.decision_note = note.strip()[:500]
    record_change(db, actor_name(who), "publication.exemption_decision", row)
    if approve:
        obligation.status = ObligationStatus.exempted
        obligation.completed_on = today()
        record_change(db, actor_name(who), "publication.exempt", obligation)
    return row


def snapshot_as_of(pub: Publication) -> dict[str, Any]:
    """The snapshot exactly as stored (parsed from the canonical text)."""
    return json.loads(pub.snapshot_json)  # type: ignore[no-any-return]

"""Keeping the fact table in step with the records (记录办法 第十二条).

`refresh` reads the ledger from where it stopped: every state change of a record is a
ledger entry in the same transaction (invariant 2), so the entries name every action whose
facts may have changed and every new read in the access log. The facts of those actions
are recomputed whole, by the same rules the recording, documents and publicity pages use
(`action_recordings`, `service_deadline`, the obligations); time-dependent lateness (a duty
still open after its due day) is decided when the dashboard is read, not stored.

Why a fact table kept by a job rather than queries over the records at each request:
whether an activity had to be recorded and whether a gap is explained are decided by
Python rules over many rows (`recording.av`), which no query can repeat at 1,000,000
actions within 2 s; and this chapter reads other chapters' records without hooking into
their transactions. The job (`insight.weak_points`) keeps the backlog small and the page
runs the same refresh first, so what it shows is current.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from zhifa.core.audit import tracked_tables
from zhifa.core.db import transaction
from zhifa.core.features import JobContext
from zhifa.core.grants import GrantRecord, RecordGrant
from zhifa.core.models import AccessContext, AccessLog, User
from zhifa.enforcement.actions import procedure_of
from zhifa.enforcement.models import Action, ActionOfficer, ActionTransition, Activity
from zhifa.insight.weak_points.models import WeakPointCursor, WeakPointFact
from zhifa.insight.weak_points.rules import (
    Entered,
    FactKind,
    at_night,
    beijing_day,
    coverage,
    step_limit_done,
)
from zhifa.ledger.models import ledger_entry
from zhifa.publicity.models import (
    CorrectionRequest,
    CorrectionStatus,
    ObligationStatus,
    PublicationObligation,
)
from zhifa.recording.access.rules import EXPORT_REFUSED
from zhifa.recording.av.continuity import current_policy
from zhifa.recording.av.requirement import action_recordings
from zhifa.recording.documents.models import Document, DocumentStatus
from zhifa.recording.documents.service import service_deadline
from zhifa.supervision.reviews.models import (
    FindingState,
    ReviewFinding,
    ReviewRound,
    ReviewSheet,
    SheetStatus,
)
from zhifa.supervision.reviews.rounds import template_of

BATCH = 5000  # ledger entries read at a time
_ACTION_TABLES = {  # table -> how a row of it leads to its action
    "action": "self",
    "action_transition": Action,
    "activity": Action,
    "media": Action,
    "document": Action,
    "recording_exception": Action,
    "publication_obligation": Action,
    "interruption": Activity,
    "recording_notice": Activity,
    "recording_fact": Action,
    "recording_exception_decision": "exception",
    "document_service": "service",
    "correction_request": "correction",
    "case_review_sheet": Action,
    "case_review_finding": "sheet",
}
_PARENTS = {  # how -> (the parent's table, the column naming it)
    "exception": ("recording_exception", "exception_id"),
    "service": ("document", "document_id"),
    "correction": ("publication_obligation", "obligation_id"),
    "sheet": ("case_review_sheet", "sheet_id"),
}


def _fact(
    action: Action, kind: FactKind, record_type: str, record_id: int, **values: object
) -> WeakPointFact:
    return WeakPointFact(
        kind=kind.value,
        record_type=record_type,
        record_id=record_id,
        action_id=action.id,
        unit_id=action.unit_id,
        action_kind=action.kind.value,
        **values,
    )


def _recording_facts(db: Session, action: Action) -> Iterator[WeakPointFact]:
    for rec in action_recordings(db, action, current_policy(db)):
        link = f"/app/activities/{rec.activity.id}/recording"
        day = beijing_day(rec.activity.started_at)
        what = f"{action.title}：{rec.step.label}（{rec.activity.place}）"
        if rec.decision.mandatory:
            state = coverage(rec.state)
            yield _fact(
                action,
                FactKind.recording,
                "activity",
                rec.activity.id,
                state=state.value,
                day=day,
                label=what,
                link=link,
            )
        for gap in rec.line.gaps:
            explained = gap.key in rec.explained
            yield _fact(
                action,
                FactKind.gap,
                "gap",
                gap.after_id,  # a gap is known by the segment after it
                state="explained" if explained else "unexplained",
                day=beijing_day(gap.start),
                label=f"{what}：中断 {round(gap.seconds)} 秒",
                link=link,
            )


def _document_facts(db: Session, action: Action) -> Iterator[WeakPointFact]:
    query = select(Document).where(
        Document.action_id == action.id, Document.status == DocumentStatus.issued
    )
    for doc in db.scalars(query.order_by(Document.id)):
        link = f"/app/actions/{action.id}/documents/{doc.id}"
        name = f"{doc.doc_number or '（无文号）'}（{action.title}）"
        assert doc.issue_date is not None
        if doc.supersedes_id is not None:
            yield _fact(
                action,
                FactKind.corrected,
                "document",
                doc.id,
                day=doc.issue_date,
                label=f"{name}：{doc.correction_reason}",
                link=link,
            )
        deadline = service_deadline(db, doc)
        if deadline is not None:
            yield _fact(
                action,
                FactKind.service,
                "document",
                doc.id,
                day=deadline.due.date,
                due_on=deadline.due.date,
                done_on=deadline.served_on,
                label=name,
                link=link,
            )


def _step_facts(db: Session, action: Action) -> Iterator[WeakPointFact]:
    proc = procedure_of(action)
    query = select(ActionTransition).where(ActionTransition.action_id == action.id)
    moves = list(db.scalars(query.order_by(ActionTransition.id)))
    entered = [Entered(t.to_step, beijing_day(t.at), proc.step(t.to_step).final) for t in moves]
    for i, move in enumerate(moves):
        if move.limit_code is None or move.due_date is None:
            continue
        yield _fact(
            action,
            FactKind.step,
            "action_transition",
            move.id,
            day=move.due_date,
            due_on=move.due_date,
            done_on=step_limit_done(move.limit_code, entered[i + 1 :]),
            label=f"{action.title}：{proc.step(move.to_step).label}",
            link=f"/app/actions/{action.id}",
        )


def _publicity_facts(db: Session, action: Action) -> Iterator[WeakPointFact]:
    query = select(PublicationObligation).where(PublicationObligation.action_id == action.id)
    for ob in db.scalars(query.order_by(PublicationObligation.id)):
        if ob.status is ObligationStatus.exempted:
            continue  # lifted by an approved decision not to publish
        done = ob.completed_on if ob.status is ObligationStatus.published else None
        yield _fact(
            action,
            FactKind.publication,
            "publication_obligation",
            ob.id,
            day=ob.due_on,
            due_on=ob.due_on,
            done_on=done,
            label=action.title,
            link=f"/app/publicity/obligations/{ob.id}",
        )
        answered = select(CorrectionRequest).where(
            CorrectionRequest.obligation_id == ob.id,
            CorrectionRequest.status.in_((CorrectionStatus.corrected, CorrectionStatus.rejected)),
        )
        for row in db.scalars(answered.order_by(CorrectionRequest.id)):
            yield _fact(
                action,
                FactKind.correction,
                "correction_request",
                row.id,
                state=row.status.value,
                day=row.decided_on or row.received_on,
                label=f"{row.receipt_number}（{action.title}）",
                link=f"/app/publicity/corrections/{row.id}",
            )


def _deduction_facts(db: Session, action: Action) -> Iterator[WeakPointFact]:
    """Confirmed deductions (not vetoes) on the case's submitted review sheets, on the day
    the sheet was submitted; findings on a sheet still open are not the review's yet."""
    query = (
        select(ReviewFinding, ReviewSheet)
        .join(ReviewSheet, ReviewSheet.id == ReviewFinding.sheet_id)
        .where(
            ReviewSheet.action_id == action.id,
            ReviewSheet.status == SheetStatus.submitted,
            ReviewFinding.state == FindingState.confirmed,
        )
    )
    for finding, sheet in db.execute(query.order_by(ReviewFinding.id)):
        review_round = db.get(ReviewRound, sheet.round_id)
        assert review_round is not None and sheet.submitted_at is not None
        item = template_of(review_round).item(finding.code)
        if item is None:
            continue  # a veto item: it grades the file, it takes no points
        yield _fact(
            action,
            FactKind.deduction,
            "case_review_finding",
            finding.id,
            day=beijing_day(sheet.submitted_at),
            label=f"{action.title}：{item[1].text}，扣 {finding.points} 分",
            link=f"/app/supervision/reviews/sheets/{sheet.id}",
        )


def action_facts(db: Session, action: Action) -> list[WeakPointFact]:
    """Every fact of one action, as the records stand."""
    return [
        *_recording_facts(db, action),
        *_document_facts(db, action),
        *_step_facts(db, action),
        *_publicity_facts(db, action),
        *_deduction_facts(db, action),
    ]


_ACTION_KINDS = [
    k.value
    for k in (
        FactKind.recording,
        FactKind.gap,
        FactKind.service,
        FactKind.corrected,
        FactKind.step,
        FactKind.publication,
        FactKind.correction,
        FactKind.deduction,
    )
]


def _replace_action_facts(db: Session, action_ids: Iterable[int]) -> None:
    ids = sorted(set(action_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        db.execute(
            delete(WeakPointFact).where(
                WeakPointFact.action_id.in_(chunk), WeakPointFact.kind.in_(_ACTION_KINDS)
            )
        )
        for action in db.scalars(select(Action).where(Action.id.in_(chunk))):
            db.add_all(action_facts(db, action))
    db.flush()


# ---- reads ------------------------------------------------------------------------------


def _had_part(db: Session, user_id: int, action: Action, at: datetime) -> bool:
    """An officer of the case, who opened it, or granted access to it at the time."""
    if action.opened_by == user_id:
        return True
    officer = select(ActionOfficer.id).where(
        ActionOfficer.action_id == action.id, ActionOfficer.officer_id == user_id
    )
    granted = select(RecordGrant.id).where(
        RecordGrant.grantee_id == user_id,
        RecordGrant.record_type == GrantRecord.action,
        RecordGrant.record_id == action.id,
        RecordGrant.granted_at <= at,
        RecordGrant.valid_until > at,
        or_(RecordGrant.revoked_at.is_(None), RecordGrant.revoked_at > at),
    )
    return db.scalar(officer) is not None or db.scalar(granted) is not None


def read_facts(db: Session, log: AccessLog, action_id: int | None) -> list[WeakPointFact]:
    """The facts of one read: refused export, at night, of a case the reader has no part in."""
    reader = db.get(User, log.user_id)
    action = db.get(Action, action_id) if action_id is not None else None
    day = beijing_day(log.at)
    name = reader.full_name if reader else f"#{log.user_id}"
    what = f"{name}：{action.title if action else log.record_type}"
    base = {
        "record_type": "access_log",
        "record_id": log.id,
        "action_id": action.id if action else None,
        "unit_id": reader.unit_id if reader else None,
        "action_kind": action.kind.value if action else None,
        "person_id": log.user_id,
        "day": day,
        "label": what,
        "link": f"/app/access-log?user={log.user_id}&from={day}&to={day}",
    }
    out = []
    if log.record_type == EXPORT_REFUSED:
        out.append(WeakPointFact(kind=FactKind.export_refused.value, **base))
    if at_night(log.at):
        out.append(WeakPointFact(kind=FactKind.night.value, **base))
    if action is not None and not _had_part(db, log.user_id, action, log.at):
        out.append(WeakPointFact(kind=FactKind.no_part.value, **base))
    return out


def _case_read(log: AccessLog, action_id: int | None) -> int | None:
    """The case a read names: its context's, else the case page's own record (the case
    page logs the case as the record read, with no case in the context)."""
    if action_id is None and log.record_type == "action" and (log.record_id or "").isdigit():
        return int(log.record_id or 0)
    return action_id


def _add_reads(db: Session, log_ids: Iterable[int]) -> None:
    ids = sorted(set(log_ids))
    for start in range(0, len(ids), 500):
        query = (
            select(AccessLog, AccessContext.action_id)
            .outerjoin(AccessContext, AccessContext.access_id == AccessLog.id)
            .where(AccessLog.id.in_(ids[start : start + 500]))
        )
        for log, action_id in db.execute(query):
            db.add_all(read_facts(db, log, _case_read(log, action_id)))
    db.flush()


# ---- following the ledger ---------------------------------------------------------------


def _actions_of(db: Session, table: str, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    how = _ACTION_TABLES[table]
    if how == "self":
        return ids
    model = tracked_tables()[table]
    if how is Action:
        return set(db.scalars(select(model.action_id).where(model.id.in_(ids))))
    if how is Activity:
        query = select(Activity.action_id).join(model, model.activity_id == Activity.id)
        return set(db.scalars(query.where(model.id.in_(ids))))
    parent, column = _PARENTS[how]
    up = set(db.scalars(select(getattr(model, column)).where(model.id.in_(ids))))
    return _actions_of(db, parent, up)


def refresh(db: Session) -> int:
    """Bring the facts up to the ledger's end (in the caller's transaction); how many
    ledger entries were read. Concurrent refreshers wait on the cursor's row lock."""
    cursor = db.scalar(select(WeakPointCursor).where(WeakPointCursor.id == 1).with_for_update())
    if cursor is None:
        cursor = WeakPointCursor(id=1, ledger_index=0)
        db.add(cursor)
    read = 0
    while True:
        query = (
            select(ledger_entry.c["index"], ledger_entry.c.subject)
            .where(ledger_entry.c["index"] >= cursor.ledger_index)
            .order_by(ledger_entry.c["index"])
            .limit(BATCH)
        )
        rows = db.execute(query).all()
        if not rows:
            return read
        _apply(db, [subject for _, subject in rows])
        cursor.ledger_index = rows[-1][0] + 1
        read += len(rows)


def _apply(db: Session, subjects: list[str]) -> None:
    by_table: dict[str, set[int]] = {}
    for subject in subjects:
        table, _, key = subject.partition(":")
        if (table in _ACTION_TABLES or table == "access_log") and key.isdigit():
            by_table.setdefault(table, set()).add(int(key))
    actions: set[int] = set()
    for table, ids in by_table.items():
        if table != "access_log":
            actions |= _actions_of(db, table, ids)
    _replace_action_facts(db, actions)
    _add_reads(db, by_table.get("access_log", set()))


def refresh_job(context: JobContext) -> str:
    """`insight.weak_points`: follow the ledger into the dashboard's facts."""
    with transaction(context.factory) as db:
        read = refresh(db)
    return f"读取账本条目 {read} 条"

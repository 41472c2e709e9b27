"""Use cases of disposal: a batch made from the due list, the appraisal group's
opinions (a new period for what is still needed), the leader's decision, the two
监销人, and execution — the one place content leaves the blob store — ending in the
销毁清册. Every step re-reads the due list, so an item that came under a hold, got a
mark, or was extended leaves the batch instead of being destroyed."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from zhifa.archive.disposal.due import DueItem, expired, unfiled_media
from zhifa.archive.disposal.models import (
    DisposalBatch,
    DisposalItem,
    DisposalOpinion,
    DisposalOutcome,
    DisposalWitness,
)
from zhifa.archive.disposal.references import Blob, item_blobs, shared
from zhifa.archive.disposal.register import names, register_pdf
from zhifa.archive.disposal.rules import (
    GONE,
    MAX_EXTEND_YEARS,
    MIN_WITNESSES,
    BatchStatus,
    BlobOutcome,
    ItemState,
    Opinion,
    TargetKind,
    appraisal_of,
    approver_problem,
    batch_number,
    item_state,
    witness_problem,
)
from zhifa.archive.holds.service import renew_locks
from zhifa.blobs import BlobLocked, BlobNotFound, BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import extend_lock, lock_after, open_blob_store, store_blob
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date
from zhifa.core.clock import today as local_today
from zhifa.core.db import transaction, utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.features import JobContext
from zhifa.core.time_limits import retention_end

MAX_REGISTER_BYTES = 50 * 1024 * 1024


class BatchIn(BaseModel):
    due_items: list[str] = Field(min_length=1, max_length=500)  # "archive_file:3", "media:7"
    note: str = Field(default="", max_length=500)


class ItemOpinionIn(BaseModel):
    disposal_item: int = Field(ge=1)
    appraisal_opinion: Opinion
    extend_years: int | None = Field(default=None, ge=1, le=MAX_EXTEND_YEARS)
    reason: str = Field(default="", max_length=500)


class OpinionsIn(BaseModel):
    appraisal_opinions: list[ItemOpinionIn] = Field(min_length=1)


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=500)


class WitnessIn(BaseModel):
    witness_statement: str = Field(min_length=2, max_length=500)


# ---- reading -------------------------------------------------------------------------------


def get_batch(db: Session, batch_id: int) -> DisposalBatch:
    batch = db.get(DisposalBatch, batch_id)
    if batch is None:
        raise NotFound("没有这个销毁批次")
    return batch


def batches(db: Session) -> list[DisposalBatch]:
    return list(db.scalars(select(DisposalBatch).order_by(DisposalBatch.id.desc())))


def opinions_of(db: Session, batch_id: int) -> list[DisposalOpinion]:
    query = select(DisposalOpinion).where(DisposalOpinion.batch_id == batch_id)
    return list(db.scalars(query.order_by(DisposalOpinion.id)))


def witnesses_of(db: Session, batch_id: int) -> list[DisposalWitness]:
    query = select(DisposalWitness).where(DisposalWitness.batch_id == batch_id)
    return list(db.scalars(query.order_by(DisposalWitness.id)))


def outcomes_of(db: Session, batch: DisposalBatch) -> dict[int, list[DisposalOutcome]]:
    ids = [item.id for item in batch.items]
    query = select(DisposalOutcome).where(DisposalOutcome.item_id.in_(ids))
    found: dict[int, list[DisposalOutcome]] = {i: [] for i in ids}
    for row in db.scalars(query.order_by(DisposalOutcome.id)):
        found[row.item_id].append(row)
    return found


# ---- the steps -----------------------------------------------------------------------------


def _status(batch: DisposalBatch, wanted: BatchStatus, what: str) -> None:
    if batch.status is not wanted:
        raise Conflict(f"该批次当前不在“{what}”环节")


def _recheck(db: Session, batch: DisposalBatch, today: date, actor: str | None) -> None:
    """Take out of the batch every proposed item that is no longer due: held, marked,
    given a new period, or filed since (a medium) — re-read at every step."""
    still = {(row.kind, row.target_id): row for row in expired(db, today) if not row.held}
    for item in batch.items:
        key = (item.target_kind, item.target_id)
        if item.state is ItemState.proposed and key not in still:
            item.state = ItemState.withdrawn
            item.note = "复核时已不符合销毁条件（保全、标记、延长保管期限或已归档）"
            record_change(db, actor, "archive.disposal.withdraw", item)


def create_batch(db: Session, data: BatchIn, who: Principal | None, today: date) -> DisposalBatch:
    """A batch of items chosen from today's due list, to be appraised."""
    due = {row.key: row for row in expired(db, today) if row.disposable}
    chosen: list[DueItem] = []
    for key in dict.fromkeys(data.due_items):
        if key not in due:
            raise DomainError(
                "所选条目不在到期清单中（可能已保全、已列入其他批次或未到期）", "due_items"
            )
        chosen.append(due[key])
    seq = db.scalar(
        select(func.count())
        .select_from(DisposalBatch)
        .where(DisposalBatch.number.like(f"XH{today.year}-%"))
    )
    batch = DisposalBatch(
        number=batch_number(today.year, (seq or 0) + 1),
        status=BatchStatus.appraisal,
        as_of=today,
        note=data.note.strip(),
        created_by=who.user_id if who else None,
    )
    db.add(batch)
    db.flush()
    items = [
        DisposalItem(
            batch_id=batch.id,
            target_kind=row.kind,
            target_id=row.target_id,
            action_id=row.action_id,
            code=row.code,
            title=row.title,
            keep_until=row.keep_until,
            state=ItemState.proposed,
        )
        for row in chosen
    ]
    db.add_all(items)
    record_change(db, actor_name(who), "archive.disposal.batch", batch, *items)
    return batch


def appraise(
    db: Session,
    store: BlobStore,
    batch_id: int,
    data: OpinionsIn,
    who: Principal,
    today: date,
) -> DisposalBatch:
    """One group member's opinion on every item still proposed (鉴定意见). When every
    item has opinions of `MIN_APPRAISERS` members, the appraisal concludes: an item any
    member wants kept gets a new period and leaves the batch; the batch goes to a leader."""
    batch = get_batch(db, batch_id)
    _status(batch, BatchStatus.appraisal, "鉴定")
    _recheck(db, batch, today, who.username)
    proposed = {item.id: item for item in batch.items if item.state is ItemState.proposed}
    given = {row.disposal_item: row for row in data.appraisal_opinions}
    if set(given) != set(proposed):
        raise DomainError("请对本批每一件拟销毁条目给出鉴定意见", "appraisal_opinions")
    if any(row.member_id == who.user_id for row in opinions_of(db, batch.id)):
        raise Conflict("您已提交过本批次的鉴定意见", "appraisal_opinions")
    rows = []
    for item_id, row in given.items():
        if row.appraisal_opinion is Opinion.extend and (
            not row.extend_years or len(row.reason.strip()) < 2
        ):
            raise DomainError(
                f"{proposed[item_id].code}：建议延长保管期限须填写年限和理由", "appraisal_opinions"
            )
        rows.append(
            DisposalOpinion(
                batch_id=batch.id,
                item_id=item_id,
                member_id=who.user_id,
                opinion=row.appraisal_opinion,
                extend_years=row.extend_years if row.appraisal_opinion is Opinion.extend else None,
                reason=row.reason.strip(),
            )
        )
    db.add_all(rows)
    record_change(db, who.username, "archive.disposal.opinion", *rows)
    _conclude(db, store, batch, who.username, today)
    return batch


def _conclude(db: Session, store: BlobStore, batch: DisposalBatch, actor: str, today: date) -> None:
    """The appraisal's end, once every proposed item has its opinions."""
    by_item: dict[int, list[tuple[int, Opinion, int | None]]] = {}
    for row in opinions_of(db, batch.id):
        by_item.setdefault(row.item_id, []).append((row.member_id, row.opinion, row.extend_years))
    proposed = [item for item in batch.items if item.state is ItemState.proposed]
    results = {item.id: appraisal_of(by_item.get(item.id, [])) for item in proposed}
    if any(result is None for result in results.values()):
        return
    calendar = working_calendar(db)
    for item in proposed:
        result = results[item.id]
        if result is None or not result.extend:
            continue
        assert result.years is not None
        item.state = ItemState.extended
        item.new_keep_until = retention_end(calendar, today, result.years * 12).date
        item.note = f"鉴定后重新划定保管期限{result.years}年（《档案法实施条例》第二十四条）"
        for digest, *_ in item_blobs(db, item):
            try:
                extend_lock(store, digest, lock_after(item.new_keep_until))
            except BlobNotFound:
                continue
        record_change(db, actor, "archive.disposal.extend", item)
    batch.status = BatchStatus.approval
    batch.appraised_at = utcnow()
    record_change(db, actor, "archive.disposal.appraised", batch)


def decide(
    db: Session, batch_id: int, data: DecisionIn, who: Principal, today: date
) -> DisposalBatch:
    """The leader approves the batch (on to the 监销人) or refuses it (its items go back
    to the due list)."""
    batch = get_batch(db, batch_id)
    _status(batch, BatchStatus.approval, "领导审批")
    members = {row.member_id for row in opinions_of(db, batch.id)}
    problem = approver_problem(who.user_id, batch.created_by, members)
    if problem:
        raise DomainError(problem, "approve")
    if not data.approve and len(data.note.strip()) < 2:
        raise DomainError("不批准时请写明理由", "note")
    _recheck(db, batch, today, who.username)
    batch.status = BatchStatus.supervision if data.approve else BatchStatus.rejected
    batch.decided_at = utcnow()
    batch.decided_by = who.user_id
    batch.decision_note = data.note.strip()
    record_change(db, who.username, "archive.disposal.decide", batch)
    return batch


def witness(
    db: Session, batch_id: int, data: WitnessIn, who: Principal, today: date
) -> DisposalWitness:
    """A 监销人 confirms; with `MIN_WITNESSES` distinct ones the batch may be executed."""
    batch = get_batch(db, batch_id)
    _status(batch, BatchStatus.supervision, "监销人确认")
    present = {row.user_id for row in witnesses_of(db, batch.id)}
    problem = witness_problem(who.user_id, batch.created_by, batch.decided_by, present)
    if problem:
        raise DomainError(problem, "witness_statement")
    _recheck(db, batch, today, who.username)
    row = DisposalWitness(
        batch_id=batch.id, user_id=who.user_id, statement=data.witness_statement.strip()
    )
    db.add(row)
    if len(present) + 1 >= MIN_WITNESSES:
        batch.status = BatchStatus.ready
    record_change(db, who.username, "archive.disposal.witness", row, batch)
    return row


# ---- execution: the one place content leaves the blob store ----------------------------------


def _check_executor(db: Session, batch: DisposalBatch, who: Principal) -> None:
    _status(batch, BatchStatus.ready, "执行销毁")
    present = {row.user_id for row in witnesses_of(db, batch.id)}
    if who.user_id in present or who.user_id == batch.decided_by:
        raise DomainError("监销人和审批领导不能执行本批销毁", "execute")


def _remove(store: BlobStore, digest: str) -> tuple[BlobOutcome, str]:
    try:
        store.remove(digest)
    except BlobLocked as exc:
        return BlobOutcome.locked, exc.message_zh
    except BlobNotFound:
        return BlobOutcome.missing, "执行时文件已不在存储中"
    return BlobOutcome.removed, ""


def _decided_before(
    db: Session, store: BlobStore, digest: str, item: DisposalItem
) -> tuple[BlobOutcome, str]:
    """What needs no removal: content shared with a record that stays, or removed by an
    earlier batch; else `pending` (to be removed now)."""
    if shared(db, digest, item):
        return BlobOutcome.shared, "与其他在存记录共用同一内容，内容保留"
    earlier = select(DisposalOutcome.id).where(
        DisposalOutcome.digest == digest, DisposalOutcome.outcome == BlobOutcome.removed
    )
    if db.scalar(earlier.limit(1)) is not None and not store.exists(digest):
        return BlobOutcome.removed, "此前已随其他销毁批次删除"
    return BlobOutcome.pending, ""


def _dispose_blob(
    factory: sessionmaker[Session],
    store: BlobStore,
    item_id: int,
    blob: Blob,
    actor: str,
) -> BlobOutcome:
    """One blob of an item: kept if shared; else recorded as pending, removed, and the
    store's answer recorded — so a crash between the two leaves the intent on record."""
    digest, size, item_no, title = blob
    with transaction(factory) as db:
        item = db.get(DisposalItem, item_id)
        assert item is not None
        outcome, detail = _decided_before(db, store, digest, item)
        row = DisposalOutcome(
            item_id=item_id,
            digest=digest,
            size=size,
            item_no=item_no,
            title=title[:300],
            outcome=outcome,
            detail=detail,
        )
        db.add(row)
        record_change(db, actor, "archive.disposal.blob", row)
    if outcome is not BlobOutcome.pending:
        return outcome
    outcome, detail = _remove(store, digest)
    with transaction(factory) as db:
        done = db.get(DisposalOutcome, row.id)
        assert done is not None
        done.outcome, done.detail, done.at = outcome, detail, utcnow()
        record_change(db, actor, "archive.disposal.blob", done)
    return outcome


def execute(
    factory: sessionmaker[Session],
    store: BlobStore,
    batch_id: int,
    who: Principal,
    today: date,
) -> int:
    """Destroy the approved, witnessed batch's items, one blob at a time (each outcome
    committed as it happens), then write the 销毁清册 and close the batch. Content shared
    with a record that stays is kept; content still locked stays, reported as such."""
    with transaction(factory) as db:
        batch = get_batch(db, batch_id)
        _check_executor(db, batch, who)
        _recheck(db, batch, today, who.username)
        items = [
            (item.id, item_blobs(db, item))
            for item in batch.items
            if item.state is ItemState.proposed
        ]
    for item_id, blobs in items:
        outcomes = [_dispose_blob(factory, store, item_id, blob, who.username) for blob in blobs]
        with transaction(factory) as db:
            item = db.get(DisposalItem, item_id)
            assert item is not None
            item.state = item_state(outcomes)
            record_change(db, who.username, "archive.disposal.item", item)
    with transaction(factory) as db:
        batch = get_batch(db, batch_id)
        _status(batch, BatchStatus.ready, "执行销毁")
        batch.status = BatchStatus.executed
        batch.executed_at = utcnow()
        batch.executed_by = who.user_id
        db.flush()
        pdf = register_pdf(db, batch)
        blob = store_blob(
            db, store, io.BytesIO(pdf), who, MAX_REGISTER_BYTES, retain_until=lock_after(None)
        )
        batch.register_digest = blob.digest
        record_change(db, who.username, "archive.disposal.execute", batch)
    return batch_id


def register_of(store: BlobStore, batch: DisposalBatch) -> bytes:
    if batch.register_digest is None:
        raise NotFound("该批次尚未执行，还没有销毁清册")
    with store.open(batch.register_digest) as stream:
        return stream.read()


# ---- for `zhifa verify` ----------------------------------------------------------------------


def disposed_blobs(db: Session) -> Mapping[str, str]:
    """Content gone by an approved, witnessed disposal: digest → batch and approval."""
    query = (
        select(
            DisposalOutcome.digest,
            DisposalBatch.number,
            DisposalBatch.decided_by,
            DisposalBatch.decided_at,
        )
        .join(DisposalItem, DisposalItem.id == DisposalOutcome.item_id)
        .join(DisposalBatch, DisposalBatch.id == DisposalItem.batch_id)
        .where(
            DisposalOutcome.outcome.in_(GONE),
            DisposalBatch.status.in_((BatchStatus.ready, BatchStatus.executed)),
            DisposalBatch.decided_by.is_not(None),
        )
    )
    people = names(db)
    return {
        digest: f"销毁批次 {number}，经{people.get(by or 0, '')}于{people_date(at)}批准销毁"
        for digest, number, by, at in db.execute(query)
    }


# ---- the monthly job -------------------------------------------------------------------------

#: How often the due list is read and hold locks are rolled on (once a month).
DUE_JOB_SECONDS = 30 * 24 * 3600  # not a legal limit: a job's interval


def lock_unfiled_media(db: Session, store: BlobStore, today: date) -> int:
    """Lock every unfiled inspection video still within its period through its last
    day (the 6 months of 第十条第三款, or longer). Ingest locks them as they are stored;
    this pass catches video stored before the rule existed, or on a store whose lock was
    set up later, and a longer schedule row approved since."""
    locked = 0
    for media, _action, keep in unfiled_media(db):
        if keep < today:
            continue
        for digest in (media.digest, media.thumbnail_digest):
            if digest and store.exists(digest):
                extend_lock(store, digest, lock_after(keep))
                locked += 1
    return locked


def due_job(context: JobContext) -> str:
    """`archive.disposal_due`: read the due list (the page shows it live) and roll on the
    locks of holds in force; says what is due."""
    store = open_blob_store(context.settings)
    day = local_today()
    with transaction(context.factory) as db:
        rows = expired(db, day)
        renewed = renew_locks(db, store, day)
        lock_unfiled_media(db, store, day)
    ready = [row for row in rows if row.disposable]
    files = sum(1 for row in ready if row.kind is TargetKind.archive_file)
    return (
        f"到期待鉴定 {len(ready)} 件（案卷 {files}，未归档视音频 {len(ready) - files}）；"
        f"保全或已列入批次 {len(rows) - len(ready)} 件；续期保全锁定 {renewed} 项"
    )

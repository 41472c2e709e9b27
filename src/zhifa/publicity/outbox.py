"""The transactional outbox (公示办法 第四条、第九条): every publication, update, correction,
withdrawal and expiry reaches every enabled channel, exactly once as far as the channel
can tell (the idempotency key), with retries and a receipt.

- `enqueue` runs in the transaction of the change: it writes one `OutboxMessage` and one
  `Delivery` per enabled channel. Inline channels (those that write into this database:
  the portal, the 信用中国 export batches) are delivered right there, so a failure rolls
  the change back and nothing is half public.
- `deliver_due` is the worker for the remote channels. Taking the channels in turn, it
  claims one due delivery at a time in a short transaction (PostgreSQL: ``FOR UPDATE
  SKIP LOCKED``; SQLite: every transaction begins IMMEDIATE, so claims are serialised)
  by writing a claim token and moving `next_attempt_at` past the call's time-out (a
  lease). It calls the channel with no transaction open, then records the outcome only
  if its claim still holds. A channel that fails for a passing reason rests until the
  next round. A worker that
  dies between the call and the commit leaves the delivery due again after the lease: it
  is retried with the same idempotency key and the receiver discards the duplicate.
- Failures back off exponentially (30 s, 1 min, 2 min … at most 1 h, with jitter) up to
  `outbox_max_attempts`; then, or at once when the channel refuses the message for good
  (`DeliveryFailed(permanent=True)`), the delivery is 失败 and shown to staff, who can
  retry it. Each delivery is independent: a failing channel delays nothing else.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, NotFound
from zhifa.core.features import JobContext
from zhifa.core.settings import Settings
from zhifa.publicity import rules
from zhifa.publicity.channels import credit_export
from zhifa.publicity.channels.base import DeliveryFailed, OutboxEvent, OutgoingMessage
from zhifa.publicity.channels.registry import (
    adapter_for,
    needs_endpoint,
    receives,
    runtime_config,
)
from zhifa.publicity.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    OutboxMessage,
    Publication,
    PublicSnapshot,
)

log = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)  # not a legal limit: retry back-off
LEASE_MARGIN = timedelta(seconds=60)  # beyond the call's time-out


# ---- writing messages ---------------------------------------------------------------------


def enqueue(
    db: Session, publication: Publication, event: OutboxEvent, note: str = ""
) -> OutboxMessage:
    """Write the message and its deliveries in the caller's transaction; deliver the inline
    channels at once (their failure is the caller's failure)."""
    message = OutboxMessage(publication_id=publication.id, event=event, note=note.strip()[:1000])
    return _send(db, message)


def enqueue_snapshot(
    db: Session, snapshot: PublicSnapshot, event: OutboxEvent, note: str = ""
) -> OutboxMessage:
    """The same for a public snapshot (catalogue, officers, yearly figures)."""
    message = OutboxMessage(public_snapshot_id=snapshot.id, event=event, note=note.strip()[:1000])
    return _send(db, message)


def _send(db: Session, message: OutboxMessage) -> OutboxMessage:
    now = utcnow()
    message.created_at = now
    db.add(message)
    db.flush()
    record_change(db, None, "publication.outbox", message)
    channels = db.scalars(select(Channel).where(Channel.enabled.is_(True)).order_by(Channel.id))
    event, credit = OutboxEvent(message.event), credit_publicity(db, message)
    for channel in list(channels):
        if not receives(channel.kind, event, credit):
            continue
        delivery = Delivery(
            message_id=message.id,
            channel_id=channel.id,
            idempotency_key=f"zhifa-{uuid.uuid4().hex}",
            status=DeliveryStatus.pending,
            attempts=0,
            next_attempt_at=now,
        )
        db.add(delivery)
        db.flush()
        adapter = adapter_for(channel.kind)
        if adapter.inline:
            outgoing = outgoing_message(db, message, delivery.idempotency_key)
            receipt = adapter.deliver(db, outgoing, dict(channel.config or {}))
            _mark_delivered(delivery, receipt, now)
            delivery.attempts = 1
            delivery.last_attempt_at = now
        record_change(db, None, "publication.delivery", delivery)
    return message


def credit_publicity(db: Session, message: OutboxMessage) -> bool:
    """Whether 信用中国 receives the message: not for a 轻微失信信息 published without a
    reason why its credit publicity is 确有必要 (令第36号)."""
    pub = db.get(Publication, message.publication_id) if message.publication_id else None
    if pub is None:
        return True
    return rules.rule_by_code(pub.period_code).sent_to_credit(pub.credit_necessity)


def outgoing_message(db: Session, message: OutboxMessage, key: str) -> OutgoingMessage:
    """What the channels receive for `message`, under the delivery's idempotency `key`."""
    if message.public_snapshot_id is not None:
        return _snapshot_message(db, message, key)
    pub = db.get(Publication, message.publication_id)
    if pub is None:  # pragma: no cover - a foreign key
        raise NotFound("公示不存在")
    return OutgoingMessage(
        idempotency_key=key,
        event=OutboxEvent(message.event),
        publication_id=pub.id,
        obligation_id=pub.obligation_id,
        version=pub.version,
        kind=pub.kind,
        snapshot=json.loads(pub.snapshot_json),
        snapshot_json=pub.snapshot_json,
        digest=pub.digest,
        ledger_index=pub.ledger_index,
        public_until=pub.public_until,
        note=message.note,
        occurred_at=message.created_at,
    )


def _snapshot_message(db: Session, message: OutboxMessage, key: str) -> OutgoingMessage:
    row = db.get(PublicSnapshot, message.public_snapshot_id)
    if row is None:  # pragma: no cover - a foreign key
        raise NotFound("公示快照不存在")
    return OutgoingMessage(
        idempotency_key=key,
        event=OutboxEvent(message.event),
        publication_id=None,
        obligation_id=None,
        version=row.version,
        kind=row.kind,
        snapshot=json.loads(row.snapshot_json),
        snapshot_json=row.snapshot_json,
        digest=row.digest,
        ledger_index=row.ledger_index,
        public_until=None,
        note=message.note,
        occurred_at=message.created_at,
        public_snapshot_id=row.id,
        subject=row.subject,
        title=row.title,
        unit_name=row.unit_name,
    )


def _mark_delivered(delivery: Delivery, receipt: str, at: datetime) -> None:
    delivery.status = DeliveryStatus.delivered
    delivery.receipt = receipt[:1000]
    delivery.delivered_at = at
    delivery.next_attempt_at = None
    delivery.last_error = ""
    delivery.claim = ""


# ---- back-off -------------------------------------------------------------------------------


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s doubling to at most 1 h, less
    up to a fifth at random so that deliveries failed together do not return together."""
    full = min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    return full * (1 - 0.2 * (rng or random).random())


# ---- the worker -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    delivery_id: int
    claim: str
    attempts: int
    kind: str
    config: dict[str, Any]
    message: OutgoingMessage


@dataclass
class RunReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    receipts: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retrying + self.failed


def _due_query(channel_id: int, now: datetime) -> Select[tuple[Delivery, Channel]]:
    return (
        select(Delivery, Channel)
        .join(Channel, Channel.id == Delivery.channel_id)
        .where(
            Delivery.channel_id == channel_id,
            Delivery.status == DeliveryStatus.pending,
            Delivery.next_attempt_at <= now,
            Channel.enabled.is_(True),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        .with_for_update(of=Delivery, skip_locked=True)
    )


def _claim(
    factory: sessionmaker[Session], settings: Settings, channel_id: int, now: datetime
) -> _Job | None:
    """Take the channel's most overdue delivery: a claim token and a lease, committed."""
    with factory() as db, db.begin():
        found = db.execute(_due_query(channel_id, now)).first()
        if found is None:
            return None
        delivery, channel = found
        config = runtime_config(channel, settings)
        delivery.claim = secrets.token_hex(16)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + timedelta(seconds=config["timeout"]) + LEASE_MARGIN
        message = db.get(OutboxMessage, delivery.message_id)
        assert message is not None
        record_change(db, None, "publication.delivery_attempt", delivery)
        return _Job(
            delivery.id,
            delivery.claim,
            delivery.attempts,
            channel.kind,
            config,
            outgoing_message(db, message, delivery.idempotency_key),
        )


def _call(factory: sessionmaker[Session], job: _Job) -> tuple[str | None, str, bool]:
    """(receipt or None, error, permanent) — with no transaction held during the call."""
    if needs_endpoint(job.kind) and not job.config["url"]:
        return None, "未配置该渠道的投递地址（channel_urls）", False
    try:
        with factory() as db:
            receipt = adapter_for(job.kind).deliver(db, job.message, job.config)
            db.commit()  # a local channel's own writes, if any
        return receipt, "", False
    except DeliveryFailed as exc:
        return None, str(exc), exc.permanent
    except Exception as exc:  # any other failure is temporary: retried with back-off
        log.warning("delivery %s failed: %s", job.delivery_id, exc)
        return None, f"{type(exc).__name__}: {exc}", False


def _record(
    factory: sessionmaker[Session],
    settings: Settings,
    job: _Job,
    outcome: tuple[str | None, str, bool],
    now: datetime,
    rng: random.Random | None,
) -> str:
    receipt, error, permanent = outcome
    with factory() as db, db.begin():
        delivery = db.scalar(
            select(Delivery)
            .where(Delivery.id == job.delivery_id, Delivery.claim == job.claim)
            .with_for_update()
        )
        if delivery is None:  # the lease ran out and another worker took it over
            return "lost"
        if receipt is not None:
            _mark_delivered(delivery, receipt, now)
            result = "delivered"
        else:
            delivery.claim = ""
            delivery.last_error = error[:1000]
            if permanent or delivery.attempts >= settings.outbox_max_attempts:
                delivery.status = DeliveryStatus.failed
                delivery.next_attempt_at = None
                result = "failed"
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts, rng)
                result = "retrying"
        record_change(db, None, f"publication.delivery_{result}", delivery)
    return result


def _enabled_channels(factory: sessionmaker[Session]) -> list[int]:
    with factory() as db:
        return list(
            db.scalars(select(Channel.id).where(Channel.enabled.is_(True)).order_by(Channel.id))
        )


def deliver_due(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int = 50,
    rng: random.Random | None = None,
) -> RunReport:
    """One round of the worker: up to `limit` due deliveries, one channel after another in
    turn, each claimed, called and recorded on its own. A channel that fails for a
    passing reason (down, slow, 5xx) rests for the rest of the round, so a dead endpoint
    costs one time-out per round and holds up no other channel. `now` is injectable
    (tests); it defaults to the wall clock."""
    moment = now or utcnow()
    report = RunReport()
    turns = deque(_enabled_channels(factory))
    while turns and report.attempted < limit:
        channel_id = turns.popleft()
        job = _claim(factory, settings, channel_id, moment)
        if job is None:
            continue  # nothing (more) due on this channel in this round
        outcome = _call(factory, job)
        result = _record(factory, settings, job, outcome, now or utcnow(), rng)
        if result == "delivered":
            report.delivered += 1
            report.receipts.append(outcome[0] or "")
        elif result == "retrying":
            report.retrying += 1
        elif result == "failed":
            report.failed += 1
        if outcome[0] is not None or outcome[2]:  # answered: the channel is working
            turns.append(channel_id)
    return report


# ---- staff ----------------------------------------------------------------------------------


def retry(db: Session, delivery_id: int, who: Principal, now: datetime | None = None) -> Delivery:
    """Staff: try again now — a failed delivery gets a fresh round of attempts."""
    delivery = db.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound("投递记录不存在")
    if delivery.status is DeliveryStatus.delivered:
        raise Conflict("该投递已完成，无需重试")
    if delivery.status is DeliveryStatus.failed:
        delivery.status = DeliveryStatus.pending
        delivery.attempts = 0
    delivery.next_attempt_at = now or utcnow()
    delivery.claim = ""
    record_change(db, actor_name(who), "publication.delivery_retry", delivery)
    return delivery


def close_stale_batch(factory: sessionmaker[Session], settings: Settings) -> str | None:
    """The daily close of the 信用中国 export batch; the closed batch's number, if any."""
    with factory() as db, db.begin():
        batch = credit_export.close_if_stale(db, open_blob_store(settings), settings.blob_max_bytes)
        return batch.number if batch is not None else None


def delivery_job(context: JobContext) -> str:
    """The scheduled job: deliver what is due on every channel, then close the day's
    信用中国 export batch once it is stale."""
    report = deliver_due(context.factory, context.settings)
    closed = close_stale_batch(context.factory, context.settings)
    text = f"已投递 {report.delivered}，待重试 {report.retrying}，失败 {report.failed}"
    return text + (f"；信用中国报送批次 {closed} 已生成文件" if closed else "")

"""Use cases of holds: place one (its content's locks move a year ahead), release it
(once, with a reason; a lock is never shortened), what holds a record, and the monthly
renewal of the locks of holds still in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.filing.models import ArchiveFile, ArchiveItem
from zhifa.archive.holds.models import ArchiveHold
from zhifa.archive.holds.rules import (
    HOLD_LABELS,
    OPEN_CASE,
    TARGET_LABELS,
    HoldKind,
    HoldTarget,
    hold_lock_day,
)
from zhifa.blobs import BlobNotFound, BlobStore
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import extend_lock, lock_after
from zhifa.core.clock import today as local_today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, NotFound
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.recording.documents.models import Document
from zhifa.recording.media.models import Media


class HoldIn(BaseModel):
    hold_kind: HoldKind
    hold_target: HoldTarget
    hold_target_id: BodyRecordId
    reason: str = Field(min_length=2, max_length=500)
    hold_reference: str = Field(min_length=1, max_length=100)


class ReleaseIn(BaseModel):
    release_reason: str = Field(min_length=2, max_length=500)


def _action_of(db: Session, kind: HoldTarget, target_id: int) -> Action:
    """The case a hold's target belongs to (``NotFound`` for a target that is none)."""
    action_id: int | None
    if kind is HoldTarget.archive_file:
        action_id = db.scalar(select(ArchiveFile.action_id).where(ArchiveFile.id == target_id))
    elif kind is HoldTarget.media:
        action_id = db.scalar(select(Media.action_id).where(Media.id == target_id))
    else:
        action_id = target_id
    action = db.get(Action, action_id) if action_id else None
    if action is None:
        raise NotFound(f"没有这个{TARGET_LABELS[kind]}")
    return action


def covered_digests(db: Session, kind: HoldTarget, target_id: int) -> set[str]:
    """The blobs a hold on this target keeps: a file's items, a medium (and its
    thumbnail), a case's file items, documents and media."""
    if kind is HoldTarget.archive_file:
        query = select(ArchiveItem.digest).where(ArchiveItem.file_id == target_id)
        return set(db.scalars(query))
    media = select(Media.digest, Media.thumbnail_digest)
    if kind is HoldTarget.media:
        return {d for row in db.execute(media.where(Media.id == target_id)) for d in row if d}
    found = {d for row in db.execute(media.where(Media.action_id == target_id)) for d in row if d}
    documents = select(Document.pdf_digest).where(Document.action_id == target_id)
    found |= {d for d in db.scalars(documents) if d}
    filed = select(ArchiveFile.id).where(ArchiveFile.action_id == target_id)
    for file_id in db.scalars(filed):
        found |= covered_digests(db, HoldTarget.archive_file, file_id)
    return found


def _lock(store: BlobStore, digests: set[str], last_day: date) -> None:
    until = lock_after(last_day)
    for digest in sorted(digests):
        try:
            extend_lock(store, digest, until)
        except BlobNotFound:
            continue  # content already disposed of: nothing left to keep


def place(
    db: Session, store: BlobStore, data: HoldIn, who: Principal | None, today: date | None = None
) -> ArchiveHold:
    """A hold on a record: ledgered, and every blob it covers locked a year ahead."""
    _action_of(db, data.hold_target, data.hold_target_id)
    last_day = hold_lock_day(today or local_today())
    hold = ArchiveHold(
        kind=data.hold_kind,
        target_kind=data.hold_target,
        target_id=data.hold_target_id,
        reason=data.reason.strip(),
        reference=data.hold_reference.strip(),
        placed_by=who.user_id if who else None,
        locked_until=lock_after(last_day),
    )
    db.add(hold)
    record_change(db, actor_name(who), "archive.hold.place", hold)
    _lock(store, covered_digests(db, data.hold_target, data.hold_target_id), last_day)
    return hold


def get_hold(db: Session, hold_id: int) -> ArchiveHold:
    hold = db.get(ArchiveHold, hold_id)
    if hold is None:
        raise NotFound("没有这项保全")
    return hold


def release(db: Session, hold_id: int, data: ReleaseIn, who: Principal | None) -> ArchiveHold:
    """End a hold (once). Its content stays locked until the date it was given."""
    hold = get_hold(db, hold_id)
    if not hold.active:
        raise Conflict("这项保全已经解除", "release_reason")
    hold.released_at = utcnow()
    hold.released_by = who.user_id if who else None
    hold.release_reason = data.release_reason.strip()
    record_change(db, actor_name(who), "archive.hold.release", hold)
    return hold


def holds(db: Session) -> list[ArchiveHold]:
    """Every hold, those in force first, the newest first."""
    rows = db.scalars(select(ArchiveHold).order_by(ArchiveHold.id.desc()))
    return sorted(rows, key=lambda h: not h.active)


def _active(db: Session) -> list[ArchiveHold]:
    query = select(ArchiveHold).where(ArchiveHold.released_at.is_(None))
    return list(db.scalars(query.order_by(ArchiveHold.id)))


@dataclass(frozen=True)
class HeldSet:
    """What is held now: the holds in force by target (their labels), and cases open."""

    targets: Mapping[tuple[HoldTarget, int], tuple[str, ...]]
    open_actions: frozenset[int]

    def reasons(self, kind: HoldTarget, target_id: int, action_id: int) -> list[str]:
        """Why this target may not be disposed of (empty: nothing holds it)."""
        found = [HOLD_LABELS[OPEN_CASE]] if action_id in self.open_actions else []
        found += self.targets.get((kind, target_id), ())
        return found + list(self.targets.get((HoldTarget.action, action_id), ()))


def held_set(db: Session) -> HeldSet:
    targets: dict[tuple[HoldTarget, int], tuple[str, ...]] = {}
    for hold in _active(db):
        key = (hold.target_kind, hold.target_id)
        targets[key] = (*targets.get(key, ()), f"{HOLD_LABELS[hold.kind]}（{hold.reference}）")
    open_query = select(Action.id).where(Action.status != ActionStatus.closed)
    return HeldSet(targets, frozenset(db.scalars(open_query)))


def target_label(db: Session, kind: HoldTarget, target_id: int) -> str:
    """The target in words, for lists."""
    if kind is HoldTarget.archive_file:
        row = db.get(ArchiveFile, target_id)
        return f"{row.archival_code} {row.title}" if row else f"案卷 #{target_id}"
    if kind is HoldTarget.media:
        media = db.get(Media, target_id)
        return f"{media.filename}（案件 #{media.action_id}）" if media else f"记录 #{target_id}"
    action = db.get(Action, target_id)
    return action.title if action else f"案件 #{target_id}"


def renew_locks(db: Session, store: BlobStore, today: date | None = None) -> int:
    """Roll every hold in force a year on from ``today``; returns how many holds."""
    active = _active(db)
    last_day = hold_lock_day(today or local_today())
    for hold in active:
        _lock(store, covered_digests(db, hold.target_kind, hold.target_id), last_day)
    return len(active)

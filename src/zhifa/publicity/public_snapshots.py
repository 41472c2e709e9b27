"""Public snapshots: the one way content other than decisions reaches the public — the 事前
公示 catalogue (power items, guides, random-check items, laws), the officers' public
certificate information and the yearly figures (公示办法 第三条、第五条至第八条;
invariant 4).

`publish_snapshot` freezes the caller's snapshot as canonical JSON, ledgers an entry whose
payload *is* that snapshot (so its payload_sha256 equals the published digest, as for
decision publications), numbers it as the next version of its ``(kind, subject)``,
supersedes the previous version and hands it to the outbox, whose inline portal channel
shows it on the portal in the same transaction; remote channels get it by the worker.
`withdraw_snapshot` takes the current version down with a public reason.

Features declare publish hooks in their manifests (`publish_hooks`), called in the same
transaction after a version is published (e.g. to mark an update obligation fulfilled).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.db import utcnow
from zhifa.core.errors import InvalidInput, NotFound
from zhifa.core.features import registry
from zhifa.publicity import outbox
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import PublicSnapshot, SnapshotStatus
from zhifa.publicity.service import ledger_snapshot
from zhifa.publicity.snapshots import canonical, digest

_KIND = re.compile(r"^[a-z][a-z_]{0,39}$")


def _check(kind: str, subject: str, title: str) -> None:
    if not _KIND.match(kind):
        raise InvalidInput("公示快照类别不正确", "kind")
    if not subject.strip() or len(subject) > 100 or subject != subject.strip():
        raise InvalidInput("公示对象标识不能为空，且不超过 100 个字符", "subject")
    if not title.strip() or len(title) > 300:
        raise InvalidInput("公示标题不能为空，且不超过 300 个字符", "title")


def _frozen(snapshot: dict[str, Any]) -> str:
    try:
        return canonical(snapshot)
    except (TypeError, ValueError):
        raise InvalidInput("公示快照只能包含文字、数字、列表和对象", "snapshot") from None


def latest(db: Session, kind: str, subject: str) -> PublicSnapshot | None:
    """The newest version of the subject, whatever its state."""
    return db.scalar(
        select(PublicSnapshot)
        .where(PublicSnapshot.kind == kind, PublicSnapshot.subject == subject)
        .order_by(PublicSnapshot.version.desc())
        .limit(1)
    )


def latest_published(db: Session, kind: str, subject: str) -> PublicSnapshot | None:
    """The version being shown to the public now (None: never published, or withdrawn)."""
    found = latest(db, kind, subject)
    return found if found is not None and found.status is SnapshotStatus.published else None


def versions(db: Session, kind: str, subject: str) -> list[PublicSnapshot]:
    return list(
        db.scalars(
            select(PublicSnapshot)
            .where(PublicSnapshot.kind == kind, PublicSnapshot.subject == subject)
            .order_by(PublicSnapshot.version)
        )
    )


def publish_snapshot(
    db: Session,
    *,
    kind: str,
    subject: str,
    title: str,
    unit_name: str,
    snapshot: dict[str, Any],
    who: Principal | None,
    note: str = "",
) -> PublicSnapshot:
    """Publish `snapshot` as the next version of ``(kind, subject)``, in the caller's
    transaction: frozen, ledgered, superseding the previous version, delivered. `who` is
    None only for a publication made by the system itself (a hook, the demo)."""
    _check(kind, subject, title)
    text = _frozen(snapshot)
    previous = latest(db, kind, subject)
    actor = actor_name(who)
    if previous is not None and previous.status is SnapshotStatus.published:
        previous.status = SnapshotStatus.superseded
        record_change(db, actor, "public_snapshot.supersede", previous)
    row = PublicSnapshot(
        kind=kind,
        subject=subject,
        version=(previous.version if previous else 0) + 1,
        title=title.strip(),
        unit_name=unit_name.strip()[:200],
        snapshot_json=text,
        digest=digest(text),
        note=note.strip()[:1000],
        status=SnapshotStatus.published,
        supersedes_id=previous.id if previous else None,
        published_by=who.user_id if who else None,
        published_at=utcnow(),
    )
    db.add(row)
    db.flush()
    subject_key = f"public-snapshot:{row.id}"
    ledger_snapshot(db, row, kind="public_snapshot.snapshot", subject=subject_key, actor=actor)
    record_change(db, actor, "public_snapshot.publish", row)
    event = OutboxEvent.publish if previous is None else OutboxEvent.update
    outbox.enqueue_snapshot(db, row, event, row.note)
    for hook in registry().publish_hooks:
        hook(db, row)
    return row


def withdraw_snapshot(
    db: Session, kind: str, subject: str, who: Principal | None, reason: str
) -> PublicSnapshot:
    """Take the subject's current version down from the public, with a public reason."""
    if not reason.strip():
        raise InvalidInput("请填写撤下原因", "reason")
    row = latest_published(db, kind, subject)
    if row is None:
        raise NotFound("该公示对象未在公示中")
    row.status = SnapshotStatus.withdrawn
    row.withdrawn_reason = reason.strip()[:1000]
    row.withdrawn_by = who.user_id if who else None
    row.withdrawn_at = utcnow()
    record_change(db, actor_name(who), "public_snapshot.withdraw", row)
    outbox.enqueue_snapshot(db, row, OutboxEvent.withdraw, row.withdrawn_reason)
    return row

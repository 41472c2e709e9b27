"""One way to record a change: a snapshot of the changed row goes into the ledger in the
same transaction as the change (invariant 2), and `check_rows` later proves that every
recorded row still matches its latest entry.

The ledger's leaves are public (`/log/entries`), so a leaf never names a person nor
carries text anyone typed (invariant 4): a person's act is recorded under a keyed
pseudonym of the user's id (`u:` + 20 hex digits, HMAC-SHA256 with a key derived from
the instance's secret key), which the bureau resolves with `resolve_pseudonym` (and
`zhifa ledger actor`); jobs and the CLI are `system`, the public portal `public`, a
sign-in attempt nobody was identified for `anonymous`."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from zhifa import ledger
from zhifa.core.db import ACTOR_KEY, Base
from zhifa.core.features import registry
from zhifa.core.models import (
    ApiToken,
    User,
)
from zhifa.ledger.models import ledger_entry

# Recorded tables and the columns that change without being a recorded act (last use of
# a token); everything else in a row is covered by its entry.
_VOLATILE: dict[str, frozenset[str]] = {
    ApiToken.__tablename__: frozenset({"last_used_at"}),
}

SYSTEM_ACTOR = "system"  # a job, the CLI, the demo seeding
PUBLIC_ACTOR = "public"  # someone on the public portal (a correction request)
ANONYMOUS_ACTOR = "anonymous"  # a sign-in attempt that identified nobody
IMPERSONAL_ACTORS = frozenset({SYSTEM_ACTOR, PUBLIC_ACTOR, ANONYMOUS_ACTOR})
PSEUDONYM_PATTERN = re.compile(r"^u:[0-9a-f]{20}$")


class ActorKeyMissing(RuntimeError):
    """A person's act was to be ledgered by a session without the actor key: a wiring
    fault (the session factory was made without ``actor_key``), never a fallback to names."""


def pseudonym(key: bytes, user_id: int) -> str:
    """The public ledger's name for one user: stable, and meaningless without ``key``."""
    digest = hmac.new(key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()
    return "u:" + digest[:20]


def _actor_key(db: Session) -> bytes:
    key = db.info.get(ACTOR_KEY)
    if not isinstance(key, bytes) or not key:
        raise ActorKeyMissing(
            "the ledger's actor key is not set on this session: build its factory with "
            "make_session_factory(engine, actor_key=settings.ledger_actor_key())"
        )
    return key


def ledger_actor(db: Session, actor: str | None) -> str:
    """What a leaf says about who acted: an impersonal actor as is, a username as that
    user's pseudonym. Anything else (text someone typed) is refused, loudly."""
    if actor is None:
        return SYSTEM_ACTOR
    if actor in IMPERSONAL_ACTORS:
        return actor
    key = _actor_key(db)
    with db.no_autoflush:  # a lookup, not a point at which the caller's rows are final
        user_id = db.scalar(select(User.id).where(User.username == actor))
    if user_id is None:
        raise ValueError("a ledger actor must be a user's username or an impersonal actor")
    return pseudonym(key, user_id)


def resolve_pseudonym(db: Session, key: bytes, actor: str) -> User | None:
    """The user a pseudonymous actor stands for (the bureau's side of the key)."""
    if not PSEUDONYM_PATTERN.match(actor):
        return None
    for user in db.scalars(select(User).order_by(User.id)):
        if hmac.compare_digest(pseudonym(key, user.id), actor):
            return user
    return None


def tracked_tables() -> Mapping[str, type[Base]]:
    """Tables whose rows are only ever changed through `record_change`: those the
    features' manifests declare (`core.features`)."""
    return registry().tracked


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        # Stored as UTC: the snapshot must read the same before and after a round trip.
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def subject_of(row: Base) -> str:
    key = inspect(row).identity
    if key is None:
        raise ValueError("row has no primary key yet")
    return f"{row.__tablename__}:{'/'.join(str(part) for part in key)}"


def snapshot(row: Base) -> dict[str, Any]:
    """The row's recorded columns, as plain JSON values."""
    skip = _VOLATILE.get(row.__tablename__, frozenset())
    values = {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in skip
    }
    if isinstance(row, User):
        values["roles"] = sorted(role.value for role in row.roles)
    return {"table": row.__tablename__, "row": values}


def record_change(db: Session, actor: str | None, kind: str, *rows: Base) -> None:
    """Ledger each row's new state, in the caller's transaction. ``actor`` is the acting
    user's username (recorded as its pseudonym) or an impersonal actor (None: system)."""
    db.flush()
    public_actor = ledger_actor(db, actor)
    for row in rows:
        if row.__tablename__ not in tracked_tables():
            raise ValueError(f"{row.__tablename__} is not a recorded table")
        ledger.record(
            db, kind=kind, subject=subject_of(row), actor=public_actor, payload=snapshot(row)
        )


def record_document(
    db: Session, actor: str | None, kind: str, subject: str, payload: dict[str, Any]
) -> ledger.Entry:
    """Ledger a document that is not a row (a frozen public snapshot), with the same
    pseudonymous actor as ``record_change``."""
    return ledger.record(
        db, kind=kind, subject=subject, actor=ledger_actor(db, actor), payload=payload
    )


@dataclass(frozen=True)
class RowFinding:
    subject: str
    problem: str  # 无记录 / 内容不符 / 已删除

    def __str__(self) -> str:
        return f"{self.subject}: {self.problem}"


def _latest_digests(db: Session) -> dict[str, str]:
    latest: dict[str, str] = {}
    entry = ledger_entry
    query = select(entry.c.subject, entry.c.payload_sha256).order_by(entry.c["index"])
    for subject, digest in db.execute(query.execution_options(yield_per=10_000)):
        latest[subject] = digest
    return latest


def check_rows(db: Session) -> Iterator[RowFinding]:
    """Every recorded row matches its latest entry; every recorded subject still exists."""
    latest = _latest_digests(db)
    seen: set[str] = set()
    for model in tracked_tables().values():
        for row in db.scalars(select(model).execution_options(yield_per=1000)):
            subject = subject_of(row)
            seen.add(subject)
            digest = latest.get(subject)
            if digest is None:
                yield RowFinding(
                    subject, "数据库中有此记录，但账本中没有对应条目（未经记录的写入）"
                )
            elif digest != ledger.payload_digest(snapshot(row)):
                yield RowFinding(subject, "记录内容与账本中最新条目不符（被改动而未记录）")
    tables = set(tracked_tables())
    for subject in latest:
        if subject.split(":", 1)[0] in tables and subject not in seen:
            yield RowFinding(subject, "账本中有条目，但数据库中的记录已不存在（被删除）")

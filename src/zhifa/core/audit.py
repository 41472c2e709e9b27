"""One way to record a change: a snapshot of the changed row goes into the ledger in the
same transaction as the change (invariant 2), and `check_rows` later proves that every
recorded row still matches its latest entry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from zhifa import ledger
from zhifa.core.db import Base
from zhifa.core.models import (
    AccessContext,
    AccessLog,
    ApiToken,
    Certificate,
    CertificateVersion,
    HolidaySchedule,
    LoginEvent,
    StoredBlob,
    Unit,
    User,
)
from zhifa.ledger.models import ledger_entry

# Recorded tables and the columns that change without being a recorded act (lock-out
# counters, last use of a token); everything else in a row is covered by its entry.
_VOLATILE: dict[str, frozenset[str]] = {
    User.__tablename__: frozenset({"failed_logins", "locked_until"}),
    ApiToken.__tablename__: frozenset({"last_used_at"}),
}
_TRACKED: dict[str, type[Base]] = {}

SYSTEM_ACTOR = "system"


def track(*models: type[Base]) -> None:
    """Declare tables whose rows are only ever changed through `record_change`."""
    for model in models:
        _TRACKED[model.__tablename__] = model


track(Unit, User, ApiToken, LoginEvent, AccessLog, AccessContext, HolidaySchedule, StoredBlob)
track(Certificate, CertificateVersion)


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
    """Ledger each row's new state, in the caller's transaction."""
    db.flush()
    for row in rows:
        if row.__tablename__ not in _TRACKED:
            raise ValueError(f"{row.__tablename__} is not a recorded table")
        ledger.record(
            db,
            kind=kind,
            subject=subject_of(row),
            actor=actor or SYSTEM_ACTOR,
            payload=snapshot(row),
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
    for model in _TRACKED.values():
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
    tables = set(_TRACKED)
    for subject in latest:
        if subject.split(":", 1)[0] in tables and subject not in seen:
            yield RowFinding(subject, "账本中有条目，但数据库中的记录已不存在（被删除）")

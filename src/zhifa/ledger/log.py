"""Appending entries to the log inside the caller's transaction, and reading it back.

Appenders take turns on the one-row `ledger_head` table:
- PostgreSQL: `pg_advisory_xact_lock` plus `SELECT ... FOR UPDATE` on the head row;
- SQLite: an UPDATE of the head row is the transaction's first write, which takes the
  database's RESERVED lock (writers wait on `busy_timeout`) before the size is read.
The lock lasts until the caller commits or rolls back, so indexes have no gaps and no
duplicates; the primary key on `index` backs that up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, event, insert, select, text, update
from sqlalchemy.orm import Session, SessionTransaction

from zhifa.ledger.merkle import Coord, leaf_hash
from zhifa.ledger.models import ledger_entry, ledger_head, ledger_node
from zhifa.ledger.store import MissingNode, NodeStore, appended_nodes, frontier_coords

# Arbitrary but fixed: the advisory lock key all zhifa ledger appenders share ("zhifaLED").
ADVISORY_LOCK_KEY = 0x7A68_6966_614C_4544
_CACHE_KEY = "zhifa.ledger.head"
_HOOKED_KEY = "zhifa.ledger.hooked"


class LedgerError(Exception):
    """The ledger refused an operation."""


@dataclass(frozen=True)
class Entry:
    index: int
    time: datetime
    actor: str
    kind: str
    subject: str
    payload_sha256: str
    leaf: bytes
    leaf_hash: bytes


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the one byte form hashed and signed."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def payload_digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def format_time(moment: datetime) -> str:
    """ISO-8601 in UTC with microseconds and a Z, e.g. 2024-05-01T08:00:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"


# The string encoder json.dumps itself uses when ensure_ascii=False.
_quote = json.encoder.encode_basestring


def make_leaf(
    index: int, moment: datetime, actor: str, kind: str, subject: str, payload_sha256: str
) -> bytes:
    """canonical_json of the entry's fields (keys in sorted order), assembled directly.

    Byte-identical to canonical_json({...}) (a test checks it) and several times faster,
    which matters to appends and to the verifier that rebuilds every leaf.
    """
    if type(index) is not int:
        raise TypeError("index must be an int")
    return (
        f'{{"actor":{_quote(actor)},"index":{index},"kind":{_quote(kind)},'
        f'"payload_sha256":{_quote(payload_sha256)},"subject":{_quote(subject)},'
        f'"time":{_quote(format_time(moment))}}}'
    ).encode()


# ---- the head: size and frontier of the tree, cached for the rest of the transaction


@dataclass
class _Head:
    transaction: SessionTransaction
    size: int
    frontier: list[tuple[int, bytes]] = field(default_factory=list)


def _drop_cache(session: Session, _transaction: SessionTransaction) -> None:
    # Any end, including a savepoint rolled back, may undo appends: read the head anew.
    session.info.pop(_CACHE_KEY, None)


def _hook(session: Session) -> None:
    if not session.info.get(_HOOKED_KEY):
        event.listen(session, "after_transaction_end", _drop_cache)
        session.info[_HOOKED_KEY] = True


def _lock_and_read_size(conn: Connection) -> int:
    """Take the appenders' lock for this transaction and return the current size."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
        size = conn.execute(
            select(ledger_head.c.size).where(ledger_head.c.id == 1).with_for_update()
        ).scalar()
    else:
        # A write first: on SQLite it takes the RESERVED lock before anything is read.
        touched = conn.execute(
            update(ledger_head).where(ledger_head.c.id == 1).values(size=ledger_head.c.size)
        ).rowcount
        size = conn.execute(select(ledger_head.c.size).where(ledger_head.c.id == 1)).scalar()
        if touched == 0:
            size = None
    if size is None:
        conn.execute(insert(ledger_head).values(id=1, size=0))
        return 0
    return int(size)


def _head(session: Session) -> _Head:
    _hook(session)
    transaction = session.get_transaction()
    cached: _Head | None = session.info.get(_CACHE_KEY)
    if cached is not None and transaction is cached.transaction and transaction.is_active:
        return cached
    conn = session.connection()
    size = _lock_and_read_size(conn)
    store = SqlNodeStore(conn, size=size)
    coords = frontier_coords(size)
    found = store.get_nodes(coords)
    current = session.get_transaction()
    assert current is not None  # session.connection() above began it
    head = _Head(current, size, [(lv, found[(lv, i)]) for lv, i in coords])
    session.info[_CACHE_KEY] = head
    return head


def lock(session: Session) -> int:
    """Take the appenders' lock in the session's transaction; return the log size."""
    return _head(session).size


def record(
    session: Session,
    *,
    kind: str,
    subject: str,
    actor: str,
    payload: dict[str, Any],
    time: datetime | None = None,
) -> Entry:
    """Append one entry in the caller's transaction; it commits or rolls back with it."""
    if time is not None and time.tzinfo is None:
        raise ValueError("ledger times must be timezone-aware")
    moment = (time or datetime.now(UTC)).astimezone(UTC)
    digest = payload_digest(payload)
    head = _head(session)
    index = head.size
    leaf = make_leaf(index, moment, actor, kind, subject, digest)
    entry = Entry(index, moment, actor, kind, subject, digest, leaf, leaf_hash(leaf))
    frontier = list(head.frontier)
    nodes = appended_nodes(frontier, index, entry.leaf_hash)
    _write(session.connection(), entry, nodes)
    head.size, head.frontier = index + 1, frontier
    return entry


# Built once: executing a prepared construct with parameters skips SQL generation.
_INSERT_ENTRY = insert(ledger_entry)
_INSERT_NODE = insert(ledger_node)
_SET_SIZE = update(ledger_head).where(ledger_head.c.id == 1).values(size=bindparam("new_size"))


def _write(conn: Connection, entry: Entry, nodes: list[tuple[int, int, bytes]]) -> None:
    conn.execute(
        _INSERT_ENTRY,
        {
            "index": entry.index,
            "time": entry.time,
            "actor": entry.actor,
            "kind": entry.kind,
            "subject": entry.subject,
            "payload_sha256": entry.payload_sha256,
            "leaf": entry.leaf,
            "leaf_hash": entry.leaf_hash,
        },
    )
    for level, idx, digest in nodes:
        conn.execute(_INSERT_NODE, {"level": level, "idx": idx, "hash": digest})
    conn.execute(_SET_SIZE, {"new_size": entry.index + 1})


# ---- reading


def log_size(session: Session | Connection) -> int:
    size = session.execute(select(ledger_head.c.size).where(ledger_head.c.id == 1)).scalar()
    return int(size or 0)


def get_entry(session: Session | Connection, index: int) -> Entry | None:
    row = session.execute(select(ledger_entry).where(ledger_entry.c["index"] == index)).first()
    return None if row is None else entry_from_row(row._mapping)


def entry_from_row(row: Any) -> Entry:
    return Entry(
        index=int(row["index"]),
        time=row["time"],
        actor=row["actor"],
        kind=row["kind"],
        subject=row["subject"],
        payload_sha256=row["payload_sha256"],
        leaf=bytes(row["leaf"]),
        leaf_hash=bytes(row["leaf_hash"]),
    )


class SqlNodeStore(NodeStore):
    """Perfect-subtree hashes from ledger_entry (level 0) and ledger_node (levels >= 1)."""

    def __init__(self, conn: Session | Connection, *, size: int | None = None) -> None:
        self._conn = conn
        self._size = size

    def size(self) -> int:
        if self._size is None:
            self._size = log_size(self._conn)
        return self._size

    def get_nodes(self, coords: Sequence[Coord]) -> dict[Coord, bytes]:
        out: dict[Coord, bytes] = {}
        leaves = [idx for level, idx in coords if level == 0]
        if leaves:
            index = self._quote("index")
            where = f"{index} IN ({_ints(leaves)})"
            sql = f"SELECT {index}, leaf_hash FROM ledger_entry WHERE {where}"  # noqa: S608 - ints only
            rows = self._query(sql)
            out.update(((0, int(i)), bytes(h)) for i, h in rows)
        by_level: dict[int, list[int]] = {}
        for level, idx in coords:
            if level > 0:
                by_level.setdefault(level, []).append(idx)
        if by_level:
            # One `level = L AND idx IN (...)` per level: both databases seek the primary
            # key (SQLite would scan the whole table for a row-value IN list).
            where = " OR ".join(
                f"(level = {int(lv)} AND idx IN ({_ints(ids)}))" for lv, ids in by_level.items()
            )
            sql = f"SELECT level, idx, hash FROM ledger_node WHERE {where}"  # noqa: S608 - ints only
            rows = self._query(sql)
            out.update(((int(lv), int(i)), bytes(h)) for lv, i, h in rows)
        missing = [c for c in coords if c not in out]
        if missing:
            raise MissingNode(f"stored tree lacks nodes {missing[:5]}")
        return out

    def _query(self, sql: str) -> Any:
        # Plain SQL text: building SQLAlchemy expressions cost more than the lookups
        # themselves. Safe: every value in it went through int().
        return self._conn.execute(text(sql))

    def _quote(self, name: str) -> str:
        bind = self._conn.get_bind() if isinstance(self._conn, Session) else self._conn
        return bind.dialect.identifier_preparer.quote(name)


def _ints(values: Sequence[int]) -> str:
    return ",".join(str(int(v)) for v in values)

"""Recording entries in the caller's transaction, and proofs from the stored node hashes."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from zhifa.core.db import make_engine, make_session_factory, transaction
from zhifa.ledger import (
    MemoryNodeStore,
    SqlNodeStore,
    canonical_json,
    consistency_proof,
    get_entry,
    inclusion_proof,
    leaf_hash,
    log_size,
    record,
    root_from_leaves,
    root_hash,
    verify_inclusion,
)
from zhifa.ledger.log import format_time, make_leaf
from zhifa.ledger.models import ledger_entry, ledger_head, ledger_node

T0 = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


def _record(session: Session, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        record(
            session,
            kind="action.created",
            subject=f"action/{i}",
            actor="officer/7",
            payload={"n": i, "名称": "检查"},
            time=T0 + timedelta(seconds=i),
        )


def _leaves(session: Session) -> list[bytes]:
    return [
        bytes(b)
        for b in session.execute(
            select(ledger_entry.c.leaf).order_by(ledger_entry.c["index"])
        ).scalars()
    ]


def test_leaf_is_canonical_json_of_the_entry(factory: sessionmaker[Session]) -> None:
    payload = {"b": [1, 2], "a": "行政处罚决定书", "c": None}
    moment = datetime(2025, 3, 1, 16, 30, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    with transaction(factory) as s:
        entry = record(
            s,
            kind="document.signed",
            subject="doc/42",
            actor="user/3",
            payload=payload,
            time=moment,
        )
    payload_sha = hashlib.sha256('{"a":"行政处罚决定书","b":[1,2],"c":null}'.encode()).hexdigest()
    expected = (
        '{"actor":"user/3","index":0,"kind":"document.signed",'
        f'"payload_sha256":"{payload_sha}","subject":"doc/42",'
        '"time":"2025-03-01T08:30:00.123456Z"}'
    ).encode()
    assert entry.index == 0
    assert entry.payload_sha256 == payload_sha
    assert entry.leaf == expected
    assert entry.leaf_hash == leaf_hash(expected)
    assert entry.time == moment
    with factory() as s:
        stored = get_entry(s, 0)
    assert stored == entry
    assert json.loads(stored.leaf)["index"] == 0


def test_time_defaults_to_now_and_must_be_aware(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        before = datetime.now(UTC)
        entry = record(s, kind="k", subject="s", actor="a", payload={})
        assert before <= entry.time <= datetime.now(UTC)
    with pytest.raises(ValueError, match="timezone"), transaction(factory) as s:
        record(s, kind="k", subject="s", actor="a", payload={}, time=datetime(2025, 1, 1))
    with pytest.raises(ValueError), transaction(factory) as s:
        record(s, kind="k", subject="s", actor="a", payload={"x": float("nan")})
    with factory() as s:
        assert log_size(s) == 1


def test_batch_in_one_transaction_and_proofs_from_the_store(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        _record(s, 37)
    with transaction(factory) as s:
        _record(s, 30, start=37)
    with factory() as s:
        assert log_size(s) == 67
        leaves = _leaves(s)
        store = SqlNodeStore(s)
        memory = MemoryNodeStore.from_leaves(leaves)
        assert root_hash(store, 67) == root_from_leaves(leaves)
        for size in (1, 2, 5, 16, 37, 38, 64, 67):
            root = root_hash(store, size)
            assert root == root_hash(memory, size)
            for index in {0, size // 2, size - 1}:
                proof = inclusion_proof(store, index, size)
                assert proof == inclusion_proof(memory, index, size)
                verify_inclusion(index, size, leaf_hash(leaves[index]), proof, root)
            for old in {1, min(3, size), size // 2 or 1, size}:
                assert consistency_proof(store, old, size) == consistency_proof(memory, old, size)
        # 67 leaves: 66 nodes above the leaves, as for any tree (n - popcount(n)).
        assert s.execute(select(func.count()).select_from(ledger_node)).scalar() == 67 - 3


def test_rolled_back_records_leave_no_trace(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        _record(s, 3)
    with pytest.raises(RuntimeError), transaction(factory) as s:
        _record(s, 5, start=3)
        raise RuntimeError("the business change failed")
    with transaction(factory) as s:
        entry = record(s, kind="k", subject="s", actor="a", payload={})
    assert entry.index == 3
    with factory() as s:
        assert [e for e in s.execute(select(ledger_entry.c["index"])).scalars()] == [0, 1, 2, 3]
        assert root_hash(SqlNodeStore(s), 4) == root_from_leaves(_leaves(s))


def test_savepoint_rollback_does_not_confuse_the_cached_head(
    factory: sessionmaker[Session],
) -> None:
    with transaction(factory) as s:
        _record(s, 2)
        nested = s.begin_nested()
        _record(s, 3, start=2)
        nested.rollback()
        _record(s, 2, start=10)
    with factory() as s:
        assert list(s.execute(select(ledger_entry.c["index"])).scalars()) == [0, 1, 2, 3]
        assert log_size(s) == 4
        assert root_hash(SqlNodeStore(s), 4) == root_from_leaves(_leaves(s))


def test_missing_head_row_is_created(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        assert s.execute(select(func.count()).select_from(ledger_head)).scalar() == 0
        _record(s, 2)
    with factory() as s:
        assert log_size(s) == 2


def test_primary_key_refuses_a_duplicate_index(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        _record(s, 2)
    with transaction(factory) as s:
        s.execute(update(ledger_head).values(size=1))  # a corrupted head
    with pytest.raises(IntegrityError), transaction(factory) as s:
        _record(s, 1)
    with factory() as s:
        assert s.execute(select(func.count()).select_from(ledger_entry)).scalar() == 2


@settings(max_examples=200, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=2**53),
    moment=st.datetimes(timezones=st.timezones()),
    texts=st.lists(st.text(), min_size=4, max_size=4),
)
def test_make_leaf_is_canonical_json(index: int, moment: datetime, texts: list[str]) -> None:
    actor, kind, subject, digest = texts
    try:
        expected = canonical_json(
            {
                "index": index,
                "time": format_time(moment),
                "actor": actor,
                "kind": kind,
                "subject": subject,
                "payload_sha256": digest,
            }
        )
    except UnicodeEncodeError:  # lone surrogates cannot be UTF-8; both ways refuse them
        with pytest.raises(UnicodeEncodeError):
            make_leaf(index, moment, actor, kind, subject, digest)
        return
    assert make_leaf(index, moment, actor, kind, subject, digest) == expected


def test_time_format_pads_every_field() -> None:
    assert format_time(datetime(1, 2, 3, 4, 5, 6, tzinfo=UTC)) == "0001-02-03T04:05:06.000000Z"


def test_head_is_read_once_per_transaction(factory: sessionmaker[Session]) -> None:
    statements: list[str] = []

    def spy(conn: object, cursor: object, sql: str, *args: object) -> None:
        statements.append(sql)

    engine = factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", spy)
    try:
        with transaction(factory) as s:
            _record(s, 50)
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    reads = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    # the head (plus its frontier nodes) is read once, then kept for the transaction
    assert len(reads) <= 3, reads
    assert sum("INSERT INTO ledger_entry" in q for q in statements) == 50


def test_sqlite_read_then_write_needs_begin_immediate(sqlite_url: str) -> None:
    """Documents the caller's duty on SQLite: a transaction that began DEFERRED and read
    first cannot take the write lock after another commit ("database is locked", nothing
    written). The project's engine begins IMMEDIATE, which avoids it."""
    deferred = make_session_factory(make_engine(sqlite_url, write_transactions=False))
    immediate = make_session_factory(make_engine(sqlite_url))
    with transaction(immediate) as s:
        _record(s, 1)
    reader = deferred()
    try:
        assert log_size(reader) == 1  # deferred BEGIN: this read pins a snapshot
        with transaction(immediate) as other:
            _record(other, 1, start=1)
        with pytest.raises(OperationalError, match="locked"):
            _record(reader, 1, start=2)
    finally:
        reader.rollback()
        reader.close()
    with transaction(immediate) as s:
        assert log_size(s) == 2  # BEGIN IMMEDIATE: reading first is fine
        _record(s, 1, start=2)
    with deferred() as s:
        assert log_size(s) == 3

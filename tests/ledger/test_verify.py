"""The verifier recomputes the tree and reports each kind of tampering, with where."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Column, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from zhifa.core.db import transaction
from zhifa.ledger import (
    Finding,
    Problem,
    Signer,
    StoredCheckpoint,
    generate_signer,
    leaf_hash,
    record,
    sign_checkpoint,
    verify_log,
)
from zhifa.ledger.models import ledger_checkpoint, ledger_entry, ledger_head, ledger_node

T0 = datetime(2025, 6, 1, tzinfo=UTC)


def _record(session: Session, start: int, n: int, tag: str = "x") -> None:
    for i in range(start, start + n):
        record(
            session,
            kind="action.step",
            subject=f"{tag}/{i}",
            actor="officer/1",
            payload={"i": i, "tag": tag},
            time=T0 + timedelta(minutes=i),
        )


def _build(
    factory: sessionmaker[Session], signer: Signer, sizes: list[int]
) -> list[StoredCheckpoint]:
    """Grow the log to each size in turn, signing a checkpoint at each."""
    checkpoints, size = [], 0
    for target in sizes:
        with transaction(factory) as s:
            _record(s, size, target - size)
            checkpoints.append(sign_checkpoint(s, signer))
        size = target
    return checkpoints


def _verify(factory: sessionmaker[Session], signer: Signer, **kw: object) -> list[Finding]:
    with factory() as s:
        return verify_log(s, [signer.verifier()], **kw)  # type: ignore[arg-type]


def _where(findings: list[Finding]) -> set[tuple[Problem, int | None, int | None]]:
    return {(f.problem, f.index, f.checkpoint_id) for f in findings}


def _entry_col(name: str) -> Column[Any]:
    return ledger_entry.c[name]


def test_clean_log_has_no_findings(factory: sessionmaker[Session], signer: Signer) -> None:
    _build(factory, signer, [0, 1, 7, 8, 9, 31, 45])
    for batch in (1, 2, 4, 8, 64, 8192):
        assert _verify(factory, signer, batch_size=batch) == []


def test_empty_log_has_no_findings(factory: sessionmaker[Session], signer: Signer) -> None:
    assert _verify(factory, signer) == []


def test_edited_leaf_bytes(factory: sessionmaker[Session], signer: Signer) -> None:
    first, second = _build(factory, signer, [4, 10])
    with transaction(factory) as s:
        leaf = s.execute(select(_entry_col("leaf")).where(_entry_col("index") == 6)).scalar()
        edited = bytes(leaf).replace(b"officer/1", b"officer/2")
        s.execute(update(ledger_entry).where(_entry_col("index") == 6).values(leaf=edited))
    found = _where(_verify(factory, signer))
    assert (Problem.LEAF_HASH_MISMATCH, 6, None) in found
    assert (Problem.ROW_MISMATCH, 6, None) in found  # the actor column no longer matches
    assert (Problem.CHECKPOINT_ROOT_MISMATCH, None, second.id) in found
    assert (Problem.CHECKPOINT_ROOT_MISMATCH, None, first.id) not in found


def test_edited_leaf_with_its_hash_rewritten(
    factory: sessionmaker[Session], signer: Signer
) -> None:
    (cp,) = _build(factory, signer, [8])
    with transaction(factory) as s:
        row = s.execute(select(ledger_entry).where(_entry_col("index") == 2)).one()
        edited = bytes(row.leaf).replace(b"x/2", b"y/2")
        s.execute(
            update(ledger_entry)
            .where(_entry_col("index") == 2)
            .values(leaf=edited, leaf_hash=leaf_hash(edited), subject="y/2")
        )
    found = _verify(factory, signer)
    where = _where(found)
    assert (Problem.CHECKPOINT_ROOT_MISMATCH, None, cp.id) in where
    nodes = {(f.level, f.index) for f in found if f.problem is Problem.NODE_MISMATCH}
    assert nodes == {(1, 1), (2, 0), (3, 0)}  # the path from leaf 2 to the root


def test_edited_column(factory: sessionmaker[Session], signer: Signer) -> None:
    _build(factory, signer, [5])
    with transaction(factory) as s:
        s.execute(update(ledger_entry).where(_entry_col("index") == 3).values(actor="someone"))
        s.execute(
            update(ledger_entry).where(_entry_col("index") == 4).values(time=T0 + timedelta(days=1))
        )
    found = _verify(factory, signer)
    assert {(f.problem, f.index) for f in found} == {
        (Problem.ROW_MISMATCH, 3),
        (Problem.ROW_MISMATCH, 4),
    }
    assert "actor" in found[0].message and "time" in found[1].message


def test_deleted_entry(factory: sessionmaker[Session], signer: Signer) -> None:
    first, second = _build(factory, signer, [3, 12])
    with transaction(factory) as s:
        s.execute(delete(ledger_entry).where(_entry_col("index") == 5))
    found = _where(_verify(factory, signer))
    assert (Problem.GAP, 5, None) in found
    assert (Problem.CHECKPOINT_ROOT_MISMATCH, None, first.id) not in found
    # 11 entries are left: the checkpoint of 12 signs more than the log holds.
    assert (Problem.CHECKPOINT_BEYOND_LOG, None, second.id) in found
    assert (Problem.HEAD_MISMATCH, None, None) in found


def test_two_entries_swapped(factory: sessionmaker[Session], signer: Signer) -> None:
    (cp,) = _build(factory, signer, [9])
    columns = ["time", "actor", "kind", "subject", "payload_sha256", "leaf", "leaf_hash"]
    with transaction(factory) as s:
        rows = {
            i: s.execute(
                select(*[_entry_col(c) for c in columns]).where(_entry_col("index") == i)
            ).one()
            for i in (2, 6)
        }
        for here, there in ((2, 6), (6, 2)):
            values = dict(zip(columns, rows[there], strict=True))
            s.execute(update(ledger_entry).where(_entry_col("index") == here).values(values))
    found = _where(_verify(factory, signer))
    assert (Problem.LEAF_INDEX_MISMATCH, 2, None) in found
    assert (Problem.LEAF_INDEX_MISMATCH, 6, None) in found
    assert (Problem.CHECKPOINT_ROOT_MISMATCH, None, cp.id) in found


def test_checkpoint_signature_altered(factory: sessionmaker[Session], signer: Signer) -> None:
    _first, second = _build(factory, signer, [2, 4])
    text, sig_line = second.signed_note.rsplit("\n— ", 1)
    name, blob = sig_line.strip().split(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 0x40
    forged = f"{text}\n— {name} {base64.b64encode(bytes(raw)).decode()}\n"
    with transaction(factory) as s:
        s.execute(
            update(ledger_checkpoint)
            .where(ledger_checkpoint.c.id == second.id)
            .values(signed_note=forged)
        )
    assert _where(_verify(factory, signer)) == {(Problem.CHECKPOINT_BAD_SIGNATURE, None, second.id)}


def test_checkpoint_signed_with_another_key(factory: sessionmaker[Session], signer: Signer) -> None:
    _build(factory, signer, [3])
    intruder = generate_signer(signer.name)
    with transaction(factory) as s:
        _record(s, 3, 2)
        other = sign_checkpoint(s, intruder)
    assert _where(_verify(factory, signer)) == {(Problem.CHECKPOINT_UNTRUSTED, None, other.id)}


def test_checkpoint_row_edited(factory: sessionmaker[Session], signer: Signer) -> None:
    first, _second = _build(factory, signer, [2, 4])
    with transaction(factory) as s:
        s.execute(
            update(ledger_checkpoint).where(ledger_checkpoint.c.id == first.id).values(size=3)
        )
    assert _where(_verify(factory, signer)) == {(Problem.CHECKPOINT_ROW_MISMATCH, None, first.id)}


def test_truncated_and_regrown_log(factory: sessionmaker[Session], signer: Signer) -> None:
    _early, old = _build(factory, signer, [4, 10])
    with transaction(factory) as s:
        s.execute(delete(ledger_entry).where(_entry_col("index") >= 6))
        for level in range(1, 5):  # the nodes that covered entries 6 and later
            node = ledger_node.c
            s.execute(delete(ledger_node).where(node.level == level, node.idx >= 6 >> level))
        s.execute(update(ledger_head).values(size=6))
    with transaction(factory) as s:
        _record(s, 6, 8, "forged")
    found = _where(_verify(factory, signer))
    assert found == {(Problem.CHECKPOINT_ROOT_MISMATCH, None, old.id)}


def test_truncated_log_leaves_extra_nodes(factory: sessionmaker[Session], signer: Signer) -> None:
    (cp,) = _build(factory, signer, [8])
    with transaction(factory) as s:
        s.execute(delete(ledger_entry).where(_entry_col("index") >= 4))
        s.execute(update(ledger_head).values(size=4))
    found = _verify(factory, signer)
    extra = {(f.level, f.index) for f in found if f.problem is Problem.NODE_EXTRA}
    assert extra == {(1, 2), (1, 3), (2, 1), (3, 0)}
    assert (Problem.CHECKPOINT_BEYOND_LOG, None, cp.id) in _where(found)


def test_altered_node_is_reported(factory: sessionmaker[Session], signer: Signer) -> None:
    _build(factory, signer, [16])
    with transaction(factory) as s:
        s.execute(
            update(ledger_node)
            .where(ledger_node.c.level == 2, ledger_node.c.idx == 3)
            .values(hash=b"\x00" * 32)
        )
        s.execute(delete(ledger_node).where(ledger_node.c.level == 1, ledger_node.c.idx == 0))
    found = _verify(factory, signer, batch_size=4)
    assert {(f.problem, f.level, f.index) for f in found} == {
        (Problem.NODE_MISMATCH, 2, 3),
        (Problem.NODE_MISSING, 1, 0),
    }


def test_findings_are_capped_per_kind(factory: sessionmaker[Session], signer: Signer) -> None:
    _build(factory, signer, [12])
    with transaction(factory) as s:
        s.execute(update(ledger_entry).values(actor="rewritten"))
    found = _verify(factory, signer, limit_per_problem=5)
    assert [f.problem for f in found].count(Problem.ROW_MISMATCH) == 5
    assert found[-1].problem is Problem.TRUNCATED and "7 more" in found[-1].message


def test_batch_size_must_be_a_power_of_two(factory: sessionmaker[Session], signer: Signer) -> None:
    with pytest.raises(ValueError):
        _verify(factory, signer, batch_size=1000)


def test_garbage_leaf_and_garbage_note(factory: sessionmaker[Session], signer: Signer) -> None:
    (cp,) = _build(factory, signer, [3])
    with transaction(factory) as s:
        s.execute(
            update(ledger_entry)
            .where(_entry_col("index") == 1)
            .values(leaf=b"not json", leaf_hash=leaf_hash(b"not json"))
        )
        s.execute(update(ledger_checkpoint).values(signed_note="no signatures\n"))
    found = _where(_verify(factory, signer))
    assert (Problem.LEAF_MALFORMED, 1, None) in found
    assert (Problem.CHECKPOINT_MALFORMED, None, cp.id) in found
    # the columns still say which tree was signed: the edited leaf changes its root
    assert (Problem.CHECKPOINT_ROOT_MISMATCH, None, cp.id) in found

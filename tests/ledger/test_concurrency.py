"""Several processes appending at once: no gaps, no duplicates, a consistent tree."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from zhifa.core.db import make_engine, make_session_factory, transaction
from zhifa.ledger import (
    SqlNodeStore,
    generate_signer,
    log_size,
    record,
    root_from_leaves,
    root_hash,
    verify_log,
)
from zhifa.ledger.models import ledger_entry

WORKERS = 4
PER_WORKER = 200


def _append(url: str, worker: int, count: int, per_transaction: int) -> int:
    """Child process: append `count` entries, `per_transaction` per commit."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    done = 0
    try:
        while done < count:
            with transaction(factory) as s:
                for _ in range(min(per_transaction, count - done)):
                    record(
                        s,
                        kind="test.append",
                        subject=f"worker/{worker}",
                        actor=f"process/{worker}",
                        payload={"worker": worker, "n": done},
                        time=datetime.now(UTC),
                    )
                    done += 1
    finally:
        engine.dispose()
    return done


@pytest.mark.parametrize("per_transaction", [1, 7], ids=["commit-each", "batches-of-7"])
def test_parallel_appenders(db_url: str, per_transaction: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        results = [
            pool.apply_async(_append, (db_url, w, PER_WORKER, per_transaction))
            for w in range(WORKERS)
        ]
        assert [r.get(timeout=300) for r in results] == [PER_WORKER] * WORKERS

    total = WORKERS * PER_WORKER
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as s:
            rows = s.execute(
                select(
                    ledger_entry.c["index"], ledger_entry.c.leaf, ledger_entry.c.subject
                ).order_by(ledger_entry.c["index"])
            ).all()
            assert [r[0] for r in rows] == list(range(total))
            assert log_size(s) == total
            per_worker = {f"worker/{w}": 0 for w in range(WORKERS)}
            for r in rows:
                per_worker[r[2]] += 1
            assert set(per_worker.values()) == {PER_WORKER}
            leaves = [bytes(r[1]) for r in rows]
            assert root_hash(SqlNodeStore(s), total) == root_from_leaves(leaves)
            assert verify_log(s, [generate_signer("x").verifier()]) == []
    finally:
        engine.dispose()

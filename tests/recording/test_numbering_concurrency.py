"""Several processes issuing documents at once (SQLite file database and PostgreSQL):
every issued document gets a number, numbers run 1..n per kind with no gap and no
duplicate, and the refused issues in between consume none."""

from __future__ import annotations

import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from sqlalchemy import select

from tests.factories import open_action, principal
from tests.recording.helpers import FILING, PENALTY_DECISION
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory, transaction
from zhifa.core.errors import DomainError
from zhifa.core.settings import Settings, load_settings
from zhifa.recording.documents import service
from zhifa.recording.documents.models import Document, DocumentCounter, DocumentStatus

WORKERS = 4
PER_WORKER = 4  # documents each worker issues, alternating two kinds, plus one refusal


def _issue_all(
    data_dir: str,
    database_url: str | None,
    doc_ids: list[int],
    start: Barrier,
    results: Queue,  # type: ignore[type-arg]
) -> None:
    """Child process: issue each draft in its own transaction, as a request would."""
    settings = load_settings(Path(data_dir), database_url=database_url, secret_key="t" * 40)
    engine = make_engine(settings.resolved_database_url)
    factory = make_session_factory(engine, actor_key=settings.ledger_actor_key())
    store = open_blob_store(settings)
    outcome: list[tuple[int, str]] = []
    try:
        with transaction(factory) as db:
            who = principal(db, "zhangwei")
        start.wait(timeout=120)
        for doc_id in doc_ids:
            try:
                with transaction(factory) as db:
                    doc = service.issue(db, settings, store, doc_id, who)
                    outcome.append((doc_id, doc.doc_number or ""))
            except DomainError as exc:
                outcome.append((doc_id, f"refused: {exc.message}"))
    finally:
        engine.dispose()
        results.put(outcome)


def _drafts(settings: Settings) -> tuple[list[list[int]], set[int]]:
    """Drafts for each worker: complete ones of two kinds and one incomplete."""
    action_id = open_action(settings)
    engine = make_engine(settings.resolved_database_url)
    factory = make_session_factory(engine, actor_key=settings.ledger_actor_key())
    plans: list[list[int]] = []
    refused: set[int] = set()
    with transaction(factory) as db:
        who = principal(db, "zhangwei")
        for _worker in range(WORKERS):
            ids = []
            for n in range(PER_WORKER):
                kind, fields = (
                    ("penalty_decision", PENALTY_DECISION)
                    if n % 2
                    else ("case_filing_approval", FILING)
                )
                data = service.DraftIn(kind=kind, fields=fields)
                ids.append(service.create_draft(db, settings, action_id, data, who).id)
                if n == 1:  # a refusal in the middle of the run
                    bad = service.DraftIn(kind="penalty_decision", fields={"facts": "缺证据"})
                    bad_id = service.create_draft(db, settings, action_id, bad, who).id
                    ids.append(bad_id)
                    refused.add(bad_id)
            plans.append(ids)
    engine.dispose()
    return plans, refused


def test_parallel_issuers_get_gapless_unique_numbers(settings: Settings) -> None:
    plans, refused = _drafts(settings)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(
            target=_issue_all,
            args=(str(settings.data_dir), settings.database_url, ids, start, results),
        )
        for ids in plans
    ]
    for proc in procs:
        proc.start()
    outcomes = [item for _ in procs for item in results.get(timeout=300)]
    for proc in procs:
        proc.join(timeout=60)
    assert all(proc.exitcode == 0 for proc in procs)

    by_id = dict(outcomes)
    assert len(by_id) == sum(len(ids) for ids in plans)
    for doc_id, number in by_id.items():
        if doc_id in refused:
            assert number.startswith("refused: 证据为必填项")
        else:
            assert not number.startswith("refused"), number

    engine = make_engine(settings.resolved_database_url)
    with transaction(make_session_factory(engine)) as db:
        year = today().year
        issued = db.scalars(select(Document).where(Document.status == DocumentStatus.issued))
        seqs: dict[str, list[int]] = {}
        numbers = []
        for doc in issued:
            seqs.setdefault(doc.kind, []).append(doc.number_seq or 0)
            numbers.append(doc.doc_number)
        per_kind = WORKERS * PER_WORKER // 2
        assert sorted(seqs["penalty_decision"]) == list(range(1, per_kind + 1))
        assert sorted(seqs["case_filing_approval"]) == list(range(1, per_kind + 1))
        assert len(set(numbers)) == len(numbers) == 2 * per_kind
        counters = {c.kind: c.last for c in db.scalars(select(DocumentCounter))}
        assert counters == {"penalty_decision": per_kind, "case_filing_approval": per_kind}
        assert f"（普）应急罚〔{year}〕{per_kind}号" in numbers
        for doc_id in refused:
            refused_doc = db.get(Document, doc_id)
            assert refused_doc is not None and refused_doc.status is DocumentStatus.draft
    engine.dispose()

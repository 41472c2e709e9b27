"""Scheduled jobs under leases (issue 12, point 2): two workers against one PostgreSQL
database run each job once; a held lease keeps a second process out until it ends or
lapses; `serve` runs the jobs in-process unless told not to."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from tests.pg_server import create_database, drop_database
from zhifa.core.db import make_engine, make_session_factory, utcnow
from zhifa.core.features import registry
from zhifa.core.jobs import LEASE, _claim, enabled_jobs, run_due
from zhifa.core.keys import ensure_ledger_signer, ledger_key_path
from zhifa.core.models import JobLease
from zhifa.core.settings import Settings, load_settings
from zhifa.ledger.models import ledger_checkpoint
from zhifa.web.app import create_app

WORKERS = 4


@pytest.fixture
def pg_settings(
    postgres_port: int, seeded_postgres_template: str, tmp_path: Path
) -> Iterator[Settings]:
    url = create_database(postgres_port, template=seeded_postgres_template)
    settings = load_settings(tmp_path / "data", database_url=url, secret_key="t" * 40)
    ensure_ledger_signer(settings)
    yield settings
    drop_database(postgres_port, url)


def _factory(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.resolved_database_url)
    return make_session_factory(engine, actor_key=settings.ledger_actor_key())


def _leases(settings: Settings) -> dict[str, JobLease]:
    with _factory(settings)() as db:
        return {row.name: row for row in db.scalars(select(JobLease))}


@pytest.mark.postgres
def test_workers_on_postgresql_run_each_job_once(pg_settings: Settings) -> None:
    env = {
        **os.environ,
        "ZHIFA_DATA_DIR": str(pg_settings.data_dir),
        "ZHIFA_DATABASE_URL": pg_settings.resolved_database_url,
        "ZHIFA_SECRET_KEY": "t" * 40,
    }
    command = [sys.executable, "-m", "zhifa.cli", "worker", "--once"]
    workers = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(WORKERS)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert all(w.returncode == 0 for w in workers), [err[-2000:] for _, err in outputs]
    names = [job.name for job in enabled_jobs(pg_settings)]
    # checkpoints, delivery, refresh, disposal due list, 四性检测, weak-points facts
    assert len(names) == 6
    # Each job's report line was printed by exactly one of the workers ...
    ran_by = {n: [i for i, (out, _) in enumerate(outputs) if f"{n}：已运行" in out] for n in names}
    print("job -> worker that ran it:", ran_by)
    assert all(len(who) == 1 for who in ran_by.values()), ran_by
    # ... while every worker tried every job (the others found it taken or not yet due).
    for out, _ in outputs:
        assert all(f"{n}：" in out for n in names), out
    # ... and the leases agree: one run each, the lease released, due again after its interval.
    leases = _leases(pg_settings)
    for name in names:
        lease = leases[name]
        assert lease.runs == 1 and lease.lease_until is None, name
        assert lease.last_run_at is not None and lease.next_due_at > lease.last_run_at
    assert "已签名检查点" in leases["ledger.checkpoint"].last_report


def test_a_held_lease_keeps_others_out_until_it_ends_or_lapses(sqlite_settings: Settings) -> None:
    factory = _factory(sqlite_settings)
    now = utcnow()
    name = "ledger.checkpoint"
    run_due(factory, sqlite_settings, "first", now)  # creates the rows, runs everything once
    with factory() as db:  # due again
        db.execute(update(JobLease).values(next_due_at=now))
        db.commit()
    assert _claim(factory, name, "a", now) is True
    assert _claim(factory, name, "b", now) is False  # a's lease runs
    assert _claim(factory, name, "b", now + LEASE - timedelta(seconds=1)) is False
    assert _claim(factory, name, "b", now + LEASE + timedelta(seconds=1)) is True  # a died
    assert _leases(sqlite_settings)[name].holder == "b"


def test_a_failing_job_is_reported_and_tried_again_next_interval(
    sqlite_settings: Settings,
) -> None:
    factory = _factory(sqlite_settings)
    job = registry().jobs["ledger.checkpoint"]
    ledger_key_path(sqlite_settings).unlink()  # signing cannot work
    runs = {r.name: r for r in run_due(factory, sqlite_settings, "w")}
    assert runs[job.name].ok is False and "失败" in runs[job.name].report
    lease = _leases(sqlite_settings)[job.name]
    assert lease.lease_until is None and "失败" in lease.last_report
    interval = job.interval(sqlite_settings)
    assert lease.last_run_at is not None
    assert lease.next_due_at == lease.last_run_at + timedelta(seconds=interval)


@pytest.mark.parametrize("run_jobs", [True, False])
def test_serve_runs_the_jobs_unless_told_not_to(sqlite_settings: Settings, run_jobs: bool) -> None:
    """The suite's settings run no jobs in-process (see conftest); serve's default does."""
    before = _checkpoints(sqlite_settings)
    app = create_app(sqlite_settings.model_copy(update={"jobs_in_process": run_jobs}))
    with TestClient(app):
        deadline = time.monotonic() + 60
        while run_jobs and _runs(sqlite_settings, "ledger.checkpoint") < 1:
            assert time.monotonic() < deadline, "the in-process runner ran nothing"
            time.sleep(0.2)
        time.sleep(1.5)  # a runner that should not exist would have run by now
    assert bool(_leases(sqlite_settings)) is run_jobs
    # The seeded log has grown since its last checkpoint: the job signs one.
    assert (_checkpoints(sqlite_settings) > before) is run_jobs


def _runs(settings: Settings, name: str) -> int:
    lease = _leases(settings).get(name)
    return lease.runs if lease else 0


def _checkpoints(settings: Settings) -> int:
    with _factory(settings)() as db:
        return len(db.execute(select(ledger_checkpoint.c.size)).all())

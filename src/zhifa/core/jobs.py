"""Running the features' scheduled jobs (`core.features.Job`) under leases.

Every job has one row in `job_lease`. A process takes a due job with one conditional
UPDATE — "set me as holder where the job is due and nobody's lease is running" — and runs
it only if that UPDATE changed the row. On PostgreSQL the second of two concurrent UPDATEs
waits for the first's row lock and then re-reads the row, finds the lease taken and changes
nothing; on SQLite writers are serialised by the database lock. So two workers (or a worker
and `zhifa serve`) never run the same job at once, and a job runs once per interval however
many processes share the database. A lease ends when its run ends; one whose holder died
lapses after `LEASE` and another process takes the job over.

`zhifa worker` runs `JobRunner` in the foreground; `zhifa serve` runs it in a thread
unless started with ``--no-jobs``.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from zhifa.core.db import utcnow
from zhifa.core.features import Job, JobContext, registry
from zhifa.core.models import JobLease
from zhifa.core.settings import Settings

log = logging.getLogger(__name__)

# Longest a run may hold its job; every job does one bounded pass, far shorter than this.
LEASE = timedelta(minutes=15)
IDLE_WAIT_SECONDS = 1.0  # how often an idle runner looks for due jobs


def holder_name() -> str:
    """Who holds a lease: host, process and a random tag (a restarted process is new)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def enabled_jobs(settings: Settings) -> list[Job]:
    """The manifests' jobs whose interval is positive in these settings."""
    return [job for job in registry().jobs.values() if job.interval(settings) > 0]


@dataclass(frozen=True)
class JobRun:
    name: str
    holder: str
    report: str
    ok: bool


def _ensure_leases(factory: sessionmaker[Session], names: list[str], now: datetime) -> None:
    with factory() as db:
        known = set(db.scalars(select(JobLease.name).where(JobLease.name.in_(names))))
        missing = [n for n in names if n not in known]
        if not missing:
            return
        for name in missing:
            db.add(JobLease(name=name, next_due_at=now, runs=0))
        try:
            db.commit()
        except Exception:  # another process created them first: theirs are as good
            db.rollback()


def _claim(factory: sessionmaker[Session], name: str, holder: str, now: datetime) -> bool:
    with factory() as db:
        taken = db.execute(
            update(JobLease)
            .where(
                JobLease.name == name,
                JobLease.next_due_at <= now,
                (JobLease.lease_until.is_(None)) | (JobLease.lease_until < now),
            )
            .values(holder=holder, lease_until=now + LEASE)
        )
        db.commit()
        return taken.rowcount == 1  # type: ignore[attr-defined]


def _finish(factory: sessionmaker[Session], job: Job, run: JobRun, settings: Settings) -> None:
    now = utcnow()
    with factory() as db:
        lease = db.get(JobLease, job.name)
        if lease is None or lease.holder != run.holder:
            return  # the lease lapsed and another process took the job over
        lease.lease_until = None
        lease.last_run_at = now
        lease.next_due_at = now + timedelta(seconds=job.interval(settings))
        lease.last_report = run.report[:500]
        lease.runs += 1
        db.commit()


def run_due(
    factory: sessionmaker[Session], settings: Settings, holder: str, now: datetime | None = None
) -> list[JobRun]:
    """Run every enabled job that is due and not held by another process, once each."""
    jobs = enabled_jobs(settings)
    now = now or utcnow()
    _ensure_leases(factory, [job.name for job in jobs], now)
    runs = []
    for job in jobs:
        if not _claim(factory, job.name, holder, now):
            continue
        try:
            run = JobRun(job.name, holder, job.run(JobContext(factory, settings)), True)
        except Exception as exc:  # the job's own transaction is undone; try next interval
            log.exception("job %s failed", job.name)
            run = JobRun(job.name, holder, f"失败：{type(exc).__name__}: {exc}", False)
        _finish(factory, job, run, settings)
        runs.append(run)
    return runs


class JobRunner:
    """Runs due jobs until stopped: in a daemon thread (`start`) for `zhifa serve`, or in
    the caller's thread (`run_forever`) for `zhifa worker`."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self._factory, self._settings = factory, settings
        self.holder = holder_name()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="zhifa-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                for run in run_due(self._factory, self._settings, self.holder):
                    log.info("job %s: %s", run.name, run.report)
            except Exception:  # the database is away for a moment: look again later
                log.exception("looking for due jobs failed")
            self._stop.wait(IDLE_WAIT_SECONDS)

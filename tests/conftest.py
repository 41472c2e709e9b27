"""Shared fixtures: the servers the suite needs are started here, by the suite itself."""

from __future__ import annotations

from collections.abc import Iterator
from os import environ

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy.orm import Session

from tests.pg_server import create_database, drop_database, postgres_server

# Hypothesis draws the same examples on every run and machine (derandomised: the seed comes
# from the test itself) and a failure prints its example and @reproduce_failure blob.
# HYPOTHESIS_PROFILE=explore draws new ones (add --hypothesis-seed=N to replay a run).
_HYPOTHESIS = {
    "deadline": None,  # a loaded machine is slow, not wrong
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow],
}
hypothesis_settings.register_profile("zhifa", derandomize=True, **_HYPOTHESIS)
hypothesis_settings.register_profile("explore", derandomize=False, **_HYPOTHESIS)
hypothesis_settings.load_profile(environ.get("HYPOTHESIS_PROFILE", "zhifa"))


@pytest.fixture(scope="session")
def postgres_port() -> Iterator[int]:
    with postgres_server() as port:
        yield port


@pytest.fixture
def postgres_url(postgres_port: int) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    url = create_database(postgres_port)
    yield url
    drop_database(postgres_port, url)


# ---- a seeded zhifa instance -------------------------------------------------------------

import re  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402

from zhifa.core import schema  # noqa: E402
from zhifa.core.db import make_engine, make_session_factory  # noqa: E402
from zhifa.core.keys import ensure_ledger_signer  # noqa: E402
from zhifa.core.settings import Settings, load_settings  # noqa: E402
from zhifa.demo.seed import seed_demo  # noqa: E402
from zhifa.web.app import create_app  # noqa: E402

DEMO_PASSWORD = "Zhifa@2026"


def schedule_2027(makeup_workdays: list[str]) -> dict[str, object]:
    """A made-up (test-only) 2027 holiday schedule that covers every statutory day."""
    holidays = [
        ("2027-01-01", "元旦"),
        *[(f"2027-02-{d:02d}", "春节") for d in range(5, 13)],
        ("2027-04-05", "清明节"),
        ("2027-05-01", "劳动节"),
        ("2027-05-02", "劳动节"),
        ("2027-06-09", "端午节"),
        ("2027-09-15", "中秋节"),
        *[(f"2027-10-0{d}", "国庆节") for d in range(1, 8)],
    ]
    return {
        "format": "zhifa-holiday-schedule/1",
        "year": 2027,
        "source": "测试用放假安排",
        "holidays": [{"date": d, "name": n} for d, n in holidays],
        "makeup_workdays": [{"date": d, "name": "春节"} for d in makeup_workdays],
    }


# The suite's in-process apps run no job thread (ZHIFA_JOBS_IN_PROCESS's test value): a job
# committing at any moment would break every test that writes through the deferred ``db``
# session beside ``client``. The jobs themselves, the in-process runner and a live
# `zhifa serve` with its jobs under load are tested on their own (tests/core/test_jobs.py,
# tests/web/test_sqlite_under_load.py); live servers (`zhifa_server`) keep the default.
SUITE = {"secret_key": "t" * 40, "jobs_in_process": False}


def _prepare(data_dir: Path, database_url: str | None = None) -> Settings:
    settings = load_settings(data_dir, database_url=database_url, **SUITE)
    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_ledger_signer(settings)
    engine = make_engine(settings.resolved_database_url)
    schema.upgrade(engine)
    session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    seed_demo(session)
    session.close()
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def seeded_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded SQLite data directory; each test gets its own copy (seeding hashes
    twenty passwords, so doing it once keeps the suite quick)."""
    return _prepare(tmp_path_factory.mktemp("template")).data_dir


@pytest.fixture(scope="session")
def seeded_postgres_template(
    postgres_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    url = create_database(postgres_port)
    _prepare(tmp_path_factory.mktemp("pg-template"), url)
    yield url
    drop_database(postgres_port, url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A seeded instance on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield _sqlite_copy(request.getfixturevalue("seeded_sqlite_template"), tmp_path)
        return
    port = request.getfixturevalue("postgres_port")
    url = create_database(port, template=request.getfixturevalue("seeded_postgres_template"))
    settings = load_settings(tmp_path / "data", database_url=url, **SUITE)
    ensure_ledger_signer(settings)
    yield settings
    drop_database(port, url)


@pytest.fixture
def sqlite_settings(seeded_sqlite_template: Path, tmp_path: Path) -> Settings:
    return _sqlite_copy(seeded_sqlite_template, tmp_path)


def _sqlite_copy(template: Path, tmp_path: Path) -> Settings:
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    return load_settings(data_dir, **SUITE)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def sqlite_client(sqlite_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings), follow_redirects=False) as test_client:
        yield test_client


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through the real form; returns the session's CSRF token."""
    form = client.get("/app/login")
    response = client.post(
        "/app/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/app/password").text)


@pytest.fixture
def db(settings: Settings) -> Iterator[Session]:
    """A session on the same database as ``client``, to check what was written."""
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    yield session
    session.close()
    engine.dispose()


@pytest.fixture
def writer(settings: Settings) -> Iterator[Session]:
    """A session to write with beside a running ``client`` (whose jobs commit at any time).
    Its transactions begin as writes, like the app's: on SQLite a transaction begun as a
    read (``db``) that writes after another connection committed fails at once with
    'database is locked' (WAL cannot upgrade a stale snapshot; busy_timeout does not
    help). It holds the write lock until it commits: commit before using ``client``."""
    engine = make_engine(settings.resolved_database_url)
    session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    yield session
    session.close()
    engine.dispose()


# ---- a real server process ---------------------------------------------------------------

import contextlib  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def zhifa_server(data_dir: Path, *options: str) -> Iterator[str]:
    """`zhifa serve [options]` as its own process on a free loopback port: its base URL."""
    port = _free_port()
    args = ["serve", "--data-dir", str(data_dir), "--port", str(port), *options]
    process = subprocess.Popen(
        [sys.executable, "-m", "zhifa.cli", *args],
        env={**os.environ, "ZHIFA_SECRET_KEY": "b" * 40},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"zhifa {' '.join(args)} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def live_server(sqlite_settings: Settings) -> Iterator[str]:
    """`zhifa serve` as its own process on a free loopback port."""
    with zhifa_server(sqlite_settings.data_dir) as url:
        yield url

"""Instances with the demo's cases (closed ones among them) for the archive's tests:
seeded once per session on SQLite and on PostgreSQL, copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.conftest import SUITE, _prepare, _sqlite_copy
from tests.pg_server import create_database, drop_database
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.keys import ensure_ledger_signer
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.actions import seed_demo_actions


def _with_cases(settings: Settings) -> Settings:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        seed_demo_actions(db, settings, open_blob_store(settings))
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def cases_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _with_cases(_prepare(tmp_path_factory.mktemp("cases"))).data_dir


@pytest.fixture(scope="session")
def cases_postgres_template(
    postgres_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    url = create_database(postgres_port)
    settings = _with_cases(_prepare(tmp_path_factory.mktemp("cases-pg"), url))
    yield url, settings.data_dir
    drop_database(postgres_port, url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """A seeded instance with the demo's cases, on SQLite and on PostgreSQL (the blobs of
    the PostgreSQL template are copied with its data directory)."""
    if request.param == "sqlite":
        yield _sqlite_copy(request.getfixturevalue("cases_sqlite_template"), tmp_path)
        return
    port = request.getfixturevalue("postgres_port")
    template_url, template_dir = request.getfixturevalue("cases_postgres_template")
    url = create_database(port, template=template_url)
    copy = _sqlite_copy(template_dir, tmp_path)
    settings = load_settings(copy.data_dir, database_url=url, **SUITE)
    ensure_ledger_signer(settings)
    yield settings
    drop_database(port, url)


@pytest.fixture
def db(settings: Settings) -> Iterator[Session]:
    """A session that writes (its transactions begin as writes, like the app's)."""
    engine = make_engine(settings.resolved_database_url)
    session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    yield session
    session.close()
    engine.dispose()

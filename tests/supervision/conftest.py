"""A seeded instance with the demo's cases, publications and accountability case, shared
by a test module (the demo renders and issues real documents, so it is made once)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SUITE
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.accountability import seed_demo_accountability
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.publicity import seed_demo_publicity


@pytest.fixture(scope="module")
def demo_settings(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("supervision") / "data"
    shutil.copytree(seeded_sqlite_template, data_dir)
    settings = load_settings(data_dir, **SUITE)
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        seed_demo_actions(db, settings, open_blob_store(settings))
        seed_demo_publicity(db, settings)
        assert seed_demo_accountability(db) == 1
        assert seed_demo_accountability(db) == 0  # idempotent
    engine.dispose()
    yield settings

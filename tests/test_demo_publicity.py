"""The demo publishes a realistic set of decisions through the real pipeline: each kind,
fines, natural persons masked, one exempted (issue 6, point 9)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings, load_settings
from zhifa.demo_actions import seed_demo_actions
from zhifa.demo_publicity import (
    CORRECTED_FACTS,
    EXEMPTED_CASE,
    WITHDRAWAL_REASON,
    seed_demo_publicity,
)
from zhifa.enforcement.models import Action, Party
from zhifa.publicity.models import (
    ObligationStatus,
    Publication,
    PublicationObligation,
    PublicationStatus,
)


@pytest.fixture(scope="module")
def demo_world(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Session]]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(seeded_sqlite_template, data_dir)
    settings = load_settings(data_dir, secret_key="t" * 40)
    engine = make_engine(settings.resolved_database_url)
    db = make_session_factory(engine)()
    seed_demo_actions(db, settings, open_blob_store(settings))
    seed_demo_publicity(db, settings)
    yield settings, db
    db.close()
    engine.dispose()


def test_every_decision_is_published_or_exempted(demo_world: tuple[Settings, Session]) -> None:
    settings, db = demo_world
    obligations = db.scalars(select(PublicationObligation)).all()
    assert {o.kind for o in obligations} == {"penalty", "compulsion", "license"}
    assert all(o.status is not ObligationStatus.open for o in obligations)
    exempted = [o for o in obligations if o.status is ObligationStatus.exempted]
    assert [db.get(Action, o.action_id).title for o in exempted] == [EXEMPTED_CASE]  # type: ignore[union-attr]
    assert seed_demo_publicity(db, settings) == 0  # idempotent


def test_published_snapshots_have_fines_and_masked_persons(
    demo_world: tuple[Settings, Session],
) -> None:
    _, db = demo_world
    published = db.scalars(
        select(Publication).where(Publication.status == PublicationStatus.published)
    ).all()
    texts = [p.snapshot_json for p in published]
    assert any("罚款金额" in t and re.search(r'"value":"0\.\d+"', t) for t in texts)
    # natural persons' names per the setting (姓+某某 by default), never in full
    persons = db.scalars(select(Party).where(Party.kind == "person")).all()
    full_names = {p.versions[-1].name for p in persons}
    assert not [n for n in full_names if any(n in t for t in texts)]
    assert any("某某" in t for t in texts)
    # the phone number an officer typed into the facts is masked
    assert not any("13912345678" in t for t in texts)


def test_one_corrected_and_one_withdrawn(demo_world: tuple[Settings, Session]) -> None:
    _, db = demo_world
    statuses = {
        p.status
        for p in db.scalars(select(Publication)).all()
        if p.status is not PublicationStatus.published
    }
    assert statuses == {PublicationStatus.superseded, PublicationStatus.withdrawn}
    corrected = db.scalars(select(Publication).where(Publication.version == 2)).all()
    assert len(corrected) == 1 and "更正" in corrected[0].correction_note
    assert CORRECTED_FACTS in corrected[0].snapshot_json
    withdrawn = db.scalars(
        select(Publication).where(Publication.status == PublicationStatus.withdrawn)
    ).one()
    assert withdrawn.end_reason == WITHDRAWAL_REASON

"""The demo's 双随机 story (issue 15 point 6): the 2026 plan's first batch drawn with the
real quicknet round 29038076 announced two days before it, a substitution, its published
JSON recomputed by the verifier and the CLI; the second batch announced and waiting; the
first batch's inspections opened from the drawn teams with results published on the
portal and one waiting for review on the board."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import SUITE
from zhifa.cli import app as cli
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.draws import DEMO_ROUND, seed_demo_draws
from zhifa.inspection.beacon import MIN_LEAD, round_time
from zhifa.inspection.draw import canonical_json
from zhifa.inspection.draws import service as draws
from zhifa.inspection.draws.models import InspectionDraw
from zhifa.inspection.published import verify
from zhifa.inspection.tasks.models import InspectionTask
from zhifa.publicity.models import ObligationStatus, PublicationObligation, PublicSnapshot
from zhifa.web.app import create_portal_app


@pytest.fixture(scope="module")
def demo(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Session]]:
    data_dir = tmp_path_factory.mktemp("demo-draws") / "data"
    shutil.copytree(seeded_sqlite_template, data_dir)
    settings = load_settings(data_dir, **SUITE)
    engine = make_engine(settings.resolved_database_url)
    db = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    signer, store = load_ledger_signer(settings), open_blob_store(settings)
    assert seed_demo_draws(db, settings, signer, store) == 2
    assert seed_demo_draws(db, settings, signer, store) == 0  # idempotent
    yield settings, db
    db.close()
    engine.dispose()


def _draws(db: Session) -> list[InspectionDraw]:
    return list(db.scalars(select(InspectionDraw).order_by(InspectionDraw.batch_index)))


def test_the_first_batch_is_drawn_with_a_real_round_and_verifies(
    demo: tuple[Settings, Session], tmp_path: Path
) -> None:
    _, db = demo
    first, second = _draws(db)
    assert first.status == "drawn" and second.status == "announced"
    assert first.announcement["randomness"][0]["round"] == DEMO_ROUND
    assert first.checkpoint_at is not None
    assert round_time(DEMO_ROUND) - first.checkpoint_at.astimezone(round_time(1).tzinfo) >= MIN_LEAD
    (substitution,) = first.substitutions
    assert substitution["reason"] == "已注销或停业"
    document = draws.published_document(first)
    assert verify(document) == []
    published = tmp_path / "draw.json"
    published.write_bytes(canonical_json(document))
    run = CliRunner().invoke(cli, ["draw", "verify", str(published)])
    assert run.exit_code == 0 and "一致" in run.output
    # A changed output is caught by the same check.
    document["outputs"]["teams"][0]["inspectors"].reverse()  # type: ignore[index]
    published.write_text(json.dumps(document, ensure_ascii=False))
    assert CliRunner().invoke(cli, ["draw", "verify", str(published)]).exit_code != 0
    # The second batch waits for a round at least 24 h after its own checkpoint.
    (source,) = second.announcement["randomness"]
    assert second.checkpoint_at is not None and second.outputs is None
    waited = round_time(source["round"]) - second.checkpoint_at.astimezone(round_time(1).tzinfo)
    assert MIN_LEAD <= waited <= MIN_LEAD + timedelta(hours=3)


def test_the_drawn_targets_are_inspected_and_their_results_published(
    demo: tuple[Settings, Session],
) -> None:
    settings, db = demo
    first, _ = _draws(db)
    tasks = list(db.scalars(select(InspectionTask).order_by(InspectionTask.id)))
    assert [t.target_uscc for t in tasks] == [t.target for t in draws.current_teams(first)]
    assert all(t.result is not None and t.obligation_id is not None for t in tasks)
    states = [db.get(PublicationObligation, t.obligation_id).status for t in tasks]  # type: ignore[union-attr]
    assert states == [ObligationStatus.published] * 2 + [ObligationStatus.open]
    (batch_article,) = db.scalars(
        select(PublicSnapshot).where(PublicSnapshot.kind == "inspection_batch")
    )
    assert (
        len(batch_article.snapshot_json) > 0 and tasks[0].target_uscc in batch_article.snapshot_json
    )
    expected = canonical_json(draws.published_document(first))
    links = [f'href="/p/{t.obligation_id}"' for t in tasks]
    drawn_json = f"/inspection/plans/{first.plan_id}/batches/1/draw.json"
    db.rollback()  # the portal process writes its own log: hold no lock meanwhile
    with TestClient(create_portal_app(settings)) as portal:
        page = portal.get("/random-inspections")
        assert page.status_code == 200
        assert links[0] in page.text and links[1] in page.text
        assert links[2] not in page.text  # not yet reviewed: not public
        drawn = portal.get(drawn_json)
        assert drawn.status_code == 200 and drawn.content == expected

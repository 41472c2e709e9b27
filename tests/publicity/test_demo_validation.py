"""The demo's cases agree with themselves (issue 13 point 1): every public item the demo
publishes passes the validation every write path runs, and each published penalty's
违法行为类型 (its power item), 违法事实 and 处罚依据 speak of the same violation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.blobstore import open_blob_store
from zhifa.core.calendar import SHANGHAI
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings, load_settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.publicity import seed_demo_publicity
from zhifa.enforcement.models import Action
from zhifa.publicity import service, validation
from zhifa.publicity.models import Publication, PublicationObligation


@pytest.fixture(scope="module")
def demo(
    seeded_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, Session]]:
    """The demo's cases walked and published, as `make demo` does."""
    data_dir = tmp_path_factory.mktemp("demo-validation") / "data"
    shutil.copytree(seeded_sqlite_template, data_dir)
    settings = load_settings(data_dir, secret_key="t" * 40)
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        seed_demo_actions(db, settings, open_blob_store(settings))
        seed_demo_publicity(db, settings)
        yield settings, db
    engine.dispose()


# A phrase naming the violation in a power item's name -> what its facts must mention.
SUBJECTS = {
    "重大危险源": "重大危险源",
    "安全生产教育和培训": "培训",
    "安全警示标志": "安全警示标志",
    "疏散通道": "疏散通道",
}


def _items(pub: Publication) -> dict[str, str]:
    return {i["key"]: str(i["value"]) for i in service.snapshot_as_of(pub)["items"]}


def test_every_public_item_of_the_demo_passes_validation(
    demo: tuple[Settings, Session],
) -> None:
    _, db = demo
    pubs = db.scalars(select(Publication).order_by(Publication.id)).all()
    assert len(pubs) >= 9
    for pub in pubs:
        at = pub.published_at
        assert at is not None
        # the day it was published in Beijing time (the stored time is UTC)
        day = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(SHANGHAI).date()
        assert validation.problems(service.snapshot_as_of(pub), day) == [], pub.id


def test_each_demo_penalty_names_the_violation_its_facts_describe(
    demo: tuple[Settings, Session],
) -> None:
    _, db = demo
    penalties = db.scalars(select(Publication).where(Publication.kind == "penalty")).all()
    assert penalties
    for pub in penalties:
        items = _items(pub)
        action = db.get(Action, db.get(PublicationObligation, pub.obligation_id).action_id)  # type: ignore[union-attr]
        assert action is not None
        subject = [s for s in SUBJECTS if s in items["violation_type"]]
        assert len(subject) == 1, items["violation_type"]
        assert SUBJECTS[subject[0]] in items["facts"], (action.title, items)
        assert items["basis"] == action.power_item.basis, (action.title, items["basis"])


def test_demo_licences_publish_their_scope_and_validity(demo: tuple[Settings, Session]) -> None:
    _, db = demo
    licences = db.scalars(select(Publication).where(Publication.kind == "license")).all()
    assert licences
    for pub in licences:
        items = _items(pub)
        assert items["content"] and items["certificate_name"] and items["license_number"]
        assert items["valid_from"] <= items["valid_until"]
        assert "public_until" not in items  # the 行政许可 template has no 公示截止期
        assert pub.public_until is not None and pub.public_until.isoformat() == items["valid_until"]

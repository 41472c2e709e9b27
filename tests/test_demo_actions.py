"""The demo gains a complete action of each kind, walked through the real services, and
the store still verifies afterwards (every snapshot survives its database round trip)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from zhifa.cli import app
from zhifa.core.blobstore import open_blob_store
from zhifa.core.checkpoints import checkpoint_if_grown
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.demo.actions import CASES, seed_demo_actions
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.enforcement.steps import ActionKind
from zhifa.recording.documents.models import Document, DocumentStatus


def test_demo_actions_of_every_kind(settings: Settings, db: Session) -> None:
    store = open_blob_store(settings)
    assert seed_demo_actions(db, settings, store) == len(CASES)
    assert seed_demo_actions(db, settings, store) == 0  # idempotent
    rows = db.scalars(select(Action)).all()
    assert {a.kind for a in rows} == set(ActionKind)
    still_open = [a for a in rows if a.status is ActionStatus.open]
    assert [(a.procedure, a.current_step) for a in still_open] == [("penalty.general", "notice")]
    issued = db.scalar(select(func.count()).where(Document.status == DocumentStatus.issued))
    assert issued is not None and issued >= 11
    checkpoint_if_grown(db, load_ledger_signer(settings), settings.log_origin)
    env = {"ZHIFA_DATABASE_URL": settings.database_url} if settings.database_url else {}
    args = ["verify", "--full", "--data-dir", str(settings.data_dir)]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output

"""Migration 0021 makes documents issued before it verifiable the same way as those issued
after: the backfill gives each issued document the row its issue would have written."""

from __future__ import annotations

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import open_action
from tests.recording.test_documents_api import PENALTY_DECISION, _draft, _headers, _issue
from zhifa.core import schema
from zhifa.core.db import make_engine
from zhifa.core.settings import Settings
from zhifa.recording.documents.models import PublicDocument

COLUMNS = ("digest", "title", "doc_number", "issue_date", "issue_entry", "corrected_by")


def _rows(db: Session) -> list[tuple[object, ...]]:
    rows = db.scalars(select(PublicDocument).order_by(PublicDocument.digest))
    return [tuple(getattr(row, c) for c in COLUMNS) for row in rows]


def test_backfill_gives_earlier_documents_the_rows_their_issue_wrote(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    doc = _issue(
        client, h, _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)["id"]
    )
    new = client.post(
        f"/api/v1/documents/{doc['id']}/corrections", json={"reason": "笔误"}, headers=h
    )
    _issue(client, h, new.json()["id"])
    db.rollback()
    written = _rows(db)
    assert len(written) >= 2 and any(row[5] for row in written)  # one says it was corrected
    db.close()

    engine = make_engine(settings.resolved_database_url)
    config = schema.alembic_config()
    with engine.begin() as connection:  # back to the schema before 0021
        config.attributes["connection"] = connection
        command.downgrade(config, "0021")  # the later migrations first, by their own hands
        connection.execute(text("DROP TABLE public_document"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0020'"))
    schema.upgrade(engine)
    engine.dispose()
    assert _rows(db) == written
    db.rollback()

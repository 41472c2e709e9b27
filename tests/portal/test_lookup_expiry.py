"""The certificate lookup's rate-limit rows expire for every client (issue 11, point 10),
on SQLite and PostgreSQL, in the portal-only process: a lookup by one client removes
every other client's rows older than the window and keeps the rows inside it, so no
client's (hashed) address stays in `portal_lookup` past ten minutes."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zhifa.core.db import utcnow
from zhifa.core.settings import Settings
from zhifa.publicity.portal.models import PortalLookup
from zhifa.publicity.portal.subjects import LOOKUP_WINDOW
from zhifa.web.app import create_portal_app


def test_a_lookup_expires_every_clients_old_rows(settings: Settings, db: Session) -> None:
    now = utcnow()
    db.execute(delete(PortalLookup))
    db.add_all(
        [
            PortalLookup(client_key="gone-1", at=now - LOOKUP_WINDOW - timedelta(seconds=5)),
            PortalLookup(client_key="gone-1", at=now - timedelta(days=3)),
            PortalLookup(client_key="gone-2", at=now - timedelta(hours=1)),
            PortalLookup(client_key="stays", at=now - LOOKUP_WINDOW + timedelta(minutes=2)),
        ]
    )
    db.commit()
    with TestClient(create_portal_app(settings), follow_redirects=False) as portal:
        assert portal.get("/c/ZZ-00000000").status_code == 404  # a lookup all the same
    db.rollback()
    left = sorted(db.scalars(select(PortalLookup.client_key)))
    assert "gone-1" not in left and "gone-2" not in left
    assert left.count("stays") == 1 and len(left) == 2  # and the new lookup's own row

"""`zhifa serve --portal-only`: the portal app alone, its engine refusing every table
outside the portal's allow-list and every write to a table it may only read (the ledger).
Every route, the public log's included, is walked with published content and the guard
on; internal paths do not exist there."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from tests.portal.helpers import deliver, message, publish_decision, snapshot
from tests.web.test_admin_and_officers import _api_routes
from zhifa.core.checkpoints import checkpoint_if_grown
from zhifa.core.keys import load_ledger_signer
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_checkpoint, ledger_entry, ledger_node
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import Publication
from zhifa.web.app import create_portal_app
from zhifa.web.portal import (
    LOG_TABLES,
    PORTAL_TABLES,
    Access,
    PortalGuardError,
    TableGuard,
    allowed_tables,
)

# The public log the portal's pages link to: each path with the query it needs.
LOG_QUERIES = {
    "/log/checkpoint": "",
    "/log/key": "",
    "/log/entries": "?start=0&end=2",
    "/log/proof/inclusion": "?index=0&size=2",
    "/log/proof/consistency": "?from=1&to=2",
}
PORTAL_PATHS = {"/", "/search", "/p/{public_id}", "/p/{public_id}.json", "/healthz", *LOG_QUERIES}


def _paths(app_routes: list) -> set[str]:  # type: ignore[type-arg]
    return {path for path, route in _api_routes(app_routes) if "GET" in route.methods}


def _walk(app_routes: list, values: dict[str, str]) -> list[str]:  # type: ignore[type-arg]
    urls = []
    for path in sorted(_paths(app_routes)):
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        urls.append(path + LOG_QUERIES.get(path, ""))
    return urls


def test_portal_only_app_reads_only_portal_tables(
    client: TestClient, db: Session, settings: Settings
) -> None:
    published = publish_decision(client, db)  # through the full app, as staff would
    public_id = published["obligation_id"]
    gone = snapshot("penalty", party_name="某撤下有限公司", content="罚款")
    deliver(db, message(910_001, gone))
    deliver(db, message(910_001, gone, event=OutboxEvent.withdraw, note="决定已撤销"))
    db.rollback()
    checkpoint_if_grown(db, load_ledger_signer(settings), settings.log_origin)
    db.commit()

    with TestClient(create_portal_app(settings), follow_redirects=False) as portal:
        assert _paths(portal.app.routes) >= PORTAL_PATHS
        for value in (str(public_id), "910001", "424242"):
            for url in _walk(portal.app.routes, {"public_id": value}):
                answer = portal.get(url)
                assert answer.status_code in (200, 404, 410), (url, answer.status_code)
        for path, query in LOG_QUERIES.items():  # every one served, behind the guard
            assert portal.get(path + query).status_code == 200, path
        assert portal.get(f"/p/{public_id}.json").content == published["snapshot_json"].encode()
        assert portal.get("/search?q=罚款&kind=penalty&from=2020-01-01").status_code == 200
        assert portal.get("/search?party=某&unit=应急").status_code == 200
        assert portal.get("/static/portal.css").status_code == 200
        for internal in ("/app", "/app/login", "/api/v1/publicity/obligations"):
            assert portal.get(internal).status_code == 404, internal
        assert portal.get("/verify/document").status_code == 200  # public facts only
        assert "工作人员登录" not in portal.get("/").text

        # the guard itself: an internal table is refused, on ORM and textual SQL alike
        session = portal.app.state.session_factory()
        try:
            with pytest.raises(PortalGuardError):
                session.execute(select(Publication.id))
            session.rollback()
            with pytest.raises(PortalGuardError):
                session.execute(text("SELECT count(*) FROM user_account"))
            session.rollback()
            # the ledger is read, never changed: no entry, node or checkpoint altered
            for write in (
                update(ledger_entry).values(kind="x"),
                delete(ledger_node),
                update(ledger_checkpoint).values(signed_note="x"),
                insert(ledger_checkpoint).values(size=0, root_hash=b"", signed_note=""),
                text("DELETE FROM ledger_entry"),
            ):
                with pytest.raises(PortalGuardError, match="may not write"):
                    session.execute(write)
                session.rollback()
        finally:
            session.close()


def test_guard_reads_table_names() -> None:
    guard = TableGuard(frozenset({"publication", "unit", "portal_entry"}), PORTAL_TABLES)
    guard.check("SELECT portal_entry.id FROM portal_entry WHERE portal_entry.kind = ?")
    guard.check("SELECT rowid FROM portal_search WHERE portal_search MATCH ?")
    guard.check("SELECT count(*) FROM (SELECT 1) AS anon_1")
    for refused in (
        "SELECT * FROM publication",
        'SELECT * FROM "ledger_entry"',
        "SELECT 1 FROM portal_entry JOIN publication ON 1 = 1",
        "SELECT 1 FROM portal_entry, unit",
        "INSERT INTO correction_request (id) VALUES (1)",
        "UPDATE publication SET status = 'x'",
        "DELETE FROM sqlite_master",
    ):
        with pytest.raises(PortalGuardError):
            guard.check(refused)


def test_guard_tells_reads_from_writes() -> None:
    known = frozenset({"portal_entry", *LOG_TABLES})
    log_only = TableGuard(known, dict.fromkeys(LOG_TABLES, Access.read))
    log_only.check('SELECT ledger_entry."index", ledger_entry.leaf FROM ledger_entry')
    log_only.check("SELECT ledger_head.size FROM ledger_head WHERE ledger_head.id = ? FOR UPDATE")
    for written in (
        'INSERT INTO ledger_entry ("index", leaf) VALUES (?, ?)',
        "INSERT OR REPLACE INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)",
        "UPDATE ledger_head SET size=? WHERE ledger_head.id = ?",
        'DELETE FROM "ledger_checkpoint"',
        "REPLACE INTO ledger_entry VALUES (1)",
        "DROP TABLE ledger_node",
        "ALTER TABLE ledger_entry ADD COLUMN x INTEGER",
        "WITH gone AS (SELECT 1) DELETE FROM ledger_entry",
    ):
        with pytest.raises(PortalGuardError, match="may not write"):
            log_only.check(written)

    # The portal process as registered: the correction intake appends its ledger entry
    # (entries and nodes are only ever added; the head's size moves on), nothing more.
    guard = TableGuard(known, allowed_tables())
    guard.check('INSERT INTO ledger_entry ("index", leaf) VALUES (?, ?)')
    guard.check("INSERT INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)")
    guard.check("UPDATE ledger_head SET size=? WHERE ledger_head.id = ?")
    for written in (
        'UPDATE ledger_entry SET kind=? WHERE ledger_entry."index" = ?',
        "DELETE FROM ledger_node WHERE level = 0",
        "INSERT INTO ledger_checkpoint (size, root_hash, signed_note) VALUES (?, ?, ?)",
        "UPDATE ledger_checkpoint SET signed_note=?",
    ):
        with pytest.raises(PortalGuardError, match="may not write"):
            guard.check(written)

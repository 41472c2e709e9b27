"""`zhifa serve --portal-only`: the portal app alone, its engine refusing every table
outside the portal's allow-list. Every route is walked with published content and the
guard on; internal paths do not exist there."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.portal.helpers import deliver, message, publish_decision, snapshot
from tests.web.test_admin_and_officers import _api_routes
from zhifa.core.settings import Settings
from zhifa.publicity.channels.base import OutboxEvent
from zhifa.publicity.models import Publication
from zhifa.web.app import create_portal_app
from zhifa.web.portal import EXTENSIONS, PORTAL_TABLES, PortalGuardError, TableGuard

PORTAL_PATHS = {"/", "/search", "/p/{public_id}", "/p/{public_id}.json", "/healthz"}


def _paths(app_routes: list) -> set[str]:  # type: ignore[type-arg]
    return {path for path, route in _api_routes(app_routes) if "GET" in route.methods}


def _walk(app_routes: list, values: dict[str, str]) -> list[str]:  # type: ignore[type-arg]
    urls = []
    for path in sorted(_paths(app_routes)):
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        urls.append(path)
    return urls


def test_portal_only_app_reads_only_portal_tables(
    client: TestClient, db: Session, settings: Settings
) -> None:
    published = publish_decision(client, db)  # through the full app, as staff would
    public_id = published["obligation_id"]
    gone = snapshot("penalty", party_name="某撤下有限公司", content="罚款")
    deliver(db, message(910_001, gone))
    deliver(db, message(910_001, gone, event=OutboxEvent.withdraw, note="决定已撤销"))

    with TestClient(create_portal_app(settings), follow_redirects=False) as portal:
        if not EXTENSIONS:  # the correction form's routes join once registered
            assert _paths(portal.app.routes) == {
                "/",
                "/search",
                "/p/{public_id}",
                "/p/{public_id}.json",
                "/healthz",
            }
        for value in (str(public_id), "910001", "424242"):
            for url in _walk(portal.app.routes, {"public_id": value}):
                answer = portal.get(url)
                assert answer.status_code in (200, 404, 410), (url, answer.status_code)
        assert portal.get(f"/p/{public_id}.json").content == published["snapshot_json"].encode()
        assert portal.get("/search?q=罚款&kind=penalty&from=2020-01-01").status_code == 200
        assert portal.get("/search?party=某&unit=应急").status_code == 200
        assert portal.get("/static/portal.css").status_code == 200
        for internal in ("/app", "/app/login", "/api/v1/publicity/obligations", "/log/checkpoint"):
            assert portal.get(internal).status_code == 404, internal
        home = portal.get("/").text
        assert "工作人员登录" not in home and "/verify/document" not in home

        # the guard itself: an internal table is refused, on ORM and textual SQL alike
        session = portal.app.state.session_factory()
        try:
            with pytest.raises(PortalGuardError):
                session.execute(select(Publication.id))
            session.rollback()
            with pytest.raises(PortalGuardError):
                session.execute(text("SELECT count(*) FROM user_account"))
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

"""The embedded default under load: a live `zhifa serve` on SQLite answers concurrent page
reads (each writes its access-log and ledger entries) while its checkpoint and outbox jobs
commit every second, with no 500 and no read lost to 'database is locked'."""

from __future__ import annotations

import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, csrf_of, zhifa_server
from zhifa.core.settings import Settings
from zhifa.publicity.portal.models import PortalLookup
from zhifa.web.app import create_portal_app

READERS = 8
READS = 160  # bounded: 20 a reader, on loopback only


def _sign_in(url: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    form = client.get("/app/login")
    answer = client.post(
        "/app/login",
        data={"username": "legal", "password": DEMO_PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert answer.status_code == 303, answer.text
    return client


def _access_logs(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "zhifa.sqlite3") as connection:
        return int(connection.execute("SELECT count(*) FROM access_log").fetchone()[0])


def test_concurrent_reads_beside_committing_jobs(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZHIFA_CHECKPOINT_INTERVAL_SECONDS", "1")
    monkeypatch.setenv("ZHIFA_OUTBOX_INTERVAL_SECONDS", "1")
    data_dir = sqlite_settings.data_dir
    with zhifa_server(data_dir) as url:
        clients = [_sign_in(url) for _ in range(READERS)]
        listing = clients[0].get("/app/parties")
        assert listing.status_code == 200
        party_ids = sorted(set(re.findall(r'href="/app/parties/(\d+)"', listing.text)))
        assert party_ids
        paths = ["/app/parties", *(f"/app/parties/{pid}" for pid in party_ids[:5])]
        before = _access_logs(data_dir)

        def read(n: int) -> int:
            client, path = clients[n % READERS], paths[n % len(paths)]
            try:
                return client.get(path).status_code
            except httpx.RemoteProtocolError:
                # The server closed this idle keep-alive connection as the request went
                # out (it never reached the app): a browser retries such a GET; so do we.
                return client.get(path).status_code

        with ThreadPoolExecutor(READERS) as pool:
            statuses = list(pool.map(read, range(READS)))
        for client in clients:
            client.close()
        assert statuses == [200] * READS, sorted(set(statuses))
        assert _access_logs(data_dir) - before == READS  # every read logged, none lost


LOOKUPS = 120


def _portal_lookups(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "zhifa.sqlite3") as connection:
        return int(connection.execute("SELECT count(*) FROM portal_lookup").fetchone()[0])


def test_portal_only_writes_beside_the_app_and_its_jobs(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portal-only process writes too (each certificate lookup reads the client's
    window, then records the lookup): on the same SQLite file as the app, whose jobs commit
    every second, none of its writes may fail on a lock."""
    monkeypatch.setenv("ZHIFA_CHECKPOINT_INTERVAL_SECONDS", "1")
    monkeypatch.setenv("ZHIFA_OUTBOX_INTERVAL_SECONDS", "1")
    monkeypatch.setenv("ZHIFA_CERTIFICATE_LOOKUPS_PER_WINDOW", str(LOOKUPS * 2))
    data_dir = sqlite_settings.data_dir
    with zhifa_server(data_dir) as app_url, zhifa_server(data_dir, "--portal-only") as url:
        staff = _sign_in(app_url)
        with sqlite3.connect(data_dir / "zhifa.sqlite3") as connection:
            rows = connection.execute("SELECT DISTINCT number FROM certificate_version")
            numbers = sorted(number for (number,) in rows)
        assert numbers
        before = _portal_lookups(data_dir)

        def look_up(n: int) -> int:
            if n % 4 == 0:  # the app keeps writing meanwhile (access log, ledger)
                assert staff.get("/app/parties").status_code == 200
            with httpx.Client(base_url=url, timeout=60) as public:
                return public.get(f"/c/{numbers[n % len(numbers)]}").status_code

        with ThreadPoolExecutor(READERS) as pool:
            statuses = list(pool.map(look_up, range(LOOKUPS)))
        staff.close()
        # 200 for a published certificate, 404 for one not (yet) public: never a failure
        assert set(statuses) <= {200, 404}, sorted(set(statuses))
        assert _portal_lookups(data_dir) - before == LOOKUPS


def test_portal_only_transactions_take_the_write_lock_first(sqlite_settings: Settings) -> None:
    """A portal request that reads and then writes (the correction intake, a certificate
    lookup) must not have its snapshot overtaken by another process's commit in between —
    in WAL mode that write would fail at once, whatever the busy timeout. So the portal
    process, like the app, begins its transactions IMMEDIATE: another writer waits for it."""
    app = create_portal_app(sqlite_settings)
    factory = app.state.session_factory
    with factory() as portal_session:
        portal_session.execute(select(PortalLookup.id).limit(1)).all()  # a read begins it
        other = sqlite3.connect(sqlite_settings.data_dir / "zhifa.sqlite3", timeout=0.2)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("INSERT INTO portal_lookup (client_key, at) VALUES ('x', '2026')")
        other.close()
        portal_session.add(PortalLookup(client_key="k" * 64))  # the write after the read
        portal_session.commit()
    app.state.engine.dispose()

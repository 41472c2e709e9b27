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

from tests.conftest import DEMO_PASSWORD, csrf_of, zhifa_server
from zhifa.core.settings import Settings

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
            return clients[n % READERS].get(paths[n % len(paths)]).status_code

        with ThreadPoolExecutor(READERS) as pool:
            statuses = list(pool.map(read, range(READS)))
        for client in clients:
            client.close()
        assert statuses == [200] * READS, sorted(set(statuses))
        assert _access_logs(data_dir) - before == READS  # every read logged, none lost

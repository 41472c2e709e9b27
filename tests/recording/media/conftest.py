"""Fixtures of the media tests: actions opened through the hub's service, API tokens, a
tus helper for the TestClient, and a real server process that can be killed and started
again on the same data directory."""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import _free_port
from tests.factories import principal
from zhifa.blobs import open_store
from zhifa.core.auth import issue_api_token
from zhifa.core.certificates import list_officers
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import StoredBlob
from zhifa.core.settings import Settings
from zhifa.enforcement import actions
from zhifa.recording.media.models import Media

OWNER, PARTNER, STRANGER = "liuyang", "chenjing", "zhaomin"  # 刘洋, 陈静 (一中队), 赵敏 (二中队)


@contextmanager
def session_for(settings: Settings, write: bool = False) -> Iterator[Session]:
    """A session on the instance's database; read-only ones never take SQLite's lock."""
    engine = make_engine(settings.resolved_database_url, write_transactions=write)
    session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


def open_action(settings: Settings, username: str = OWNER, partner: str = PARTNER) -> int:
    """An on-site inspection opened by ``username`` with ``partner``; returns its id."""
    return factories.open_action(
        settings,
        "inspection.on_site",
        party_kind=None,
        username=username,
        partner=partner,
        title="现场检查（音视频记录测试）",
    )


def record_activity(settings: Settings, action_id: int, username: str = OWNER) -> int:
    with session_for(settings, write=True) as db:
        who = principal(db, username)
        valid = [o.user.id for o in list_officers(db) if o.has_valid_certificate(today())]
        partner = principal(db, PARTNER).user_id
        assert who.user_id in valid and partner in valid
        data = actions.ActivityIn(
            started_at=datetime(2026, 5, 1, 7, 55, tzinfo=UTC),  # 15:55 Beijing time
            place="上海市普陀区测试路 1 号",
            officer_ids=[who.user_id, partner],
        )
        activity = actions.record_activity(db, action_id, data, who)
        db.commit()
        return activity.id


def api_token(settings: Settings, username: str) -> str:
    with session_for(settings, write=True) as db:
        token = issue_api_token(db, principal(db, username).user_id, "媒体测试", None)
        db.commit()
        return token


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def metadata_header(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def tus_headers(**extra: str) -> dict[str, str]:
    return {"Tus-Resumable": "1.0.0", **extra}


def counts(settings: Settings) -> tuple[int, int, int]:
    """(Media rows, StoredBlob rows, blobs in the store) — to prove nothing was stored."""
    with session_for(settings) as db:
        media = db.scalar(select(func.count()).select_from(Media))
        blobs = db.scalar(select(func.count()).select_from(StoredBlob))
    store = open_store(settings.resolved_blob_url, create=True)
    return int(media or 0), int(blobs or 0), sum(1 for _ in store.iter_digests())


def upload_files(settings: Settings) -> list[str]:
    folder = settings.data_dir / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ---- a real server that can be restarted ----------------------------------------------------


class ServerProcess:
    """`zhifa serve` on a fixed port and data directory; ``kill`` is SIGKILL (no clean
    shutdown, like a crash), ``start`` brings a new process up on the same folder."""

    def __init__(self, settings: Settings, **env: str) -> None:
        self.settings = settings
        self.env = env  # extra ZHIFA_* settings for the server
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "ZHIFA_SECRET_KEY": "b" * 40,
            "ZHIFA_CHECKPOINT_INTERVAL_SECONDS": "0",
            **self.env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zhifa.cli",
                "serve",
                "--data-dir",
                str(self.settings.data_dir),
                "--port",
                str(self.port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("zhifa serve did not start") from None
                time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def media_server(sqlite_settings: Settings) -> Iterator[ServerProcess]:
    server = ServerProcess(sqlite_settings)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client

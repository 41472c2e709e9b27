"""Helpers of the recording-rule tests: actions and activities through the API, media
rows put straight into the database (with a stored blob and a ledger entry, as ingest
would) when a test needs exact recording times, and row counts."""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as, _complete_duties, _item, _valid_officers
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store, store_blob
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action, PartyVersion
from zhifa.ledger.models import ledger_entry
from zhifa.recording.av.models import (
    ExceptionDecision,
    Interruption,
    MediaMark,
    RecordingException,
    RecordingFact,
    RecordingNotice,
    RecordingPolicy,
)
from zhifa.recording.av.rules import HIGH_RISK_FLAGS
from zhifa.recording.media.models import Media, MediaKind, UploadChannel

# Distinct contents for the records made here, the same sequence every run.
_CONTENT = random.Random(124)
ALL_MATTERS = ["reason", "basis", "statement", "defence", "hearing", "recusal", "cooperation"]


@contextmanager
def writer(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.resolved_database_url)
    session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    try:
        yield session
    finally:
        session.close()
        engine.dispose()


def party(db: Session, high_risk: bool) -> int:
    """A party whose current version has (or has no) 易燃易爆-type risk flag."""
    for row in db.scalars(select(PartyVersion).order_by(PartyVersion.party_id)):
        risky = bool(set(row.risk_flags or ()) & set(HIGH_RISK_FLAGS))
        if risky == high_risk:
            return row.party_id
    raise AssertionError("no such demo party")


def as_officer(client: TestClient, db: Session) -> list[int]:
    """Sign in as an officer with a valid certificate; returns two such officers."""
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    return officers


def username(db: Session, user_id: int) -> str:
    user = db.get(User, user_id)
    assert user is not None
    return user.username


def open_action(
    client: TestClient, db: Session, procedure: str, kind: str, officers: list[int], party_id: int
) -> int:
    response = client.post(
        "/api/v1/actions",
        json={
            "procedure": procedure,
            "party_id": party_id,
            "power_item_id": _item(db, kind),
            "title": "音视频记录规则测试",
            "officer_ids": officers,
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def activity(client: TestClient, action_id: int, officers: list[int], done: bool = True) -> int:
    response = client.post(
        f"/api/v1/actions/{action_id}/activities",
        json={
            "started_at": "2026-11-26T09:00:00",
            "place": "上海市普陀区真北路100号",
            "party_present": "王经理",
            "officer_ids": officers,
        },
    )
    assert response.status_code == 201, response.text
    if done:
        _complete_duties(client, response.json(), ALL_MATTERS)
    return int(response.json()["id"])


def add_media(
    settings: Settings,
    action_id: int,
    activity_id: int | None,
    start: datetime,
    seconds: float,
    kind: MediaKind = MediaKind.video,
) -> int:
    """A record with exact recording times (as a body camera's file would state)."""
    with writer(settings) as db:
        action = db.get(Action, action_id)
        assert action is not None
        user = db.get(User, action.opened_by)
        assert user is not None
        who = Principal(user.id, user.username, user.full_name, user.roles)
        blob = store_blob(
            db, open_blob_store(settings), io.BytesIO(_CONTENT.randbytes(64)), who, 1024
        )
        row = Media(
            action_id=action.id,
            activity_id=activity_id,
            party_id=action.party_id,
            kind=kind,
            filename=f"{kind.value}-{start:%H%M%S}.bin",
            content_type="video/mp4" if kind is MediaKind.video else "application/octet-stream",
            container="mp4",
            size=64,
            digest=blob.digest,
            duration_ms=None if kind is MediaKind.photo else round(seconds * 1000),
            recorded_at=start,
            recorded_at_source="file",
            details={},
            channel=UploadChannel.form,
            uploaded_by=user.id,
        )
        db.add(row)
        record_change(db, user.username, "media.ingest", row)
        db.commit()
        return row.id


def segments(
    settings: Settings,
    action_id: int,
    activity_id: int,
    start: datetime,
    spans: list[tuple[float, float]],
) -> list[int]:
    """Video segments at (offset seconds, length seconds) from ``start``."""
    return [
        add_media(settings, action_id, activity_id, start + timedelta(seconds=at), length)
        for at, length in spans
    ]


TABLES = (
    RecordingPolicy,
    RecordingFact,
    RecordingNotice,
    Interruption,
    RecordingException,
    ExceptionDecision,
    MediaMark,
)


def counts(db: Session) -> dict[str, int]:
    """Rows of every recording table and ledger entries: to prove nothing changed."""
    db.rollback()
    out = {
        m.__tablename__: int(db.scalar(select(func.count()).select_from(m)) or 0) for m in TABLES
    }
    out["ledger"] = int(db.scalar(select(func.count()).select_from(ledger_entry)) or 0)
    return out


def move(client: TestClient, action_id: int, step: str) -> tuple[int, str]:
    response = client.post(f"/api/v1/actions/{action_id}/transitions", json={"to_step": step})
    return response.status_code, response.json().get(
        "detail", ""
    ) if response.status_code != 201 else ""


def record_on_camera(client: TestClient, action_id: int, activity_id: int, tmp_dir: str) -> int:
    """What an officer does for a mandatory recording, through the real API: upload one
    short clip (made here by PyAV) to the activity and record that the party was told.
    For flows that walk 第五条 steps (e.g. 调查取证 after 立案, 陈述申辩, 听证)."""
    from pathlib import Path

    from tests.recording.media.files import make_video

    path = make_video(Path(tmp_dir) / f"activity-{activity_id}.mp4", seconds=1)
    uploaded = client.post(
        f"/api/v1/actions/{action_id}/media",
        files={"file": (path.name, path.read_bytes(), "video/mp4")},
        data={"activity_id": str(activity_id)},
    )
    assert uploaded.status_code == 201, uploaded.text
    told = client.post(
        f"/api/v1/activities/{activity_id}/recording-notices",
        json={"told_at": "2026-11-26T09:00:00", "media_id": uploaded.json()["id"]},
    )
    assert told.status_code == 201, told.text
    return int(uploaded.json()["id"])

"""Fixtures of the access, playback and dock tests: the media tests' real server and
helpers, plus a record uploaded through the real tus endpoint."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.recording.media.conftest import (  # noqa: F401 - fixtures used here
    OWNER,
    ServerProcess,
    http,
    media_server,
    metadata_header,
    open_action,
    session_for,
    tus_headers,
)
from zhifa.core.settings import Settings
from zhifa.recording.media.models import Media

PURPOSE = {"purpose": "办案需要"}


def tus_put(
    client: TestClient | httpx.Client,
    data: bytes,
    action_id: int,
    name: str,
    activity: int | None = None,
) -> int:
    """Upload one file through the tus endpoint in one PATCH; returns the record number."""
    meta = {"action": str(action_id), "filename": name}
    if activity is not None:
        meta["activity"] = str(activity)
    created = client.post(
        "/api/v1/uploads/",
        headers=tus_headers(
            **{"Upload-Length": str(len(data)), "Upload-Metadata": metadata_header(**meta)}
        ),
    )
    assert created.status_code == 201, created.text
    done = client.patch(
        created.headers["Location"],
        content=data,
        headers=tus_headers(
            **{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
        ),
    )
    assert done.status_code == 204, done.text
    return int(done.headers["Zhifa-Media-Id"])


def media_of(settings: Settings, action_id: int) -> list[Media]:
    with session_for(settings) as db:
        query = select(Media).where(Media.action_id == action_id).order_by(Media.id)
        return list(db.scalars(query))


__all__ = ["OWNER", "ServerProcess", "open_action"]

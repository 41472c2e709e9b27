"""Gaps found in real clips: PyAV encodes three body-camera segments with their own start
times, the form upload ingests them into an activity, and the continuity check reads
the times and lengths the files state. A written explanation with a photo of the signed
statement closes the gap."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.recording.media.files import make_jpeg, make_video
from tests.recording.rules.helpers import activity, as_officer, move, open_action, party


def _upload(client: TestClient, action_id: int, activity_id: int, path: Path) -> int:
    response = client.post(
        f"/api/v1/actions/{action_id}/media",
        files={"file": (path.name, path.read_bytes(), "video/mp4")},
        data={"activity_id": str(activity_id), "device": "DSJ-2026-001"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_real_segments_with_a_gap(client: TestClient, db: Session, tmp_path: Path) -> None:
    officers = as_officer(client, db)
    action_id = open_action(
        client, db, "inspection.on_site", "inspection", officers, party(db, False)
    )
    act = activity(client, action_id, officers)
    clips = [
        make_video(tmp_path / "a.mp4", seconds=2, creation_time="2026-11-26T01:00:00.000000Z"),
        make_video(
            tmp_path / "b.mp4", seconds=2, creation_time="2026-11-26T01:00:45.000000Z", shade=40
        ),
        make_video(
            tmp_path / "c.mp4", seconds=2, creation_time="2026-11-26T01:00:48.000000Z", shade=80
        ),
    ]
    # Uploaded out of order: the time line follows the files' own times.
    ids = [_upload(client, action_id, act, clips[i]) for i in (2, 0, 1)]
    c, a, b = ids

    view = client.get(f"/api/v1/activities/{act}/recording").json()
    assert view["decision"]["level"] == "optional"  # 第六条（一）: an inspection
    assert [s["media_id"] for s in view["segments"]] == [a, b, c]
    assert view["segments"][0]["start"].startswith("2026-11-26T01:00:00")
    [gap] = view["gaps"]
    assert (gap["before_media_id"], gap["after_media_id"]) == (a, b)
    assert 42 < gap["seconds"] < 43.5  # 45 s after the start of a ~2 s clip
    assert datetime.fromisoformat(gap["end"]) == datetime(2026, 11, 26, 1, 0, 45, tzinfo=UTC)
    # A video was made, so 第七条 applies even to an optional recording.
    status, detail = move(client, action_id, "closing")
    assert status == 400 and "尚未说明中断原因" in detail and "告知当事人" in detail

    statement = base64.b64encode(make_jpeg()).decode()
    written = client.post(
        f"/api/v1/activities/{act}/interruptions",
        json={
            "before_media_id": a,
            "after_media_id": b,
            "reason": "device_fault",
            "stated_in": "written",
            "detail": "执法记录仪死机，重启后继续录像；现场未能口头说明，事后书面说明",
            "statement_image_base64": statement,
        },
    )
    assert written.status_code == 201, written.text
    assert written.json()["statement_digest"].startswith("sha256:")
    told = client.post(
        f"/api/v1/activities/{act}/recording-notices",
        json={"told_at": "2026-11-26T09:00:00", "media_id": a},
    )
    assert told.status_code == 201
    view = client.get(f"/api/v1/activities/{act}/recording").json()
    assert (
        view["problems"] == []
        and view["gaps"][0]["explanation"]["reason_label"] == "设备故障或者损坏"
    )
    status, detail = move(client, action_id, "closing")
    assert status == 400 and "音视频" not in detail  # only the 现场检查记录 is left
    assert detail.endswith("尚未签发《现场检查记录》")

"""Evidence and dispute marks (第十条): put on and taken off as new rows; an inspection's
video that is neither is kept at least 6 months from its recording day (Beijing time),
a month end carried to the shorter month; everything else goes with the case."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.recording.rules.helpers import (
    activity,
    add_media,
    as_officer,
    counts,
    open_action,
    party,
)
from zhifa.core.settings import Settings
from zhifa.recording.av.models import MediaMark
from zhifa.recording.media.models import MediaKind


def test_marks_drive_retention_across_a_month_end(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    action_id = open_action(
        client, db, "inspection.on_site", "inspection", officers, party(db, False)
    )
    act = activity(client, action_id, officers, done=False)
    # 2026-08-31 16:30 UTC is 2026-09-01 00:30 in Beijing: the recording day is 9月1日.
    late = add_media(settings, action_id, act, datetime(2026, 8, 31, 16, 30, tzinfo=UTC), 20)
    # 2026-08-31 10:00 Beijing: six months on is 2月28日 (2027 has no 2月29日/30日/31日).
    video = add_media(settings, action_id, act, datetime(2026, 8, 31, 2, 0, tzinfo=UTC), 20)
    url = f"/api/v1/media/{video}/marks"

    plain = client.get(url).json()
    assert plain["evidence"] is False and plain["disputed"] is False
    assert plain["retention"]["rule"] == "keep_six_months"
    assert plain["retention"]["recorded_on"] == "2026-08-31"
    assert plain["retention"]["keep_until"] == "2027-02-28"
    assert plain["retention"]["earliest_disposal"] == "2027-03-01"
    assert "第十条第三款" in plain["retention"]["basis"]
    after_midnight = client.get(f"/api/v1/media/{late}/marks").json()["retention"]
    assert after_midnight["recorded_on"] == "2026-09-01"
    assert after_midnight["keep_until"] == "2027-03-01"

    marked = client.post(url, json={"kind": "evidence", "reason": "证明现场存在重大事故隐患"})
    assert marked.status_code == 201, marked.text
    assert marked.json()["evidence"] is True
    assert marked.json()["retention"] == {
        **marked.json()["retention"],
        "rule": "with_case",
        "keep_until": None,
        "earliest_disposal": None,
    }
    before = counts(db)
    again = client.post(url, json={"kind": "evidence", "reason": "重复标记"})
    assert again.status_code == 409 and "已标记为“作为案件证据”" in again.json()["detail"]
    unknown = client.post(url, json={"kind": "important", "reason": "未知标记"})
    assert unknown.status_code == 422
    not_marked = client.post(url, json={"kind": "disputed", "marked": False, "reason": "取消争议"})
    assert not_marked.status_code == 409
    assert counts(db) == before

    unmarked = client.post(
        url, json={"kind": "evidence", "marked": False, "reason": "经审查不作为证据"}
    )
    assert (
        unmarked.status_code == 201 and unmarked.json()["retention"]["keep_until"] == "2027-02-28"
    )
    disputed = client.post(url, json={"kind": "disputed", "reason": "当事人对检查过程提出异议"})
    assert disputed.json()["retention"]["rule"] == "with_case"
    history = disputed.json()["history"]
    assert [(h["kind"], h["marked"]) for h in history] == [
        ("evidence", True),
        ("evidence", False),
        ("disputed", True),
    ]
    assert history[1]["supersedes_id"] == history[0]["id"]
    db.rollback()
    assert len(db.scalars(select(MediaMark).where(MediaMark.media_id == video)).all()) == 3


def test_photos_and_other_actions_go_with_the_case(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    inspection = open_action(
        client, db, "inspection.on_site", "inspection", officers, party(db, False)
    )
    penalty = open_action(client, db, "penalty.summary", "penalty", officers, party(db, False))
    when = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    photo = add_media(settings, inspection, None, when, 0, MediaKind.photo)
    penalty_video = add_media(settings, penalty, None, when, 30)
    for media_id in (photo, penalty_video):
        retention = client.get(f"/api/v1/media/{media_id}/marks").json()["retention"]
        assert retention["rule"] == "with_case" and retention["keep_until"] is None

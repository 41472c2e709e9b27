"""The recording requirement through the API on SQLite and PostgreSQL: a step with a
mandatory recording is blocked until the video, the notice to the party and every gap's
explanation are recorded — or a leader approved an exception; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.recording.rules.helpers import (
    activity,
    add_media,
    as_officer,
    counts,
    move,
    open_action,
    party,
    segments,
    username,
)
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 Beijing time


def _recording(client: TestClient, activity_id: int) -> dict:
    response = client.get(f"/api/v1/activities/{activity_id}/recording")
    assert response.status_code == 200, response.text
    return response.json()


def test_disputed_activity_blocks_until_recorded_told_and_explained(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    action_id = open_action(client, db, "other.general", "other", officers, party(db, False))
    act = activity(client, action_id, officers)
    first = _recording(client, act)
    assert first["decision"]["level"] == "optional" and first["problems"] == []
    assert first["decision"]["citations"] == ["第六条（三）"]

    fact = client.post(
        f"/api/v1/actions/{action_id}/recording/facts",
        json={
            "code": "disputed_or_dangerous",
            "activity_id": act,
            "reason": "当事人情绪激动，可能发生纠纷",
        },
    )
    assert fact.status_code == 201, fact.text
    now = _recording(client, act)
    assert now["decision"]["level"] == "mandatory" and now["decision"]["citations"] == [
        "第五条（二）"
    ]
    assert "应当全程音视频记录" in now["decision"]["explanation"]
    status, detail = move(client, action_id, "closing")
    assert status == 400
    assert "现场活动1（音视频）：缺少视音频记录（第五条（二）应当全程音视频记录）" in detail
    assert "未记录开始录音录像时已告知当事人" in detail

    # Three segments: 40 s between the first two (over the 30 s tolerance), 5 s later.
    one, two, _three = segments(settings, action_id, act, T0, [(0, 60), (100, 60), (165, 30)])
    told = client.post(
        f"/api/v1/activities/{act}/recording-notices",
        json={"told_at": "2026-11-26T09:00:05", "media_id": one, "note": "已告知全程录音录像"},
    )
    assert told.status_code == 201, told.text
    status, detail = move(client, action_id, "closing")
    assert status == 400 and detail.endswith(
        "录像在 09:01:00 至 09:01:40 中断 40 秒，尚未说明中断原因（第七条第三款）"
    )
    view = _recording(client, act)
    assert [(g["before_media_id"], g["after_media_id"], g["seconds"]) for g in view["gaps"]] == [
        (one, two, 40.0)
    ]
    assert [s["media_id"] for s in view["segments"]] == [one, two, _three]

    explained = client.post(
        f"/api/v1/activities/{act}/interruptions",
        json={
            "before_media_id": one,
            "after_media_id": two,
            "reason": "low_battery",
            "stated_in": "video",
            "stated_media_id": two,
            "stated_offset_seconds": 3,
        },
    )
    assert explained.status_code == 201, explained.text
    assert explained.json()["reason_label"] == "电量不足"
    assert _recording(client, act)["problems"] == []
    assert move(client, action_id, "closing") == (201, "")
    db.rollback()
    kinds = set(db.scalars(select(ledger_entry.c.kind)))
    assert {"recording.fact", "recording.notice", "recording.interruption"} <= kinds


def test_exception_is_approved_by_a_leader_only_and_once(client: TestClient, db: Session) -> None:
    officers = as_officer(client, db)
    officer = username(db, officers[0])
    action_id = open_action(
        client, db, "compulsion.seizure", "compulsion", officers, party(db, False)
    )
    act = activity(client, action_id, officers)
    view = _recording(client, act)
    assert view["decision"]["citations"] == ["第五条（三）"]
    assert any("音视频" in m for m in client.get(f"/api/v1/actions/{action_id}").json()["missing"])

    url = f"/api/v1/actions/{action_id}/recording/exceptions"
    asked = client.post(
        url, json={"activity_id": act, "reason": "执法记录仪进水损坏，备用设备未到"}
    )
    assert asked.status_code == 201, asked.text
    exception_id = asked.json()["id"]
    assert asked.json()["state"] == "pending"
    assert client.post(url, json={"activity_id": act, "reason": "再次申请"}).status_code == 409
    assert _recording(client, act)["problems"][-1] == "不记录的例外申请正待领导审批"

    decision = f"/api/v1/recording/exceptions/{exception_id}/decision"
    before = counts(db)
    by_officer = client.post(decision, json={"approved": True})
    assert by_officer.status_code == 403 and "领导" in by_officer.json()["detail"]
    assert counts(db) == before

    _as(client, "leader")
    pending = client.get("/api/v1/recording/exceptions").json()
    assert [e["id"] for e in pending] == [exception_id]
    refused_without_reason = client.post(decision, json={"approved": False})
    assert refused_without_reason.status_code == 400
    approved = client.post(decision, json={"approved": True, "note": "同意，补充书面说明"})
    assert approved.status_code == 201, approved.text
    assert approved.json()["state"] == "approved"
    after = counts(db)
    twice = client.post(decision, json={"approved": False, "note": "改为不同意"})
    assert twice.status_code == 409 and "不能重复审批" in twice.json()["detail"]
    assert counts(db) == after
    assert client.get("/api/v1/recording/exceptions").json() == []

    _as(client, officer)
    assert _recording(client, act)["problems"] == []
    assert _recording(client, act)["exception_state"] == "approved"
    missing = client.get(f"/api/v1/actions/{action_id}").json()["missing"]
    assert not any("音视频" in m for m in missing)  # only the 查封扣押决定书 is left
    assert client.post(url, json={"activity_id": act, "reason": "又一次申请"}).status_code == 409


def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    action_id = open_action(client, db, "penalty.general", "penalty", officers, party(db, False))
    other = open_action(client, db, "other.general", "other", officers, party(db, False))
    other_act = activity(client, other, officers, done=False)
    foreign = add_media(settings, other, other_act, T0, 30)
    act_action = open_action(client, db, "other.general", "other", officers, party(db, False))
    act = activity(client, act_action, officers, done=False)
    one, two = segments(settings, act_action, act, T0, [(0, 30), (90, 30)])
    before = counts(db)
    url = f"/api/v1/activities/{act}/interruptions"
    base = {"before_media_id": one, "after_media_id": two, "stated_in": "written"}

    unknown = client.post(url, json={**base, "reason": "aliens", "detail": "x" * 20})
    assert unknown.status_code == 422 and "取值无效" in unknown.json()["detail"]
    no_gap = client.post(
        url,
        json={
            **base,
            "before_media_id": two,
            "after_media_id": one,
            "reason": "low_battery",
            "detail": "电池耗尽无法继续录像，事后说明",
        },
    )
    assert no_gap.status_code == 404 and "没有需要说明的中断" in no_gap.json()["detail"]
    other_reason = client.post(url, json={**base, "reason": "other"})
    assert other_reason.status_code == 400 and "其他" in other_reason.json()["detail"]
    short = client.post(url, json={**base, "reason": "low_battery", "detail": "没电"})
    assert short.status_code == 400 and "书面说明" in short.json()["detail"]
    wrong_segment = client.post(
        url,
        json={**base, "reason": "device_fault", "stated_in": "video", "stated_media_id": foreign},
    )
    assert wrong_segment.status_code == 400 and wrong_segment.json()["field"] == "stated_media_id"
    not_image = client.post(
        url,
        json={
            **base,
            "reason": "storage_full",
            "detail": "存储卡已满，更换后继续录像",
            "statement_image_base64": "aGVsbG8=",
        },
    )
    assert not_image.status_code == 400 and "JPEG" in not_image.json()["detail"]

    facts = f"/api/v1/actions/{action_id}/recording/facts"
    assert client.post(facts, json={"code": "weather", "reason": "不存在的情形"}).status_code == 400
    needs_activity = client.post(
        facts, json={"code": "disputed_or_dangerous", "reason": "可能争议"}
    )
    assert needs_activity.status_code == 400 and needs_activity.json()["field"] == "activity_id"
    not_told_twice = client.post(
        facts, json={"code": "licence_by_commitment", "value": False, "reason": "没有"}
    )
    assert not_told_twice.status_code == 409
    notice = client.post(
        f"/api/v1/activities/{act}/recording-notices",
        json={"told_at": "2026-11-26T09:00:00", "media_id": foreign},
    )
    assert notice.status_code == 400 and "不属于该执法活动" in notice.json()["detail"]
    both = client.post(
        f"/api/v1/actions/{act_action}/recording/exceptions",
        json={"reason": "没有指明对象"},
    )
    assert both.status_code == 400
    assert client.post(
        "/api/v1/recording/exceptions/999999/decision", json={"approved": True}
    ).status_code in (403, 404)
    assert counts(db) == before

    # An officer of another squad may not touch the activity.
    _as(client, "zhaomin")  # signing in is itself ledgered
    before = counts(db)
    stranger = client.post(
        f"/api/v1/activities/{act}/recording-notices", json={"told_at": "2026-11-26T09:00:00"}
    )
    assert stranger.status_code == 404
    assert client.get(f"/api/v1/activities/{act}/recording").status_code == 404
    assert counts(db) == before

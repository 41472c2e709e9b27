"""Pages and the remaining API: the officer's activity page with its time line and
forms, leaders deciding exceptions in a page, the supervision list and its filters, the
bureau's policy (tolerance and added situations), and 留置送达 needing a recording."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.enforcement.test_actions import _as
from tests.recording.helpers import PENALTY_DECISION
from tests.recording.rules.helpers import (
    activity,
    add_media,
    as_officer,
    counts,
    open_action,
    party,
    segments,
    username,
)
from zhifa.core.clock import SHANGHAI, today
from zhifa.core.settings import Settings

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def _csrf(client: TestClient) -> str:
    return str(client.headers["X-CSRF-Token"])


def test_officer_page_shows_requirement_timeline_and_takes_forms(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    action_id = open_action(
        client, db, "compulsion.seizure", "compulsion", officers, party(db, True)
    )
    act = activity(client, action_id, officers)
    one, two = segments(settings, action_id, act, T0, [(0, 60), (120, 30)])
    page = client.get(f"/app/activities/{act}/recording")
    assert page.status_code == 200
    html = page.text
    assert "第五条（三）" in html and "第七条第一款" in html  # explosive-type site: video exempt
    assert "可不作视音频" in html and "<svg" in html and "中断（未说明）" in html
    assert f'value="{one}-{two}"' in html and 'name="csrf_token"' in html

    before = counts(db)
    bad = client.post(
        f"/app/activities/{act}/recording/interruptions",
        data={
            "csrf_token": _csrf(client),
            "gap": f"{one}-{two}",
            "reason": "ufo",
            "stated_in": "written",
        },
    )
    assert bad.status_code == 422 and "取值无效" in bad.text
    no_csrf = client.post(
        f"/app/activities/{act}/recording/notice",
        data={"told_at": "2026-11-26T09:00"},
        headers={"X-CSRF-Token": ""},
    )
    assert no_csrf.status_code == 403
    assert counts(db) == before

    told = client.post(
        f"/app/activities/{act}/recording/notice",
        data={"csrf_token": _csrf(client), "told_at": "2026-11-26T09:00", "media_id": str(one)},
    )
    assert told.status_code == 303
    explained = client.post(
        f"/app/activities/{act}/recording/interruptions",
        data={
            "csrf_token": _csrf(client),
            "gap": f"{one}-{two}",
            "reason": "storage_full",
            "stated_in": "video",
            "stated_media_id": str(two),
            "stated_offset_seconds": "2",
        },
    )
    assert explained.status_code == 303, explained.text
    page = client.get(f"/app/activities/{act}/recording?done=explained").text
    assert "中断原因已记录" in page and "存储空间不足" in page and "记录要求已满足" in page
    overview = client.get(f"/app/actions/{action_id}/recording")
    assert overview.status_code == 200 and "记录标记与保存期限" in overview.text
    fragment = client.get(f"/app/actions/{action_id}/recording/fragment")
    assert fragment.status_code == 200 and "现场活动1" in fragment.text


def test_leaders_decide_in_a_page_and_supervision_lists_problems(
    client: TestClient, db: Session
) -> None:
    officers = as_officer(client, db)
    officer = username(db, officers[0])
    action_id = open_action(client, db, "penalty.general", "penalty", officers, party(db, False))
    other_id = open_action(
        client, db, "compulsion.preservation", "compulsion", officers, party(db, False)
    )
    act = activity(client, other_id, officers)
    asked = client.post(
        f"/api/v1/actions/{other_id}/recording/exceptions",
        json={"activity_id": act, "reason": "现场突发停电，无法录像"},
    )
    assert asked.status_code == 201
    assert client.get("/app/recording/exceptions").status_code == 403
    assert client.get("/app/recording/problems").status_code == 403
    assert client.get("/api/v1/recording/problems").status_code == 403

    _as(client, "supervision")
    rows = client.get("/api/v1/recording/problems", params={"officer_id": officers[0]}).json()
    assert [r["action_id"] for r in rows] == [other_id]  # the penalty has no activity yet
    assert "缺少视音频记录（第五条（三）应当全程音视频记录）" in rows[0]["problems"]
    assert client.get("/api/v1/recording/problems", params={"action_id": action_id}).json() == []
    page = client.get("/app/recording/problems", params={"officer_id": str(officers[0])})
    assert page.status_code == 200 and "现场活动1（先行登记保存）" in page.text
    assert client.get("/app/recording/exceptions").status_code == 403  # not a leader

    client.cookies.clear()
    csrf = login(client, "leader")
    client.headers["X-CSRF-Token"] = csrf
    page = client.get("/app/recording/exceptions")
    assert page.status_code == 200 and "现场突发停电" in page.text
    exception_id = asked.json()["id"]
    assert re.search(rf"/app/recording/exceptions/{exception_id}/decision", page.text)
    decided = client.post(
        f"/app/recording/exceptions/{exception_id}/decision",
        data={"csrf_token": csrf, "approved": "true", "note": "同意"},
    )
    assert decided.status_code == 303
    again = client.post(
        f"/app/recording/exceptions/{exception_id}/decision",
        data={"csrf_token": csrf, "approved": "false", "note": "不同意"},
    )
    assert again.status_code == 409 and "不能重复审批" in again.text
    assert client.get("/api/v1/recording/problems").json() == []

    _as(client, officer)
    assert client.get(f"/api/v1/activities/{act}/recording").json()["exception_state"] == "approved"


def test_policy_sets_tolerance_and_bureau_situations(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    officer = username(db, officers[0])
    action_id = open_action(client, db, "other.general", "other", officers, party(db, False))
    act = activity(client, action_id, officers)
    segments(settings, action_id, act, T0, [(0, 60), (80, 60)])  # 20 s apart
    assert client.get(f"/api/v1/activities/{act}/recording").json()["gaps"] == []
    policy = {
        "gap_tolerance_seconds": 10,
        "situations": [
            {
                "code": "other_on_site",
                "label": "其他执法行为的现场办理",
                "procedures": ["other.general"],
            },
            {"code": "press", "label": "有新闻媒体在场"},
        ],
        "reason": "局务会决定（测试）",
    }
    assert client.put("/api/v1/recording/policy", json=policy).status_code == 403

    _as(client, "admin")
    before = counts(db)
    bad = client.put(
        "/api/v1/recording/policy",
        json={**policy, "situations": [{"code": "x_y", "label": "错误步骤", "steps": ["teatime"]}]},
    )
    assert bad.status_code == 400 and "teatime" in bad.json()["detail"]
    twice = client.put(
        "/api/v1/recording/policy",
        json={**policy, "situations": [policy["situations"][0]] * 2},
    )
    assert twice.status_code == 422 and "不能重复" in twice.json()["detail"]
    assert counts(db) == before
    saved = client.put("/api/v1/recording/policy", json=policy)
    assert saved.status_code == 200 and saved.json()["gap_tolerance_seconds"] == 10
    assert client.get("/app/recording/policy").status_code == 200

    _as(client, officer)
    view = client.get(f"/api/v1/activities/{act}/recording").json()
    assert view["decision"]["citations"] == ["第五条（八）"]
    assert "本局规定：其他执法行为的现场办理" in view["decision"]["explanation"]
    assert [g["seconds"] for g in view["gaps"]] == [20.0]
    stated = client.post(
        f"/api/v1/actions/{action_id}/recording/facts",
        json={"code": "bureau:press", "activity_id": act, "reason": "电视台记者随行采访"},
    )
    assert stated.status_code == 201
    reasons = client.get(f"/api/v1/activities/{act}/recording").json()["decision"]["reasons"]
    assert [r["why"] for r in reasons] == [
        "本局规定：其他执法行为的现场办理",
        "本局规定：有新闻媒体在场",
    ]


def test_left_service_needs_a_recording_of_that_day(
    client: TestClient, db: Session, settings: Settings
) -> None:
    officers = as_officer(client, db)
    action_id = open_action(client, db, "penalty.general", "penalty", officers, party(db, False))

    def issue(kind: str, fields: dict) -> int:
        draft = client.post(
            f"/api/v1/actions/{action_id}/documents", json={"kind": kind, "fields": fields}
        )
        assert draft.status_code == 201, draft.text
        issued = client.post(f"/api/v1/documents/{draft.json()['id']}/issue")
        assert issued.status_code == 200, issued.text
        return int(issued.json()["id"])

    decision = issue("penalty_decision", PENALTY_DECISION)
    receipt = issue("service_receipt", {"method": "留置送达", "signer": "（拒收）"})
    served = client.post(
        f"/api/v1/documents/{decision}/service",
        json={
            "method": "left",
            "served_on": today().isoformat(),
            "recipient": "法定代表人",
            "place": "当事人住所",
            "note": "当事人拒收，见证人社区干部张某在场，留置于门卫室",
            "receipt_document_id": receipt,
        },
    )
    assert served.status_code == 201, served.text
    [service] = client.get(f"/api/v1/actions/{action_id}/recording").json()["services"]
    assert service["decision"]["citations"] == ["第五条（七）"] and service["step"] == "filing"
    assert service["problems"] == ["缺少视音频记录（第五条（七）应当全程音视频记录）"]
    detail = client.post(
        f"/api/v1/actions/{action_id}/transitions", json={"to_step": "investigation"}
    ).json()["detail"]
    assert f"留置送达（{today().isoformat()}）：缺少视音频记录" in detail

    noon = datetime.combine(today(), datetime.min.time(), SHANGHAI).replace(hour=12)
    add_media(settings, action_id, None, noon.astimezone(UTC), 90)
    assert (
        client.get(f"/api/v1/actions/{action_id}/recording").json()["services"][0]["problems"] == []
    )

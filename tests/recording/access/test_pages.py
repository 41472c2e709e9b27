"""The pages: an action's gallery, players and time line; one record; the party's
section; the upload page and its plain form; the hub; the access log for supervisors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import login
from tests.recording.access.conftest import media_of, tus_put
from tests.recording.media.conftest import (
    OWNER,
    STRANGER,
    api_token,
    open_action,
    principal,
    record_activity,
    session_for,
)
from tests.recording.media.files import make_jpeg, make_video
from zhifa.core.clock import SHANGHAI
from zhifa.core.models import AccessLog
from zhifa.core.settings import Settings
from zhifa.recording.access.service import LOG_PAGE_SIZE
from zhifa.recording.av import continuity
from zhifa.recording.playback.timeline import GapIn, Item, layout

Case = tuple[int, int, list[int]]  # action, activity, records


@pytest.fixture
def case(sqlite_client: TestClient, sqlite_settings: Settings, tmp_path: Path) -> Iterator[Case]:
    """Two video segments of one activity a minute apart and a photo between them."""
    action_id = open_action(sqlite_settings)
    activity_id = record_activity(sqlite_settings, action_id)
    sqlite_client.headers["Authorization"] = f"Bearer {api_token(sqlite_settings, OWNER)}"
    first = make_video(tmp_path / "a.mp4", seconds=2, creation_time="2026-05-01T08:00:00Z")
    second = make_video(
        tmp_path / "b.mp4", seconds=2, creation_time="2026-05-01T08:01:00Z", shade=90
    )
    ids = [
        tus_put(sqlite_client, first.read_bytes(), action_id, "DSJ_A.mp4", activity_id),
        tus_put(sqlite_client, make_jpeg(taken="2026:05:01 16:00:30"), action_id, "IMG.jpg",
                activity_id),
        tus_put(sqlite_client, second.read_bytes(), action_id, "DSJ_B.mp4", activity_id),
    ]  # fmt: skip
    del sqlite_client.headers["Authorization"]
    yield action_id, activity_id, ids


def state(client: TestClient, csrf: str, purpose: str = "case", **scope: int) -> None:
    response = client.post(
        "/app/access/purpose",
        data={"csrf_token": csrf, "purpose": purpose, "next": "/app/media", **scope},
    )
    assert response.status_code == 303, response.text


def test_action_page_shows_gallery_players_and_time_line(
    sqlite_client: TestClient, sqlite_settings: Settings, case: Case
) -> None:
    action_id, activity_id, (video_a, photo, video_b) = case
    csrf = login(sqlite_client, OWNER)
    fragment = sqlite_client.get(f"/app/actions/{action_id}/media/fragment")
    assert "共 3 条" in fragment.text and "照片 1" in fragment.text and "视音频 2" in fragment.text
    state(sqlite_client, csrf, action=action_id)
    page = sqlite_client.get(f"/app/actions/{action_id}/media")
    assert page.status_code == 200
    html = page.text
    assert f'<img loading="lazy" src="/api/v1/media/{photo}/thumbnail?purpose=case"' in html
    assert html.count("<video controls") == 2
    assert f'src="/api/v1/media/{video_a}/content?purpose=case"' in html
    # The time line: two bars on one lane (one after the other), the photo between.
    assert len(re.findall(r'class="tl-bar video"', html)) == 2
    assert html.count('class="tl-lane"') == 1 and html.count('class="tl-photo"') == 1
    lefts = [float(x) for x in re.findall(r'class="tl-bar video"[^>]*left:([\d.]+)%', html)]
    assert lefts[0] == 0 and lefts[1] > 90
    photo_left = float(re.search(r'class="tl-photo"[^>]*left:([\d.]+)%', html).group(1))
    assert 45 < photo_left < 55
    assert ">16:00:00<" in html and ">16:01:00<" in html  # Beijing time on the axis
    # The continuity check's gap (58 s > 30 s tolerance), not yet explained.
    assert html.count('class="tl-gap open"') == 1 and "中断 58 秒" in html
    with session_for(sqlite_settings, write=True) as db:
        data = continuity.InterruptionIn(
            before_media_id=video_a, after_media_id=video_b, reason="low_battery",
            stated_in="video", stated_media_id=video_b, stated_offset_seconds=1,
        )  # fmt: skip
        continuity.explain_gap(db, None, activity_id, data, principal(db, OWNER))
        db.commit()
    html = sqlite_client.get(f"/app/actions/{action_id}/media").text
    assert html.count('class="tl-gap explained"') == 1 and "已说明" in html
    with session_for(sqlite_settings) as db:
        logged = db.scalars(select(AccessLog).where(AccessLog.record_type == "action_media")).all()
    assert [(r.record_id, r.purpose, r.via) for r in logged] == [
        (str(action_id), "办案需要", "page")
    ] * 2  # each view


def test_time_line_layout() -> None:
    def at(minute: int, second: int = 0) -> datetime:
        return datetime(2026, 5, 1, 16, minute, second, tzinfo=SHANGHAI)

    view = layout(
        [
            Item(1, "video", at(0), at(10), "a"),
            Item(2, "video", at(5), at(12), "b (another camera)"),
            Item(3, "video", at(20), at(30), "c"),
            Item(4, "photo", at(15), at(15), "p"),
        ],
        [GapIn(at(12), at(20), explained=False)],
    )
    assert view is not None
    assert [[bar.item.media_id for bar in lane] for lane in view.lanes] == [[1, 3], [2]]
    assert view.lanes[0][0].left == 0 and view.lanes[0][1].left + view.lanes[0][1].width == 100
    assert view.photos[0].left == 50 and view.gaps[0].seconds == 480
    assert [t.label for t in view.ticks] == ["16:00", "16:05", "16:10", "16:15", "16:20",
                                             "16:25", "16:30"]  # fmt: skip
    single = layout([Item(9, "photo", at(1), at(1), "p")])
    assert single is not None and single.photos[0].left == 50
    assert layout([]) is None


def test_record_page_downloads_and_restriction_form(
    sqlite_client: TestClient, sqlite_settings: Settings, case: Case
) -> None:
    action_id, _, (video, photo, _) = case
    csrf = login(sqlite_client, OWNER)
    asked = sqlite_client.get(f"/app/media/{photo}")
    assert asked.status_code == 303 and f"action={action_id}" in asked.headers["location"]
    state(sqlite_client, csrf, action=action_id)
    page = sqlite_client.get(f"/app/media/{photo}")
    assert page.status_code == 200 and "下载（带水印）" in page.text
    assert f"/api/v1/media/{photo}/content?purpose=case&amp;download=true" in page.text
    assert "标识</label>" not in page.text  # an officer does not flag
    assert "下载原件" in sqlite_client.get(f"/app/media/{video}").text

    csrf = login(sqlite_client, "legal")
    state(sqlite_client, csrf, purpose="review", action=action_id)
    page = sqlite_client.get(f"/app/media/{photo}")
    assert "个人隐私" in page.text and 'action="/app/media/' in page.text
    flagged = sqlite_client.post(
        f"/app/media/{photo}/restrictions",
        data={"csrf_token": csrf, "kind": "trade_secret", "restricted": "1",
              "reason": "画面含生产工艺"},
    )  # fmt: skip
    assert flagged.status_code == 303
    # Legal is not assigned to the action: the record is now closed to it.
    assert sqlite_client.get(f"/app/media/{photo}").status_code == 403
    csrf = login(sqlite_client, OWNER)
    state(sqlite_client, csrf, action=action_id)
    page = sqlite_client.get(f"/app/media/{photo}")
    assert "不得导出或下载" in page.text and "download=true" not in page.text
    assert "画面含生产工艺" in page.text


def test_party_section_after_a_purpose_for_the_party(
    sqlite_client: TestClient, sqlite_settings: Settings, case: Case
) -> None:
    action_id, _, (video, photo, later) = case
    party_id = media_of(sqlite_settings, action_id)[0].party_id
    csrf = login(sqlite_client, OWNER)
    detail = sqlite_client.get(f"/app/parties/{party_id}")
    assert f'hx-get="/app/parties/{party_id}/media/fragment"' in detail.text
    before = sqlite_client.get(f"/app/parties/{party_id}/media/fragment")
    assert "共 3 条" in before.text and "说明调阅目的后查看" in before.text
    assert "thumbnail" not in before.text
    state(sqlite_client, csrf, purpose="supervision", party=party_id)
    after = sqlite_client.get(f"/app/parties/{party_id}/media/fragment")
    assert f"/api/v1/media/{photo}/thumbnail?purpose=supervision" in after.text
    order = [after.text.index(f'href="/app/media/{i}"') for i in (later, photo, video)]
    assert order == sorted(order)  # newest first
    # The party's purpose covers the records' content too (same session).
    assert sqlite_client.get(f"/api/v1/media/{photo}/thumbnail").status_code == 200

    csrf = login(sqlite_client, STRANGER)
    state(sqlite_client, csrf, party=party_id)
    other = sqlite_client.get(f"/app/parties/{party_id}/media/fragment")
    assert "共 0 条" in other.text


def test_upload_page_and_plain_form(
    sqlite_client: TestClient, sqlite_settings: Settings, case: Case
) -> None:
    action_id, activity_id, _ = case
    csrf = login(sqlite_client, OWNER)
    page = sqlite_client.get(f"/app/actions/{action_id}/media/upload")
    assert page.status_code == 200
    assert "/static/vendor/tus-js-client-4.3.1.min.js" in page.text
    assert f'data-action="{action_id}"' in page.text and f'data-csrf="{csrf}"' in page.text
    sent = sqlite_client.post(
        f"/app/actions/{action_id}/media/upload",
        data={"csrf_token": csrf, "activity_id": str(activity_id), "device": "PHONE-1"},
        files={"file": ("现场照片.jpg", make_jpeg(colour=(200, 10, 10)), "image/jpeg")},
    )
    assert sent.status_code == 303 and "uploaded=" in sent.headers["location"]
    assert "已上传并登记" in sqlite_client.get(sent.headers["location"]).text
    newest = media_of(sqlite_settings, action_id)[-1]
    assert newest.filename == "现场照片.jpg" and newest.channel == "form"
    assert newest.activity_id == activity_id
    refused = sqlite_client.post(
        f"/app/actions/{action_id}/media/upload",
        data={"csrf_token": csrf},
        files={"file": ("x.jpg", b"not a photo at all" * 10, "image/jpeg")},
    )
    assert 400 <= refused.status_code < 500 and 'class="notice error"' in refused.text
    no_csrf = sqlite_client.post(
        f"/app/actions/{action_id}/media/upload",
        files={"file": ("y.jpg", make_jpeg(), "image/jpeg")},
    )
    assert no_csrf.status_code == 403
    assert len(media_of(sqlite_settings, action_id)) == 4

    csrf = login(sqlite_client, STRANGER)
    assert sqlite_client.get(f"/app/actions/{action_id}/media/upload").status_code == 404


def test_hub_and_navigation(
    sqlite_client: TestClient, sqlite_settings: Settings, case: Case
) -> None:
    login(sqlite_client, OWNER)
    home = sqlite_client.get("/app")
    assert '<a href="/app/media">音视频记录</a>' in home.text
    hub = sqlite_client.get("/app/media")
    assert hub.status_code == 200 and "DSJ_A.mp4" in hub.text and "调阅日志" not in hub.text
    login(sqlite_client, "supervision")
    hub = sqlite_client.get("/app/media")
    assert '<a class="button" href="/app/access-log">调阅日志</a>' in hub.text


def test_access_log_page_for_supervisors_and_leaders(
    sqlite_client: TestClient, sqlite_settings: Settings, case: Case
) -> None:
    action_id, _, (_video, photo, _) = case
    party_id = media_of(sqlite_settings, action_id)[0].party_id
    sqlite_client.headers["Authorization"] = f"Bearer {api_token(sqlite_settings, OWNER)}"
    for _ in range(LOG_PAGE_SIZE + 5):
        sqlite_client.get(f"/api/v1/media/{photo}/thumbnail", params={"purpose": "办案需要"})
    del sqlite_client.headers["Authorization"]
    for username, allowed in ((OWNER, False), ("legal", False), ("supervision", True),
                              ("leader", True)):  # fmt: skip
        login(sqlite_client, username)
        status = sqlite_client.get("/app/access-log").status_code
        assert status == (200 if allowed else 403), username

    with session_for(sqlite_settings) as db:
        from zhifa.core.models import User

        owner_id = db.scalar(select(User.id).where(User.username == OWNER))
    page = sqlite_client.get("/app/access-log", params={"action": action_id})
    assert page.status_code == 200 and "第 1 / 2 页" in page.text
    assert page.text.count("<code>testclient</code>") == LOG_PAGE_SIZE
    assert "缩略图" in page.text and "办案需要" in page.text and "刘洋" in page.text
    second = sqlite_client.get("/app/access-log", params={"action": action_id, "page": 2})
    assert "第 2 / 2 页" in second.text
    by_party = sqlite_client.get("/app/access-log", params={"party": party_id})
    assert "第 1 / 2 页" in by_party.text
    by_user = sqlite_client.get("/app/access-log", params={"user": owner_id, "action": action_id})
    assert "第 1 / 2 页" in by_user.text
    nobody = sqlite_client.get("/app/access-log", params={"user": owner_id, "to": "2020-01-01"})
    assert "没有符合条件的调阅记录" in nobody.text
    bad = sqlite_client.get("/app/access-log", params={"from": "2026-05-02", "to": "2026-05-01"})
    assert bad.status_code == 400

    sqlite_client.cookies.clear()
    sqlite_client.headers["Authorization"] = f"Bearer {api_token(sqlite_settings, 'leader')}"
    data = sqlite_client.get("/api/v1/access-log", params={"action": action_id}).json()
    assert data["total"] >= LOG_PAGE_SIZE + 5 and len(data["items"]) == LOG_PAGE_SIZE
    item = data["items"][-1]
    assert item["record_type"] == "media_thumbnail" and item["client"] == "testclient"
    assert (item["action_id"], item["party_id"]) == (action_id, party_id)
    with session_for(sqlite_settings) as db:
        looked = db.scalars(select(AccessLog).where(AccessLog.record_type == "access_log")).all()
    assert len(looked) >= 7  # reading the access log is itself logged

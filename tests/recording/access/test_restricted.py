"""Restricted records stay restricted (issue 11, point 3): a role that may flag a record
国家秘密 / 商业秘密 / 个人隐私 but may not read flagged records cannot lift a leader's flag
(and so cannot lift, download, re-flag); lifting is a leader's decision; both ways are
ledgered with the reason; and the marks and metadata of a restricted record are hidden
from everyone who may not read it — on pages, in API lists and single-record API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import login
from tests.recording.access.conftest import PURPOSE, tus_put
from tests.recording.media.conftest import (
    OWNER,
    PARTNER,
    api_token,
    open_action,
    record_activity,
    session_for,
)
from tests.recording.media.files import make_jpeg, make_video
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.recording.access.models import MediaRestriction
from zhifa.recording.access.rules import Restriction, check_change
from zhifa.recording.av.models import MediaMark

PHOTO_NAME = "IMG_厂区平面图.jpg"
VIDEO_NAME = "DSJ_秘密车间.mp4"
SERIAL = "DSJ-2026-001"  # make_video's body-camera serial
Case = tuple[int, int, int, int]  # action, activity, photo, video


@pytest.fixture
def case(client: TestClient, settings: Settings, tmp_path: Path) -> Iterator[Case]:
    """A photo and a video of one activity, the photo marked as evidence by the owner and
    then flagged 商业秘密 by a leader."""
    action_id = open_action(settings)
    activity_id = record_activity(settings, action_id)
    clip = make_video(tmp_path / "v.mp4", seconds=2, creation_time="2026-05-01T08:00:00Z")
    as_user(client, settings, OWNER)
    photo = tus_put(client, make_jpeg(), action_id, PHOTO_NAME, activity_id)
    video = tus_put(client, clip.read_bytes(), action_id, VIDEO_NAME, activity_id)
    marked = client.post(
        f"/api/v1/media/{photo}/marks", json={"kind": "evidence", "reason": "证明违法事实"}
    )
    assert marked.status_code == 201, marked.text
    for media_id in (photo, video):
        flagged = as_user(client, settings, "leader").post(
            f"/api/v1/media/{media_id}/restrictions",
            json={"kind": "trade_secret", "reason": "画面含企业生产工艺"},
        )
        assert flagged.status_code == 201, flagged.text
    client.headers.pop("Authorization", None)
    yield action_id, activity_id, photo, video


def as_user(client: TestClient, settings: Settings, username: str) -> TestClient:
    client.cookies.clear()
    client.headers["Authorization"] = f"Bearer {api_token(settings, username)}"
    return client


def flags_and_ledger(settings: Settings) -> tuple[int, int]:
    with session_for(settings) as db:
        flags = db.scalar(select(func.count()).select_from(MediaRestriction))
        entries = db.scalar(select(func.count()).select_from(ledger_entry))
    return int(flags or 0), int(entries or 0)


# ---- lifting a flag -----------------------------------------------------------------------------


def test_legal_cannot_lift_a_leaders_flag(
    client: TestClient, settings: Settings, case: Case
) -> None:
    """The red team's path: legal lifts the leader's flag, downloads, re-flags."""
    _, _, photo, _ = case
    legal = as_user(client, settings, "legal")
    before = flags_and_ledger(settings)
    lifted = legal.post(
        f"/api/v1/media/{photo}/restrictions",
        json={"kind": "trade_secret", "restricted": False, "reason": "经审核不涉密"},
    )
    assert lifted.status_code == 403, lifted.text
    assert "领导" in lifted.json()["detail"]
    assert flags_and_ledger(settings) == before  # nothing changed, nothing ledgered
    download = legal.get(f"/api/v1/media/{photo}/content", params={**PURPOSE, "download": 1})
    assert download.status_code == 403
    # The page form too.
    del legal.headers["Authorization"]
    csrf = login(legal, "legal")
    before = flags_and_ledger(settings)  # signing in is ledgered
    page = legal.post(
        f"/app/media/{photo}/restrictions",
        data={"csrf_token": csrf, "kind": "trade_secret", "restricted": "0", "reason": "不涉密"},
    )
    assert page.status_code == 403 and "领导" in page.text
    assert flags_and_ledger(settings) == before


def test_legal_may_still_add_a_flag_and_a_leader_lifts_it(
    client: TestClient, settings: Settings, case: Case
) -> None:
    _, _, _, video = case
    legal = as_user(client, settings, "legal")
    added = legal.post(
        f"/api/v1/media/{video}/restrictions",
        json={"kind": "privacy", "reason": "画面含当事人家属面部"},
    )
    assert added.status_code == 201, added.text
    # Legal may not lift its own flag either: lifting is a leader's decision.
    own = legal.post(
        f"/api/v1/media/{video}/restrictions",
        json={"kind": "privacy", "restricted": False, "reason": "误标"},
    )
    assert own.status_code == 403
    leader = as_user(client, settings, "leader")
    for kind in ("privacy", "trade_secret"):
        off = leader.post(
            f"/api/v1/media/{video}/restrictions",
            json={"kind": kind, "restricted": False, "reason": "经领导审核不涉密"},
        )
        assert off.status_code == 201, off.text
    with session_for(settings) as db:
        rows = db.scalars(
            select(MediaRestriction)
            .where(MediaRestriction.media_id == video)
            .order_by(MediaRestriction.id)
        ).all()
        payloads = {
            subject: kind
            for subject, kind in db.execute(select(ledger_entry.c.subject, ledger_entry.c.kind))
        }
    assert [(r.kind, r.restricted) for r in rows] == [
        (Restriction.trade_secret, True),
        (Restriction.privacy, True),
        (Restriction.privacy, False),
        (Restriction.trade_secret, False),
    ]
    assert all(r.reason for r in rows)
    kinds = [payloads[f"media_restriction:{r.id}"] for r in rows]
    assert kinds == ["media.restrict", "media.restrict", "media.unrestrict", "media.unrestrict"]
    legal = as_user(client, settings, "legal")
    assert legal.get(f"/api/v1/media/{video}", params=PURPOSE).status_code == 200


@pytest.mark.parametrize("reason", ["", "   ", "　　", "x"])
def test_a_reason_is_required_both_ways(
    client: TestClient, settings: Settings, case: Case, reason: str
) -> None:
    _, _, photo, video = case
    leader = as_user(client, settings, "leader")
    before = flags_and_ledger(settings)
    for media_id, restricted in ((photo, False), (video, True)):
        kind = "trade_secret" if not restricted else "privacy"
        refused = leader.post(
            f"/api/v1/media/{media_id}/restrictions",
            json={"kind": kind, "restricted": restricted, "reason": reason},
        )
        assert refused.status_code == 400, refused.text
        assert refused.json()["field"] == "reason" and "理由" in refused.json()["detail"]
    missing = leader.post(f"/api/v1/media/{video}/restrictions", json={"kind": "privacy"})
    assert missing.status_code == 400 and "理由" in missing.json()["detail"]
    assert flags_and_ledger(settings) == before


def test_change_rule() -> None:
    check_change(may_flag=True, reads_restricted=False, restricted=True)
    check_change(may_flag=True, reads_restricted=True, restricted=False)
    for may_flag, reads, restricted in ((True, False, False), (False, True, True),
                                        (False, True, False), (False, False, True)):  # fmt: skip
        with pytest.raises(Exception, match=r"领导|法制"):
            check_change(may_flag=may_flag, reads_restricted=reads, restricted=restricted)


# ---- hiding marks and metadata ------------------------------------------------------------------


def test_marks_and_metadata_hidden_in_the_api(
    client: TestClient, settings: Settings, case: Case
) -> None:
    action_id, activity_id, photo, video = case
    for username in ("legal", "supervision"):
        other = as_user(client, settings, username)
        marks = other.get(f"/api/v1/media/{photo}/marks")
        assert marks.status_code == 403 and "商业秘密" in marks.json()["detail"]
        assert "证明违法事实" not in marks.text
        assert other.get(f"/api/v1/media/{photo}", params=PURPOSE).status_code == 403
        put_on = other.post(
            f"/api/v1/media/{video}/marks", json={"kind": "disputed", "reason": "当事人异议"}
        )
        assert put_on.status_code == 403
        listing = other.get(f"/api/v1/actions/{action_id}/media", params=PURPOSE)
        assert listing.status_code == 200 and listing.json() == []
        for path in (f"/api/v1/actions/{action_id}/recording",
                     f"/api/v1/activities/{activity_id}/recording"):  # fmt: skip
            text = other.get(path).text
            assert VIDEO_NAME not in text and PHOTO_NAME not in text, path
            assert SERIAL not in text
    assert "受限记录" in other.get(f"/api/v1/activities/{activity_id}/recording").text
    with session_for(settings) as db:
        assert db.scalar(select(func.count()).select_from(MediaMark)) == 1
    # Those who may read still see everything.
    for username in (PARTNER, "leader"):
        reader = as_user(client, settings, username)
        marks = reader.get(f"/api/v1/media/{photo}/marks")
        assert marks.status_code == 200 and marks.json()["evidence"] is True
        info = reader.get(f"/api/v1/media/{video}", params=PURPOSE).json()
        assert info["filename"] == VIDEO_NAME and info["device_serial"] == SERIAL
        text = reader.get(f"/api/v1/activities/{activity_id}/recording").text
        assert VIDEO_NAME in text


def _visit_pages(client: TestClient, settings: Settings, username: str, case: Case) -> str:
    """Every page that could show the records, as ``username``, concatenated."""
    action_id, activity_id, _, _ = case
    client.headers.pop("Authorization", None)
    csrf = login(client, username)
    with session_for(settings) as db:
        from zhifa.enforcement.models import Action

        party_id = db.get(Action, action_id).party_id
    for scope in ({"action": action_id}, {"party": party_id}):
        stated = client.post(
            "/app/access/purpose",
            data={"csrf_token": csrf, "purpose": "review", "next": "/app/media", **scope},
        )
        assert stated.status_code == 303
    html = ""
    for path in (
        f"/app/actions/{action_id}/media",
        f"/app/parties/{party_id}/media/fragment",
        f"/app/actions/{action_id}/recording",
        f"/app/activities/{activity_id}/recording",
        "/app/media",
    ):
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        html += page.text
    return html


def test_marks_and_metadata_hidden_on_pages(
    client: TestClient, settings: Settings, case: Case
) -> None:
    _, _, photo, video = case
    html = _visit_pages(client, settings, "supervision", case)
    for secret in (PHOTO_NAME, VIDEO_NAME, SERIAL, "证明违法事实", "作为案件证据</span>",
                   f"/api/v1/media/{photo}/thumbnail", f"/api/v1/media/{video}/thumbnail",
                   f"/api/v1/media/{video}/content", f'href="/app/media/{photo}"'):  # fmt: skip
        assert secret not in html, secret
    assert "受限记录" in html
    assert client.get(f"/app/media/{photo}").status_code == 403

    html = _visit_pages(client, settings, "leader", case)
    for shown in (PHOTO_NAME, VIDEO_NAME, f"/api/v1/media/{photo}/thumbnail"):
        assert shown in html, shown

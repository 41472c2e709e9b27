"""调阅 (access) to records: a stated purpose before anything is served, who may read,
restricted records, every read logged (with the client address) and ledgered, watermarks
on exported copies, range playback through the access layer."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops, ImageStat
from sqlalchemy import func, select

from tests.conftest import login
from tests.recording.access.conftest import PURPOSE, media_of, tus_put
from tests.recording.media.conftest import (
    OWNER,
    PARTNER,
    STRANGER,
    api_token,
    open_action,
    session_for,
)
from tests.recording.media.files import make_jpeg, make_video
from zhifa.blobs import open_store
from zhifa.core.audit import check_rows
from zhifa.core.db import utcnow
from zhifa.core.models import AccessContext, AccessLog
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.recording.access import service
from zhifa.recording.access.models import AccessPurpose, MediaRestriction
from zhifa.recording.access.rules import PurposeCode, parse_purpose, remembered


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("clip") / "DSJ_0001.mp4"
    return make_video(path, seconds=2, size=(320, 240)).read_bytes()


@pytest.fixture(scope="module")
def photo() -> bytes:
    return make_jpeg()


@pytest.fixture
def case(client: TestClient, settings: Settings, clip: bytes, photo: bytes
         ) -> Iterator[tuple[int, int, int]]:  # fmt: skip
    """(action, video record, photo record) uploaded by the owner through tus."""
    action_id = open_action(settings)
    client.headers["Authorization"] = f"Bearer {api_token(settings, OWNER)}"
    video = tus_put(client, clip, action_id, "DSJ_0001.mp4")
    picture = tus_put(client, photo, action_id, "IMG_0001.jpg")
    del client.headers["Authorization"]
    yield action_id, video, picture


def as_user(client: TestClient, settings: Settings, username: str) -> TestClient:
    client.cookies.clear()
    client.headers["Authorization"] = f"Bearer {api_token(settings, username)}"
    return client


def reads(settings: Settings) -> int:
    with session_for(settings) as db:
        return int(db.scalar(select(func.count()).select_from(AccessLog)) or 0)


# ---- purpose --------------------------------------------------------------------------------


def test_purpose_rules() -> None:
    assert parse_purpose("review").text == "案卷评查"
    assert parse_purpose("案卷评查").code is PurposeCode.review
    assert parse_purpose("其他：答复信访件").text == "其他：答复信访件"
    assert parse_purpose("other", "核实举报内容").note == "核实举报内容"
    assert parse_purpose("case", "ignored").note == ""
    for bad in ("", "随便看看", "other", "其他：x"):
        with pytest.raises(Exception, match=r"调阅目的|写明"):
            parse_purpose(bad)
    now = utcnow()
    assert remembered(now - timedelta(minutes=29), now)
    assert not remembered(now - timedelta(minutes=31), now)


def test_no_purpose_no_content(
    client: TestClient, settings: Settings, case: tuple[int, int, int], clip: bytes
) -> None:
    action_id, video, picture = case
    client = as_user(client, settings, OWNER)
    before = reads(settings)
    for path in (
        f"/api/v1/media/{video}/content",
        f"/api/v1/media/{video}",
        f"/api/v1/media/{picture}/thumbnail",
        f"/api/v1/actions/{action_id}/media",
    ):
        refused = client.get(path)
        assert refused.status_code == 400, path
        assert refused.json()["field"] == "purpose" and "调阅目的" in refused.json()["detail"]
    assert (
        client.get(f"/api/v1/media/{video}/content", params={"purpose": "看看"}).status_code == 400
    )
    assert reads(settings) == before  # nothing served, nothing logged
    served = client.get(f"/api/v1/media/{video}/content", params=PURPOSE)
    assert served.status_code == 200 and served.content == clip
    assert reads(settings) == before + 1


def test_pages_ask_for_a_purpose_once_per_session_and_remember_it(
    client: TestClient,
    settings: Settings,
    case: tuple[int, int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    action_id, video, picture = case
    csrf = login(client, OWNER)
    page = f"/app/actions/{action_id}/media"
    asked = client.get(page)
    assert asked.status_code == 303 and asked.headers["location"].startswith("/app/access/purpose?")
    form = client.get(asked.headers["location"])
    assert form.status_code == 200 and "案卷评查" in form.text and "30 分钟" in form.text
    # 其他 without a note is refused on the form, nothing remembered.
    bad = client.post(
        "/app/access/purpose",
        data={"csrf_token": csrf, "action": action_id, "next": page, "purpose": "other"},
    )
    assert bad.status_code == 400 and "写明" in bad.text
    assert client.get(page).status_code == 303
    # A purpose from another site's URL is not followed.
    stated = client.post(
        "/app/access/purpose",
        data={"csrf_token": csrf, "action": action_id, "next": "https://evil.example/",
              "purpose": "review"},
    )  # fmt: skip
    assert stated.status_code == 303 and stated.headers["location"] == page
    shown = client.get(page)
    assert shown.status_code == 200
    assert "调阅目的：<strong>案卷评查</strong>" in shown.text
    assert f"/api/v1/media/{picture}/thumbnail?purpose=review" in shown.text
    assert f'src="/api/v1/media/{video}/content?purpose=review"' in shown.text
    # Within the session the content API needs no purpose parameter; logged as 案卷评查.
    ranged = client.get(f"/api/v1/media/{video}/content", headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206
    with session_for(settings) as db:
        last = db.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
        statements = db.scalars(select(AccessPurpose)).all()
    assert last is not None and last.purpose == "案卷评查" and last.record_type == "media"
    assert [(s.action_id, s.code) for s in statements] == [(action_id, PurposeCode.review)]
    # 31 minutes later the page asks again.
    later = utcnow() + timedelta(minutes=31)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    assert client.get(page).status_code == 303
    assert client.get(f"/api/v1/media/{video}/content").status_code == 400


# ---- who may read ------------------------------------------------------------------------------


def test_unassigned_officer_is_refused_leader_and_supervision_may_read(
    client: TestClient, settings: Settings, case: tuple[int, int, int]
) -> None:
    action_id, video, picture = case
    client = as_user(client, settings, STRANGER)
    before = reads(settings)
    for path in (f"/api/v1/media/{video}/content", f"/api/v1/media/{picture}/thumbnail",
                 f"/api/v1/actions/{action_id}/media"):  # fmt: skip
        refused = client.get(path, params=PURPOSE)
        # Not theirs answers like not there (no hint that the record exists).
        assert refused.status_code == 404 and "不存在" in refused.json()["detail"]
        assert client.get(path).status_code == 404  # before any question of purpose
    assert reads(settings) == before
    for username in ("leader", "supervision", PARTNER):
        client = as_user(client, settings, username)
        assert client.get(f"/api/v1/media/{video}/content", params=PURPOSE).status_code == 200


# ---- logging -----------------------------------------------------------------------------------


def test_every_access_is_logged_with_its_address_and_ledgered(
    client: TestClient, settings: Settings, case: tuple[int, int, int]
) -> None:
    action_id, video, picture = case
    client = as_user(client, settings, "leader")
    with session_for(settings) as db:
        first = int(db.scalar(select(func.max(AccessLog.id))) or 0)
    client.get(f"/api/v1/media/{video}/content", params={"purpose": "执法监督"},
               headers={"Range": "bytes=0-99"})  # fmt: skip
    client.get(f"/api/v1/media/{video}/content", params={"purpose": "执法监督"},
               headers={"Range": "bytes=100-199"})  # fmt: skip
    client.get(f"/api/v1/media/{picture}/thumbnail", params={"purpose": "其他：舆情核实"})
    client.get(f"/api/v1/media/{picture}/content", params={"purpose": "复议诉讼",
                                                           "download": "true"})  # fmt: skip
    with session_for(settings) as db:
        rows = db.execute(
            select(AccessLog, AccessContext)
            .join(AccessContext, AccessContext.access_id == AccessLog.id)
            .where(AccessLog.id > first)
            .order_by(AccessLog.id)
        ).all()
        subjects = set(db.scalars(select(ledger_entry.c.subject)))
        party_id = media_of(settings, action_id)[0].party_id
        assert list(check_rows(db)) == []  # every row written matches its ledger entry
    assert [(log.record_type, log.record_id, log.purpose) for log, _ in rows] == [
        ("media", str(video), "执法监督"),
        ("media", str(video), "执法监督"),  # each range request on its own
        ("media_thumbnail", str(picture), "其他：舆情核实"),
        ("media_export", str(picture), "复议诉讼"),
    ]
    for log, context in rows:
        assert log.via == "api" and context.client == "testclient"  # TestClient's address
        assert (context.action_id, context.party_id) == (action_id, party_id)
        assert f"access_log:{log.id}" in subjects and f"access_context:{log.id}" in subjects
    # The log, filtered by person, party, action and day (the API of the log page).
    found = client.get(
        "/api/v1/access-log",
        params={"user": rows[0][0].user_id, "party": party_id, "action": action_id,
                "from": rows[0][0].at.date().isoformat()},
    )  # fmt: skip
    assert found.status_code == 200
    assert [i["id"] for i in found.json()["items"]][:4] == [log.id for log, _ in reversed(rows)]
    assert found.json()["items"][0]["client"] == "testclient"


# ---- restricted records ------------------------------------------------------------------------


def test_restricted_records_only_for_assigned_officers_and_leaders_never_exported(
    client: TestClient, settings: Settings, case: tuple[int, int, int]
) -> None:
    action_id, video, picture = case
    # An officer may not flag; the legal section may.
    client = as_user(client, settings, OWNER)
    body = {"kind": "privacy", "reason": "画面含当事人家属面部"}
    assert client.post(f"/api/v1/media/{picture}/restrictions", json=body).status_code == 403
    client = as_user(client, settings, "legal")
    flagged = client.post(f"/api/v1/media/{picture}/restrictions", json=body)
    assert flagged.status_code == 201 and flagged.json()["kind_label"] == "个人隐私"
    again = client.post(f"/api/v1/media/{picture}/restrictions", json=body)
    assert again.status_code == 400  # already so

    # Supervision sees every action, but not this record; the listing leaves it out.
    client = as_user(client, settings, "supervision")
    refused = client.get(f"/api/v1/media/{picture}/content", params=PURPOSE)
    assert refused.status_code == 403 and "个人隐私" in refused.json()["detail"]
    listing = client.get(f"/api/v1/actions/{action_id}/media", params=PURPOSE).json()
    assert [m["id"] for m in listing] == [video]
    # The assigned partner and a leader may look, but nobody may export.
    for username in (PARTNER, "leader"):
        client = as_user(client, settings, username)
        assert client.get(f"/api/v1/media/{picture}/content", params=PURPOSE).status_code == 200
        listing = client.get(f"/api/v1/actions/{action_id}/media", params=PURPOSE).json()
        assert {m["id"]: m["restrictions"] for m in listing}[picture] == ["个人隐私"]
        for path in (f"/api/v1/media/{picture}/content", f"/api/v1/media/{picture}/thumbnail"):
            export = client.get(path, params={**PURPOSE, "download": "true"})
            assert export.status_code == 403 and "不得导出" in export.json()["detail"]
    # A leader takes the flag off (a new row); supervision may read again.
    client = as_user(client, settings, "leader")
    off = client.post(f"/api/v1/media/{picture}/restrictions",
                      json={**body, "restricted": False, "reason": "经审核不涉及隐私"})  # fmt: skip
    assert off.status_code == 201
    client = as_user(client, settings, "supervision")
    assert client.get(f"/api/v1/media/{picture}/content", params=PURPOSE).status_code == 200
    with session_for(settings) as db:
        flags = db.scalars(select(MediaRestriction).order_by(MediaRestriction.id)).all()
        subjects = set(db.scalars(select(ledger_entry.c.subject)))
    assert [(f.restricted, f.supersedes_id) for f in flags] == [(True, None), (False, flags[0].id)]
    assert all(f"media_restriction:{f.id}" in subjects for f in flags)


# ---- watermarks --------------------------------------------------------------------------------


def _difference(a: bytes, b: bytes) -> float:
    with Image.open(io.BytesIO(a)) as one, Image.open(io.BytesIO(b)) as two:
        assert one.size == two.size
        diff = ImageChops.difference(one.convert("RGB"), two.convert("RGB"))
        return sum(ImageStat.Stat(diff).mean) / 3


def test_exported_photo_and_poster_carry_a_watermark_the_stored_blob_does_not(
    client: TestClient,
    settings: Settings,
    case: tuple[int, int, int],
    photo: bytes,
    clip: bytes,
) -> None:
    action_id, video, picture = case
    client = as_user(client, settings, OWNER)
    inline = client.get(f"/api/v1/media/{picture}/content", params=PURPOSE)
    assert inline.content == photo  # viewing shows the original
    exported = client.get(f"/api/v1/media/{picture}/content", params={**PURPOSE, "download": 1})
    assert exported.status_code == 200 and exported.headers["content-type"] == "image/jpeg"
    disposition = exported.headers["content-disposition"]
    assert (
        disposition.startswith("attachment;")
        and "%E8%B0%83%E9%98%85%E5%AF%BC%E5%87%BA" in disposition
    )
    assert exported.content != photo and _difference(exported.content, photo) > 3
    with Image.open(io.BytesIO(exported.content)) as image:
        gps = image.getexif().get_ifd(0x8825)
    assert gps.get(1) == "N"  # the photo's EXIF (time, place) travels with the copy

    poster = client.get(f"/api/v1/media/{video}/thumbnail", params=PURPOSE).content
    marked = client.get(f"/api/v1/media/{video}/thumbnail", params={**PURPOSE, "download": 1})
    assert marked.status_code == 200 and _difference(marked.content, poster) > 3
    # A recording downloads as the original file (no watermark on video), logged as such.
    original = client.get(f"/api/v1/media/{video}/content", params={**PURPOSE, "download": 1})
    assert original.content == clip and original.headers["content-disposition"].startswith("attach")

    # The stored originals are untouched: their bytes still hash to their digests.
    store = open_store(settings.resolved_blob_url)
    for media in media_of(settings, action_id):
        for digest in filter(None, (media.digest, media.thumbnail_digest)):
            with store.open(digest) as stream:
                assert f"sha256:{hashlib.sha256(stream.read()).hexdigest()}" == digest
    with session_for(settings) as db:
        kinds = list(db.scalars(select(AccessLog.record_type).order_by(AccessLog.id)))[-5:]
    assert kinds == ["media", "media_export", "media_thumbnail", "media_thumbnail_export",
                     "media_download"]  # fmt: skip


# ---- range playback ----------------------------------------------------------------------------


def test_range_playback_through_the_access_layer(
    client: TestClient, settings: Settings, case: tuple[int, int, int], clip: bytes
) -> None:
    _, video, _ = case
    client = as_user(client, settings, OWNER)
    url = f"/api/v1/media/{video}/content"
    part = client.get(url, params=PURPOSE, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == clip[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(clip)}"
    tail = client.get(url, params=PURPOSE, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == clip[-500:]
    assert client.get(url, headers={"Range": "bytes=0-99"}).status_code == 400
    beyond = client.get(url, params=PURPOSE, headers={"Range": f"bytes={len(clip)}-"})
    assert beyond.status_code == 416
    stranger = as_user(client, settings, STRANGER)
    assert stranger.get(url, params=PURPOSE, headers={"Range": "bytes=0-9"}).status_code == 404

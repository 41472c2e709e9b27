"""The tus 1.0 protocol at /api/v1/uploads/, request by request (SQLite; the database
plays no part here): capabilities, creation checks, offsets, checksums, termination,
expiry, and the partial file after a crash."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.recording.media.conftest import (
    OWNER,
    PARTNER,
    api_token,
    counts,
    metadata_header,
    open_action,
    record_activity,
    sha256_hex,
    tus_headers,
    upload_files,
)
from tests.recording.media.files import make_video
from zhifa.core.db import utcnow
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action, ActionStatus
from zhifa.recording.media.tus import UploadArea, upload_area

OCTETS = "application/offset+octet-stream"


@pytest.fixture
def officer(sqlite_client: TestClient, sqlite_settings: Settings) -> Iterator[TestClient]:
    sqlite_client.headers["Authorization"] = f"Bearer {api_token(sqlite_settings, OWNER)}"
    sqlite_client.params = {"purpose": "办案需要"}  # every read of a record states a purpose
    yield sqlite_client


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_video(tmp_path_factory.mktemp("clip") / "clip.mp4", shade=40).read_bytes()


def create(client: TestClient, length: int, **meta: str) -> object:
    return client.post(
        "/api/v1/uploads/",
        headers=tus_headers(
            **{"Upload-Length": str(length), "Upload-Metadata": metadata_header(**meta)}
        ),
    )


def patch(client: TestClient, url: str, offset: int, body: bytes, **extra: str) -> object:
    headers = tus_headers(**{"Upload-Offset": str(offset), "Content-Type": OCTETS, **extra})
    return client.patch(url, content=body, headers=headers)


def checksum(algorithm: str, body: bytes) -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, body).digest()).decode()}"


def head(client: TestClient, url: str) -> object:
    return client.head(url, headers=tus_headers())


def test_options_advertise_the_server(officer: TestClient, sqlite_settings: Settings) -> None:
    response = officer.options("/api/v1/uploads/")
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Extension"] == "creation,termination,checksum"
    assert response.headers["Tus-Max-Size"] == str(sqlite_settings.blob_max_bytes)
    assert response.headers["Tus-Checksum-Algorithm"] == "sha1,sha256"


def test_create_head_patch_in_pieces(
    officer: TestClient, sqlite_settings: Settings, clip: bytes
) -> None:
    action_id = open_action(sqlite_settings)
    created = create(officer, len(clip), action=str(action_id), filename="执法记录仪.mp4")
    assert created.status_code == 201 and created.headers["Tus-Resumable"] == "1.0.0"
    url = created.headers["Location"]
    assert url.startswith("/api/v1/uploads/") and "Upload-Expires" in created.headers

    first = head(officer, url)
    assert first.status_code == 200 and first.headers["Upload-Offset"] == "0"
    assert first.headers["Upload-Length"] == str(len(clip))
    assert first.headers["Cache-Control"] == "no-store"
    assert first.headers["Upload-Metadata"] == metadata_header(
        action=str(action_id), filename="执法记录仪.mp4"
    )

    assert patch(officer, url, 0, clip[:5000]).headers["Upload-Offset"] == "5000"
    assert head(officer, url).headers["Upload-Offset"] == "5000"
    # A wrong offset changes nothing.
    wrong = patch(officer, url, 4000, clip[4000:9000])
    assert wrong.status_code == 409 and "5000" in wrong.json()["detail"]
    assert head(officer, url).headers["Upload-Offset"] == "5000"

    done = patch(officer, url, 5000, clip[5000:])
    assert done.status_code == 204 and "Zhifa-Media-Id" in done.headers
    again = head(officer, url)
    assert again.headers["Upload-Offset"] == str(len(clip))
    assert again.headers["Zhifa-Media-Id"] == done.headers["Zhifa-Media-Id"]
    # A retry after a lost reply gets the same record; any other offset is a conflict.
    retry = patch(officer, url, len(clip), b"")
    assert retry.status_code == 204
    assert retry.headers["Zhifa-Media-Id"] == done.headers["Zhifa-Media-Id"]
    assert patch(officer, url, 0, clip[:10]).status_code == 409
    assert [n for n in upload_files(sqlite_settings) if n.endswith(".part")] == []


def test_checksum_mismatch_discards_the_body(
    officer: TestClient, sqlite_settings: Settings, clip: bytes
) -> None:
    action_id = open_action(sqlite_settings)
    url = create(officer, len(clip), action=str(action_id), filename="a.mp4").headers["Location"]
    upload_id = url.rsplit("/", 1)[1]
    part = sqlite_settings.data_dir / "uploads" / f"{upload_id}.part"
    good = patch(officer, url, 0, clip[:3000], **{"Upload-Checksum": checksum("sha1", clip[:3000])})
    assert good.status_code == 204

    bad = patch(
        officer,
        url,
        3000,
        clip[3000:6000],
        **{"Upload-Checksum": checksum("sha256", b"something else")},
    )
    assert bad.status_code == 460 and "校验" in bad.json()["detail"]
    assert head(officer, url).headers["Upload-Offset"] == "3000"
    assert part.stat().st_size == 3000
    unknown = patch(officer, url, 3000, clip[3000:], **{"Upload-Checksum": "md5 AAAA"})
    assert unknown.status_code == 400 and "md5" in unknown.json()["detail"]

    # The running digest was restored too: the record's digest is the file's.
    rest = clip[3000:]
    done = patch(officer, url, 3000, rest, **{"Upload-Checksum": checksum("sha256", rest)})
    assert done.status_code == 204, done.text
    media = officer.get(f"/api/v1/media/{done.headers['Zhifa-Media-Id']}").json()
    assert media["digest"] == f"sha256:{sha256_hex(clip)}"


def test_digest_rebuilt_after_restart_and_unacknowledged_bytes_cut_off(
    officer: TestClient, sqlite_settings: Settings, clip: bytes
) -> None:
    action_id = open_action(sqlite_settings)
    url = create(officer, len(clip), action=str(action_id), filename="a.mp4").headers["Location"]
    upload_id = url.rsplit("/", 1)[1]
    assert patch(officer, url, 0, clip[:7000]).status_code == 204
    # As after a crash mid-PATCH: this process's digest is gone, and the partial file
    # holds bytes that were never acknowledged.
    UploadArea._running.clear()
    with (sqlite_settings.data_dir / "uploads" / f"{upload_id}.part").open("ab") as part:
        part.write(b"\x00garbage never acknowledged" * 100)
    assert head(officer, url).headers["Upload-Offset"] == "7000"
    done = patch(officer, url, 7000, clip[7000:])
    assert done.status_code == 204, done.text
    media = officer.get(f"/api/v1/media/{done.headers['Zhifa-Media-Id']}").json()
    assert media["digest"] == f"sha256:{sha256_hex(clip)}" and media["size"] == len(clip)


def test_creation_checks(officer: TestClient, sqlite_settings: Settings) -> None:
    action_id = str(open_action(sqlite_settings))
    other_action = open_action(sqlite_settings)
    foreign_activity = str(record_activity(sqlite_settings, other_action))
    before = counts(sqlite_settings)
    cases = [
        ({"action": action_id}, 400, "filename"),
        ({"filename": "a.mp4"}, 400, "action"),
        ({"action": "abc", "filename": "a.mp4"}, 400, "正整数"),
        ({"action": action_id, "filename": "../../etc/passwd"}, 400, "路径"),
        ({"action": action_id, "filename": "videos/a.mp4"}, 400, "路径"),
        ({"action": action_id, "filename": "C:\\x\\a.mp4"}, 400, "路径"),
        ({"action": action_id, "filename": "a\x00.mp4"}, 400, "控制字符"),
        ({"action": action_id, "filename": "a" * 201}, 400, "过长"),
        ({"action": action_id, "filename": "a.mp4", "activity": foreign_activity}, 400, "不属于"),
        ({"action": "999999", "filename": "a.mp4"}, 404, "不存在"),
    ]
    for meta, status, word in cases:
        response = create(officer, 1000, **meta)
        assert response.status_code == status, (meta, response.text)
        assert word in response.json()["detail"], (meta, response.json())
        assert response.headers["Tus-Resumable"] == "1.0.0"

    def raw(headers: dict[str, str]) -> object:
        return officer.post("/api/v1/uploads/", headers=headers)

    meta = metadata_header(action=action_id, filename="a.mp4")
    assert raw({"Upload-Length": "10", "Upload-Metadata": meta}).status_code == 412
    assert raw(tus_headers(**{"Upload-Metadata": meta})).status_code == 400
    assert raw(tus_headers(**{"Upload-Length": "-1", "Upload-Metadata": meta})).status_code == 400
    deferred = raw(tus_headers(**{"Upload-Defer-Length": "1", "Upload-Metadata": meta}))
    assert deferred.status_code == 400
    for broken in ("action", "action !!!", "action MQ==,action MQ==", "a b c"):
        response = raw(tus_headers(**{"Upload-Length": "10", "Upload-Metadata": broken}))
        assert response.status_code == 400 and "Upload-Metadata" in response.json()["detail"]
    too_big = str(sqlite_settings.blob_max_bytes + 1)
    over = raw(tus_headers(**{"Upload-Length": too_big, "Upload-Metadata": meta}))
    assert over.status_code == 413 and "过大" in over.json()["detail"]
    assert upload_files(sqlite_settings) == []
    assert counts(sqlite_settings) == before


def test_closed_action_takes_no_new_records(officer: TestClient, sqlite_settings: Settings) -> None:
    from tests.recording.media.conftest import session_for

    action_id = open_action(sqlite_settings)
    with session_for(sqlite_settings, write=True) as db:
        db.get(Action, action_id).status = ActionStatus.closed
        db.commit()
    response = create(officer, 1000, action=str(action_id), filename="a.mp4")
    assert response.status_code == 400 and "已办结" in response.json()["detail"]


def test_patch_checks(officer: TestClient, sqlite_settings: Settings, clip: bytes) -> None:
    action_id = open_action(sqlite_settings)
    url = create(officer, 100, action=str(action_id), filename="a.mp4").headers["Location"]
    assert patch(officer, url, 0, b"x" * 10, **{"Content-Type": "text/plain"}).status_code == 415
    no_version = officer.patch(
        url, content=b"x", headers={"Upload-Offset": "0", "Content-Type": OCTETS}
    )
    assert no_version.status_code == 412 and no_version.headers["Tus-Version"] == "1.0.0"
    assert patch(officer, url, 0, b"x", **{"Upload-Offset": "zero"}).status_code == 400
    longer = patch(officer, url, 0, b"x" * 101)
    assert longer.status_code == 413 and "超出" in longer.json()["detail"]
    assert head(officer, url).headers["Upload-Offset"] == "0"
    missing = f"/api/v1/uploads/{'0' * 32}"
    assert head(officer, missing).status_code == 404
    assert patch(officer, missing, 0, b"x").status_code == 404
    assert head(officer, "/api/v1/uploads/..%2F..%2Fzhifa.sqlite3").status_code == 404


def test_only_the_uploader_may_continue(
    officer: TestClient, sqlite_settings: Settings, clip: bytes
) -> None:
    action_id = open_action(sqlite_settings)
    url = create(officer, len(clip), action=str(action_id), filename="a.mp4").headers["Location"]
    assert patch(officer, url, 0, clip[:100]).status_code == 204
    # Even the partner on the same action cannot write into someone else's upload.
    officer.headers["Authorization"] = f"Bearer {api_token(sqlite_settings, PARTNER)}"
    assert head(officer, url).status_code == 403
    assert patch(officer, url, 100, clip[100:]).status_code == 403
    assert officer.delete(url, headers=tus_headers()).status_code == 403
    assert counts(sqlite_settings)[0] == 0


def test_termination_removes_the_partial_upload(
    officer: TestClient, sqlite_settings: Settings, clip: bytes
) -> None:
    action_id = open_action(sqlite_settings)
    url = create(officer, len(clip), action=str(action_id), filename="a.mp4").headers["Location"]
    assert patch(officer, url, 0, clip[:1000]).status_code == 204
    assert len(upload_files(sqlite_settings)) == 2
    assert officer.delete(url, headers=tus_headers()).status_code == 204
    assert upload_files(sqlite_settings) == []
    assert head(officer, url).status_code == 404
    assert patch(officer, url, 1000, clip[1000:]).status_code == 404


def test_expired_uploads_are_cleaned_up(
    officer: TestClient, sqlite_settings: Settings, clip: bytes
) -> None:
    action_id = open_action(sqlite_settings)
    url = create(officer, len(clip), action=str(action_id), filename="a.mp4").headers["Location"]
    upload_id = url.rsplit("/", 1)[1]
    assert patch(officer, url, 0, clip[:1000]).status_code == 204
    area = upload_area(sqlite_settings)
    # Files a crash could leave: a partial file without state, a torn state write.
    orphan = area.root / f"{'ab' * 16}.part"
    orphan.write_bytes(b"x" * 10)
    stray = area.root / f"{upload_id}.json.1234abcd.tmp"
    stray.write_text("{")
    assert area.remove_expired() == 0  # nothing is old yet

    # The state says it expired: the client is told, and cleanup removes everything.
    state_path = area.json_path(upload_id)
    state = json.loads(state_path.read_text())
    state["expires_at"] = (utcnow() - timedelta(minutes=1)).isoformat()
    state_path.write_text(json.dumps(state))
    assert head(officer, url).status_code == 410
    expired = patch(officer, url, 1000, clip[1000:])
    assert expired.status_code == 410 and "过期" in expired.json()["detail"]
    later = utcnow() + timedelta(hours=sqlite_settings.upload_expiry_hours + 1)
    assert area.remove_expired(later) == 3
    assert upload_files(sqlite_settings) == []
    assert head(officer, url).status_code == 404


def test_cleanup_runs_at_start(sqlite_settings: Settings, tmp_path: Path) -> None:
    from zhifa.web.app import create_app

    area = upload_area(sqlite_settings)
    old = area.root / f"{'cd' * 16}.json"
    old.write_text(json.dumps({"expires_at": "2000-01-01T00:00:00+00:00"}))
    with TestClient(create_app(sqlite_settings)):
        assert not old.exists()

"""Uploads respect space and quotas (issue 11, point 9) and bad tus headers are a 400
(point 8): creating an upload reserves its bytes, on top of what the other open uploads
were promised; one person holds a bounded number of open uploads; non-ASCII or broken
base64 and odd digits in the headers are refused in Chinese; a file's name agrees with
its detected type, and it is served under that name with its detected content type."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.recording.access.conftest import PURPOSE, tus_put
from tests.recording.media.conftest import (
    OWNER,
    PARTNER,
    api_token,
    counts,
    open_action,
    session_for,
    tus_headers,
    upload_files,
)
from tests.recording.media.files import make_jpeg, make_video
from zhifa.core.db import utcnow
from zhifa.core.settings import Settings
from zhifa.recording.media.ingest import agreeing_name
from zhifa.recording.media.models import Media
from zhifa.recording.media.tus import UploadState, upload_area
from zhifa.web.app import create_app

OCTETS = "application/offset+octet-stream"


@pytest.fixture
def limited(settings: Settings) -> Settings:
    """Two open uploads per person; no size limit of its own, so that space decides."""
    return settings.model_copy(update={"uploads_open_per_user": 2, "blob_max_bytes": 2**60})


@pytest.fixture
def officer(limited: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(limited), follow_redirects=False) as client:
        client.headers["Authorization"] = f"Bearer {api_token(limited, OWNER)}"
        yield client


def meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client: TestClient, length: int, action_id: int, name: str = "a.mp4") -> object:
    headers = {"Upload-Length": str(length), "Upload-Metadata": meta(action=str(action_id),
                                                                     filename=name)}  # fmt: skip
    return client.post("/api/v1/uploads/", headers=tus_headers(**headers))


# ---- space -----------------------------------------------------------------------------------


def test_space_promised_to_open_uploads_is_reserved(officer: TestClient, limited: Settings) -> None:
    """Before: every creation compared its own length with the free space alone, so
    sixty 16 GiB uploads could be opened at once on a disk that holds five."""
    action_id = open_action(limited)
    area = upload_area(limited)
    share = int(shutil.disk_usage(area.root).free * 0.6)  # one fits, two do not
    first = create(officer, share, action_id)
    assert first.status_code == 201, first.text
    files = upload_files(limited)
    second = create(officer, share, action_id)
    assert second.status_code == 507, second.text
    assert "存储空间不足" in second.json()["detail"]
    assert second.headers["Tus-Resumable"] == "1.0.0"
    assert upload_files(limited) == files  # nothing created
    # Terminating the first gives its promise back.
    assert officer.delete(first.headers["Location"], headers=tus_headers()).status_code == 204
    assert create(officer, share, action_id).status_code == 201


def test_promised_bytes_are_those_still_to_come() -> None:
    expires = (utcnow() + timedelta(hours=1)).isoformat()
    state = UploadState("a" * 32, 1, "x", 1000, "sha256", 1, "a.mp4", "", expires, offset=400)
    assert state.promised == 600
    state.media_id = 7
    assert state.promised == 0  # a record already: its bytes are in the blob store


# ---- open uploads per person -----------------------------------------------------------------


def test_open_uploads_per_person_are_capped(
    officer: TestClient, limited: Settings, tmp_path: Path
) -> None:
    action_id = open_action(limited)
    clip = make_video(tmp_path / "c.mp4", seconds=1).read_bytes()
    opened = [create(officer, len(clip), action_id) for _ in range(2)]
    assert [r.status_code for r in opened] == [201, 201]
    third = create(officer, len(clip), action_id)
    assert third.status_code == 429 and "未完成的上传" in third.json()["detail"]
    assert "上限 2 个" in third.json()["detail"]
    # The partner on the same action has a quota of their own.
    officer.headers["Authorization"] = f"Bearer {api_token(limited, PARTNER)}"
    assert create(officer, len(clip), action_id).status_code == 201
    officer.headers["Authorization"] = f"Bearer {api_token(limited, OWNER)}"
    # A finished upload is no longer open.
    done = officer.patch(
        opened[0].headers["Location"],
        content=clip,
        headers=tus_headers(**{"Upload-Offset": "0", "Content-Type": OCTETS}),
    )
    assert done.status_code == 204, done.text
    assert create(officer, len(clip), action_id).status_code == 201
    assert create(officer, len(clip), action_id).status_code == 429
    # Nor is an expired one.
    area = upload_area(limited)
    state_path = area.json_path(opened[1].headers["Location"].rsplit("/", 1)[1])
    state = json.loads(state_path.read_text())
    state["expires_at"] = (utcnow() - timedelta(minutes=1)).isoformat()
    state_path.write_text(json.dumps(state))
    assert create(officer, len(clip), action_id).status_code == 201


def test_the_setting_has_a_default_and_bounds() -> None:
    assert Settings().uploads_open_per_user == 8
    for bad in (0, 1001):
        with pytest.raises(ValueError, match="uploads_open_per_user"):
            Settings(uploads_open_per_user=bad)


# ---- headers that are not what they claim ----------------------------------------------------


def test_bad_base64_and_digits_in_tus_headers_are_a_400(
    officer: TestClient, limited: Settings
) -> None:
    action_id = open_action(limited)
    good = meta(action=str(action_id), filename="a.mp4")
    before = counts(limited)
    cases: list[tuple[dict[str, bytes | str], str]] = [
        ({"Upload-Metadata": "filename 5Lit5paH\u00e4".encode("latin-1")}, "Upload-Metadata"),
        ({"Upload-Metadata": "filename 中文".encode()}, "Upload-Metadata"),
        ({"Upload-Metadata": b"filename \xff\xfe"}, "Upload-Metadata"),
        ({"Upload-Metadata": "filename //79"}, "Upload-Metadata"),  # not UTF-8
        ({"Upload-Metadata": "filename YQ"}, "Upload-Metadata"),  # padding
        ({"Upload-Metadata": meta(action="\u00b2", filename="a.mp4")}, "正整数"),
        ({"Upload-Metadata": meta(action="0", filename="a.mp4")}, "正整数"),
        ({"Upload-Length": b"\xb2"}, "非负整数"),  # '²' in Latin-1
        ({"Upload-Length": "１２".encode()}, "非负整数"),
    ]
    for extra, word in cases:
        headers: dict[str, bytes | str] = {
            "Tus-Resumable": "1.0.0", "Upload-Length": "100", "Upload-Metadata": good, **extra,
        }  # fmt: skip
        response = officer.post("/api/v1/uploads/", headers=headers)
        assert response.status_code == 400, (extra, response.text)
        assert word in response.json()["detail"], (extra, response.json())
    assert upload_files(limited) == [] and counts(limited) == before

    url = create(officer, 100, action_id).headers["Location"]
    for value in ("sha1 中文".encode(), b"sha256 \xe4\xb8\xad", "sha1 !!!!", "sha256 YWJj"):
        headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": OCTETS,
                   "Upload-Checksum": value}  # fmt: skip
        response = officer.patch(url, content=b"x" * 10, headers=headers)
        assert response.status_code == 400, (value, response.text)
        assert "Upload-Checksum" in response.json()["detail"]
    for offset in (b"\xb2", "١".encode()):
        headers = {"Tus-Resumable": "1.0.0", "Upload-Offset": offset, "Content-Type": OCTETS}
        assert officer.patch(url, content=b"x", headers=headers).status_code == 400
    assert officer.head(url, headers=tus_headers()).headers["Upload-Offset"] == "0"


# ---- names that agree with the content -------------------------------------------------------


def test_agreeing_name() -> None:
    assert agreeing_name("poly.html", "image/jpeg") == "poly.jpg"
    assert agreeing_name("IMG_0001.JPG", "image/jpeg") == "IMG_0001.JPG"
    assert agreeing_name("IMG_0001", "image/png") == "IMG_0001.png"
    assert agreeing_name("DSJ.MOV", "video/mp4") == "DSJ.MOV"
    assert agreeing_name("clip.jpg", "video/mp4") == "clip.mp4"
    assert agreeing_name(".html", "image/jpeg") == "media.jpg"
    assert agreeing_name("a.svg", "application/x-unknown") == "a.bin"
    assert len(agreeing_name("a" * 200, "image/jpeg")) == 200


def test_a_name_that_disagrees_with_the_content_is_renamed(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    """Before: a JPEG named ``poly.html`` was stored and served inline under that name."""
    action_id = open_action(settings)
    client.headers["Authorization"] = f"Bearer {api_token(settings, OWNER)}"
    photo = tus_put(client, make_jpeg(), action_id, "poly.html")
    clip = make_video(tmp_path / "v.mp4", seconds=1).read_bytes()
    video = tus_put(client, clip, action_id, "现场.jpg")
    with session_for(settings) as db:
        rows = {m.id: m for m in db.scalars(select(Media).where(Media.action_id == action_id))}
    assert rows[photo].filename == "poly.jpg"
    assert rows[photo].details["uploaded_filename"] == "poly.html"
    assert rows[video].filename == "现场.mp4"
    info = client.get(f"/api/v1/media/{photo}", params=PURPOSE).json()
    assert info["filename"] == "poly.jpg" and info["content_type"] == "image/jpeg"

    served = client.get(f"/api/v1/media/{photo}/content", params=PURPOSE)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.headers["content-disposition"] == 'inline; filename="poly.jpg"; ' \
        "filename*=UTF-8''poly.jpg"  # fmt: skip
    assert served.headers["x-content-type-options"] == "nosniff"
    for path, disposition in (
        (f"/api/v1/media/{photo}/content", "attachment;"),
        (f"/api/v1/media/{video}/content", "attachment;"),
        (f"/api/v1/media/{photo}/thumbnail", "inline;"),
        (f"/api/v1/media/{photo}/thumbnail", "attachment;"),
    ):
        download = path.endswith("content") or disposition == "attachment;"
        response = client.get(path, params={**PURPOSE, "download": str(download).lower()})
        assert response.status_code == 200, (path, response.text)
        header = response.headers["content-disposition"]
        assert header.startswith(disposition) and ".html" not in header, header
        assert response.headers["x-content-type-options"] == "nosniff"
        assert header.endswith((".jpg", ".mp4")), header
    # A name agreeing already is kept as the device gave it.
    kept = tus_put(client, make_jpeg(colour=(1, 2, 3)), action_id, "IMG_0002.JPEG")
    assert client.get(f"/api/v1/media/{kept}", params=PURPOSE).json()["filename"] == (
        "IMG_0002.JPEG"
    )

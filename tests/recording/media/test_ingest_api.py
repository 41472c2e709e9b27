"""Media ingest through the HTTP API on SQLite and PostgreSQL: tus by hand and the plain
form, metadata taken from real files, one blob for the same content, range requests,
access logging, the ledger, and refusals that leave nothing behind."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import login
from tests.recording.media.conftest import (
    OWNER,
    STRANGER,
    api_token,
    counts,
    metadata_header,
    open_action,
    record_activity,
    session_for,
    sha256_hex,
    tus_headers,
    upload_files,
)
from tests.recording.media.files import make_audio, make_jpeg, make_video, truncated
from zhifa.core.audit import check_rows
from zhifa.core.models import AccessLog
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.recording.media.models import Media


@pytest.fixture
def officer(client: TestClient, settings: Settings) -> Iterator[TestClient]:
    """The TestClient acting as officer 刘洋 with an API token."""
    client.headers["Authorization"] = f"Bearer {api_token(settings, OWNER)}"
    client.params = {"purpose": "办案需要"}  # every read of a record states a purpose
    yield client


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_video(tmp_path_factory.mktemp("clip") / "clip.mp4").read_bytes()


def tus_upload(
    client: TestClient,
    data: bytes,
    action_id: int,
    filename: str = "DSJ_0001.mp4",
    pieces: int = 3,
    algorithm: str | None = "sha256",
    **extra: str,
):
    """Create an upload and send it in ``pieces`` PATCHes; returns the last response."""
    created = client.post(
        "/api/v1/uploads/",
        headers=tus_headers(
            **{
                "Upload-Length": str(len(data)),
                "Upload-Metadata": metadata_header(
                    action=str(action_id), filename=filename, **extra
                ),
            }
        ),
    )
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    step = -(-len(data) // pieces)
    response = created
    for offset in range(0, len(data), step):
        body = data[offset : offset + step]
        headers = tus_headers(
            **{
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            }
        )
        if algorithm:
            digest = hashlib.new(algorithm, body).digest()
            headers["Upload-Checksum"] = f"{algorithm} {base64.b64encode(digest).decode()}"
        response = client.patch(location, content=body, headers=headers)
        if response.status_code != 204:
            return response
    return response


def test_video_by_tus_becomes_a_record_with_its_metadata(
    officer: TestClient, settings: Settings, clip: bytes
) -> None:
    action_id = open_action(settings)
    activity_id = record_activity(settings, action_id)
    done = tus_upload(officer, clip, action_id, activity=str(activity_id), device="DOCK-9")
    assert done.status_code == 204, done.text
    assert done.headers["Upload-Offset"] == str(len(clip))
    media_id = int(done.headers["Zhifa-Media-Id"])

    meta = officer.get(f"/api/v1/media/{media_id}").json()
    assert meta["kind"] == "video" and meta["kind_label"] == "视音频"
    assert meta["action_id"] == action_id and meta["activity_id"] == activity_id
    assert meta["filename"] == "DSJ_0001.mp4"
    assert meta["digest"] == f"sha256:{sha256_hex(clip)}" and meta["size"] == len(clip)
    assert meta["video_codec"] == "h264" and meta["audio_codec"] == "aac"
    assert (meta["width"], meta["height"]) == (160, 120)
    assert 1.9 <= meta["duration_seconds"] <= 2.2
    assert meta["details"]["frame_rate"] == 15.0 and meta["details"]["make"] == "Hikvision"
    recorded = datetime.fromisoformat(meta["recorded_at"])
    assert recorded == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    assert meta["recorded_at_source"] == "container"
    assert datetime.fromisoformat(meta["ended_at"]) > recorded
    # The camera's own serial wins; the dock's is kept beside it.
    assert meta["device_serial"] == "DSJ-2026-001" and meta["device_serial_source"] == "file"
    assert meta["details"]["uploader_device"] == "DOCK-9"
    assert meta["gps"] == {"latitude": 31.2304, "longitude": 121.4737, "altitude": 12.5}
    assert meta["channel"] == "tus"

    poster = officer.get(meta["thumbnail_url"])
    assert poster.status_code == 200 and poster.content[:3] == b"\xff\xd8\xff"
    assert upload_files(settings) == [f"{done.request.url.path.rsplit('/', 1)[1]}.json"]

    with session_for(settings) as db:
        kinds = db.scalars(select(ledger_entry.c.kind).order_by(ledger_entry.c["index"]))
        changes = [kind for kind in kinds if kind not in ("access.read", "token.use")]
        assert changes[-3:] == ["blob.store", "blob.store", "media.ingest"]
        assert list(check_rows(db)) == []


def test_photo_by_form_with_exif(client: TestClient, settings: Settings) -> None:
    action_id = open_action(settings)
    csrf = login(client, OWNER)
    photo = make_jpeg(taken="2026:05:01 16:30:15", offset=None, gps=(31.25, 121.40, 8.0))
    response = client.post(
        f"/api/v1/actions/{action_id}/media",
        files={"file": ("现场照片1.jpg", photo, "image/jpeg")},
        data={"device": "PHONE-3"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    meta = response.json()
    assert meta["kind"] == "photo" and meta["filename"] == "现场照片1.jpg"
    assert meta["content_type"] == "image/jpeg" and (meta["width"], meta["height"]) == (640, 480)
    # No offset in EXIF: the camera's clock is taken as Beijing time.
    taken = datetime.fromisoformat(meta["recorded_at"])
    assert taken == datetime(2026, 5, 1, 8, 30, 15, tzinfo=UTC)
    assert meta["gps"] == {"latitude": 31.25, "longitude": 121.4, "altitude": 8.0}
    assert meta["device_serial"] == "SN-PHOTO-7" and meta["channel"] == "form"
    client.params = {"purpose": "办案需要"}
    thumb = client.get(meta["thumbnail_url"])
    assert thumb.headers["content-type"] == "image/jpeg" and len(thumb.content) < len(photo)
    assert client.get(meta["content_url"]).content == photo


def test_same_content_is_stored_once_and_linked_twice(
    officer: TestClient, settings: Settings, clip: bytes
) -> None:
    first_action, second_action = open_action(settings), open_action(settings)
    before = counts(settings)
    one = tus_upload(officer, clip, first_action, filename="a.mp4")
    two = officer.post(
        f"/api/v1/actions/{second_action}/media",
        files={"file": ("b.mp4", clip, "video/mp4")},
    )
    assert one.status_code == 204 and two.status_code == 201, two.text
    media, blobs, stored = counts(settings)
    assert media == before[0] + 2
    assert blobs == before[1] + 2 and stored == before[2] + 2  # the clip and its poster
    first = officer.get(f"/api/v1/media/{one.headers['Zhifa-Media-Id']}").json()
    assert first["digest"] == two.json()["digest"] and first["id"] != two.json()["id"]


def test_audio_only_recording(officer: TestClient, settings: Settings, tmp_path: Path) -> None:
    action_id = open_action(settings)
    data = make_audio(tmp_path / "talk.m4a", seconds=3).read_bytes()
    done = tus_upload(officer, data, action_id, filename="询问录音.m4a", algorithm="sha1")
    assert done.status_code == 204, done.text
    meta = officer.get(f"/api/v1/media/{done.headers['Zhifa-Media-Id']}").json()
    assert meta["kind"] == "audio" and meta["audio_codec"] == "aac"
    assert meta["video_codec"] is None and meta["thumbnail_url"] is None
    assert 2.9 <= meta["duration_seconds"] <= 3.2


def test_range_requests_for_seeking(officer: TestClient, settings: Settings, clip: bytes) -> None:
    action_id = open_action(settings)
    media_id = tus_upload(officer, clip, action_id).headers["Zhifa-Media-Id"]
    url = f"/api/v1/media/{media_id}/content"
    size = len(clip)

    whole = officer.get(url)
    assert whole.status_code == 200 and whole.content == clip
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    assert "inline" in whole.headers["content-disposition"]

    part = officer.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == clip[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{size}"
    assert part.headers["content-length"] == "1000"

    tail = officer.get(url, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == clip[-500:]
    rest = officer.get(url, headers={"Range": f"bytes={size - 10}-"})
    assert rest.content == clip[-10:]
    beyond = officer.get(url, headers={"Range": f"bytes={size - 10}-{size + 500}"})
    assert beyond.headers["content-range"] == f"bytes {size - 10}-{size - 1}/{size}"

    unsatisfiable = officer.get(url, headers={"Range": f"bytes={size}-"})
    assert unsatisfiable.status_code == 416
    assert unsatisfiable.headers["content-range"] == f"bytes */{size}"
    # Several ranges, a stale If-Range, another unit: the whole file, as RFC 9110 allows.
    for headers in (
        {"Range": "bytes=0-1,5-6"},
        {"Range": "bytes=0-10", "If-Range": '"sha256:stale"'},
        {"Range": "items=0-1"},
    ):
        response = officer.get(url, headers=headers)
        assert response.status_code == 200 and len(response.content) == size
    etag = whole.headers["etag"]
    assert officer.get(url, headers={"Range": "bytes=0-9", "If-Range": etag}).status_code == 206
    download = officer.get(url, params={"download": "true"})
    assert download.headers["content-disposition"].startswith("attachment;")


def test_every_read_is_logged(officer: TestClient, settings: Settings, clip: bytes) -> None:
    action_id = open_action(settings)
    media_id = int(tus_upload(officer, clip, action_id).headers["Zhifa-Media-Id"])
    with session_for(settings) as db:
        before = len(list(db.scalars(select(AccessLog.id))))
    listing = officer.get(f"/api/v1/actions/{action_id}/media", params={"purpose": "案卷评查"})
    assert [m["id"] for m in listing.json()] == [media_id]
    officer.get(f"/api/v1/media/{media_id}")
    officer.get(f"/api/v1/media/{media_id}/content", headers={"Range": "bytes=0-99"})
    officer.get(f"/api/v1/media/{media_id}/thumbnail")
    with session_for(settings) as db:
        rows = list(db.scalars(select(AccessLog).order_by(AccessLog.id)))[before:]
    assert [(r.record_type, r.record_id) for r in rows] == [
        ("action_media", str(action_id)),
        ("media_info", str(media_id)),
        ("media", str(media_id)),
        ("media_thumbnail", str(media_id)),
    ]
    assert rows[0].purpose == "案卷评查" and all(r.via == "api" for r in rows)


def test_another_officers_action_is_refused_and_nothing_stored(
    client: TestClient, settings: Settings, clip: bytes
) -> None:
    action_id = open_action(settings)
    owner_token = api_token(settings, OWNER)
    client.headers["Authorization"] = f"Bearer {owner_token}"
    media_id = tus_upload(client, clip, action_id).headers["Zhifa-Media-Id"]
    before = counts(settings)

    client.headers["Authorization"] = f"Bearer {api_token(settings, STRANGER)}"
    created = client.post(
        "/api/v1/uploads/",
        headers=tus_headers(
            **{
                "Upload-Length": str(len(clip)),
                "Upload-Metadata": metadata_header(action=str(action_id), filename="x.mp4"),
            }
        ),
    )
    assert created.status_code == 404 and "不存在" in created.json()["detail"]
    form = client.post(
        f"/api/v1/actions/{action_id}/media", files={"file": ("x.mp4", clip, "video/mp4")}
    )
    assert form.status_code == 404
    for path in (
        f"/api/v1/media/{media_id}",
        f"/api/v1/media/{media_id}/content",
        f"/api/v1/actions/{action_id}/media",
    ):
        assert client.get(path).status_code == 404
    assert counts(settings) == before
    assert [name for name in upload_files(settings) if name.endswith(".part")] == []


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("empty", lambda clip: b""),
        ("random", lambda clip: bytes(range(256)) * 64),
        ("text", lambda clip: "这不是视频，只是一段文字。\n".encode() * 50),
        ("truncated video", lambda clip: truncated(clip, 0.7)),
        ("truncated photo", lambda clip: truncated(make_jpeg(), 0.5)),
        ("playlist", lambda clip: b"#EXTM3U\n#EXTINF:10,\nhttp://127.0.0.1:9/x.ts\n"),
    ],
)
def test_not_media_is_refused_with_a_message_and_leaves_nothing(
    officer: TestClient, settings: Settings, clip: bytes, name: str, make
) -> None:
    action_id = open_action(settings)
    before = counts(settings)
    data = make(clip)
    if data:
        response = tus_upload(officer, data, action_id, filename="bad.mp4", pieces=2)
    else:
        response = officer.post(
            "/api/v1/uploads/",
            headers=tus_headers(
                **{
                    "Upload-Length": "0",
                    "Upload-Metadata": metadata_header(action=str(action_id), filename="e.mp4"),
                }
            ),
        )
    assert response.status_code == 422, (name, response.text)
    message = response.json()["detail"]
    assert any(word in message for word in ("为空", "不是可识别", "不完整", "损坏")), message
    form = officer.post(
        f"/api/v1/actions/{action_id}/media", files={"file": ("bad.mp4", data, "video/mp4")}
    )
    assert form.status_code == 422, form.text
    assert counts(settings) == before
    assert upload_files(settings) == []


def test_concurrent_uploads_of_the_same_content(
    settings: Settings, clip: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two uploads of one file finishing together: both records, one blob (on PostgreSQL
    both may see the blob unregistered; the loser of the insert tries again)."""
    import contextlib
    import threading

    from zhifa.blobs import open_store
    from zhifa.core.db import make_engine, make_session_factory
    from zhifa.recording.media import ingest as ingest_module
    from zhifa.recording.media.models import UploadChannel

    action_id = open_action(settings)
    register, record = ingest_module._register, ingest_module._record
    postgres = settings.resolved_database_url.startswith("postgresql")
    barrier = threading.Barrier(2, timeout=10)
    attempts: list[str] = []

    def slow_register(db, info, who):
        row = register(db, info, who)
        if postgres and row is not None and row.size == len(clip):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()  # both have looked before either inserts
        return row

    def counted_record(*args, **kwargs):
        attempts.append("try")
        return record(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "_record", counted_record)
    monkeypatch.setattr(ingest_module, "_register", slow_register)
    engine = make_engine(settings.resolved_database_url)
    factory = make_session_factory(engine, actor_key=settings.ledger_actor_key())
    store = open_store(settings.resolved_blob_url, create=True)
    with session_for(settings) as db:
        from tests.recording.media.conftest import principal

        who = principal(db, OWNER)
    results: list[object] = []

    def run(name: str) -> None:
        path = tmp_path / name
        path.write_bytes(clip)
        received = ingest_module.Received(
            path=path,
            digest=f"sha256:{sha256_hex(clip)}",
            size=len(clip),
            filename=name,
            action_id=action_id,
            channel=UploadChannel.form,
        )
        try:
            results.append(ingest_module.ingest(factory, store, who, received, 10**9))
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=run, args=(f"{n}.mp4",)) for n in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    engine.dispose()
    assert all(isinstance(r, Media) for r in results), results
    assert results[0].digest == results[1].digest and results[0].id != results[1].id
    media, blobs, stored = counts(settings)
    assert (media, blobs, stored) == (2, 2, 2)
    # On PostgreSQL one insert lost and was tried again; SQLite serialises writers.
    assert len(attempts) == (3 if postgres else 2)


@pytest.mark.timeout(120)
def test_a_tus_upload_into_a_locking_folder_store_is_locked_not_stuck(
    settings: Settings, clip: bytes
) -> None:
    """A folder store with a default lock period adopts a finished tus upload by a hard
    link while the upload still holds its flock; setting the lock used to flock the same
    inode and wait for ever. The lock now takes its own lock folder's flock."""
    from zhifa.core.blobstore import open_blob_store
    from zhifa.web.app import create_app

    blobs = (settings.data_dir / "blobs").resolve()
    locking = settings.model_copy(update={"blob_url": f"file://{blobs}?retention_days=1"})
    action_id = open_action(settings)
    with TestClient(create_app(locking), follow_redirects=False) as client:
        client.headers["Authorization"] = f"Bearer {api_token(settings, OWNER)}"
        client.params = {"purpose": "办案需要"}
        done = tus_upload(client, clip, action_id)
    assert done.status_code == 204, done.text
    digest = f"sha256:{sha256_hex(clip)}"
    assert open_blob_store(locking).retained_until(digest) is not None

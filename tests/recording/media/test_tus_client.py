"""The official Python tus client (tuspy) against a real server process: uploads in many
PATCHes with checksums, resuming after a dropped connection and after the server was
killed and started again on the same data directory."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import httpx
import pytest
from tusclient.client import TusClient
from tusclient.exceptions import TusCommunicationError

from tests.conftest import DEMO_PASSWORD, csrf_of
from tests.recording.media.conftest import (
    OWNER,
    ServerProcess,
    api_token,
    metadata_header,
    open_action,
    sha256_hex,
    upload_files,
)
from tests.recording.media.files import make_large_video, make_video

CHUNK = 8 * 1024


@pytest.fixture
def video(tmp_path: Path) -> Path:
    # Larger than a few chunks: 4 s of 320×240 with changing pictures.
    return make_video(tmp_path / "DSJ_20260501_160000.mp4", seconds=4, size=(320, 240))


def client_for(server: ServerProcess, token: str) -> TusClient:
    return TusClient(f"{server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {token}"})


def offset_of(http: httpx.Client, url: str, token: str) -> int:
    auth = {"Authorization": f"Bearer {token}"}
    response = http.head(url, headers={"Tus-Resumable": "1.0.0", **auth})
    assert response.status_code == 200, response.status_code
    return int(response.headers["Upload-Offset"])


def record_of(http: httpx.Client, server: ServerProcess, url: str, token: str) -> dict:
    auth = {"Authorization": f"Bearer {token}"}
    response = http.head(url, headers={"Tus-Resumable": "1.0.0", **auth})
    media_id = response.headers["Zhifa-Media-Id"]
    url = f"{server.url}/api/v1/media/{media_id}"
    return http.get(url, headers=auth, params={"purpose": "办案需要"}).json()


def test_tuspy_uploads_in_many_patches_with_checksums(
    media_server: ServerProcess, http: httpx.Client, video: Path
) -> None:
    token = api_token(media_server.settings, OWNER)
    action_id = open_action(media_server.settings)
    uploader = client_for(media_server, token).uploader(
        str(video),
        chunk_size=CHUNK,
        metadata={"action": str(action_id), "filename": video.name, "device": "DOCK-1"},
        upload_checksum=True,
    )
    uploader.upload()
    assert video.stat().st_size > 5 * CHUNK  # so several PATCHes
    media = record_of(http, media_server, uploader.url, token)
    assert media["digest"] == f"sha256:{sha256_hex(video.read_bytes())}"
    assert media["kind"] == "video" and (media["width"], media["height"]) == (320, 240)
    content = http.get(
        f"{media_server.url}{media['content_url']}",
        headers={"Authorization": f"Bearer {token}"},
        params={"purpose": "办案需要"},
    )
    assert content.content == video.read_bytes()


def test_resume_after_a_dropped_connection(
    media_server: ServerProcess, http: httpx.Client, video: Path
) -> None:
    token = api_token(media_server.settings, OWNER)
    action_id = open_action(media_server.settings)
    data = video.read_bytes()
    metadata = {"action": str(action_id), "filename": video.name}
    uploader = client_for(media_server, token).uploader(
        str(video), chunk_size=CHUNK, metadata=metadata
    )
    uploader.upload(stop_at=2 * CHUNK)
    assert offset_of(http, uploader.url, token) == 2 * CHUNK

    # A PATCH that promises the rest but whose connection drops half-way.
    path = uploader.url.removeprefix(media_server.url)
    rest = data[2 * CHUNK :]
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {2 * CHUNK}\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(rest)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", media_server.port)) as sock:
        sock.sendall(head.encode() + rest[: len(rest) // 2])
        time.sleep(0.3)
    # What arrived is kept (no checksum was promised), and the client resumes from there.
    deadline = time.monotonic() + 10
    while (offset := offset_of(http, uploader.url, token)) == 2 * CHUNK:
        assert time.monotonic() < deadline, "the server never committed the received part"
        time.sleep(0.1)
    assert 2 * CHUNK < offset <= 2 * CHUNK + len(rest) // 2

    resumed = client_for(media_server, token).uploader(
        str(video), url=uploader.url, chunk_size=CHUNK, metadata=metadata
    )
    assert resumed.offset == offset
    resumed.upload()
    media = record_of(http, media_server, uploader.url, token)
    assert media["digest"] == f"sha256:{sha256_hex(data)}" and media["size"] == len(data)


def test_resume_after_the_server_was_killed_and_restarted(
    media_server: ServerProcess, http: httpx.Client, video: Path
) -> None:
    token = api_token(media_server.settings, OWNER)
    action_id = open_action(media_server.settings)
    metadata = {"action": str(action_id), "filename": video.name}
    uploader = client_for(media_server, token).uploader(
        str(video), chunk_size=CHUNK, metadata=metadata, upload_checksum=True
    )
    uploader.upload(stop_at=3 * CHUNK)

    media_server.kill()  # SIGKILL: no shutdown, nothing flushed by the app
    with pytest.raises(TusCommunicationError):
        uploader.upload_chunk()
    media_server.start()

    resumed = client_for(media_server, token).uploader(
        str(video), url=uploader.url, chunk_size=CHUNK, metadata=metadata, upload_checksum=True
    )
    assert resumed.offset == 3 * CHUNK
    resumed.upload()
    media = record_of(http, media_server, uploader.url, token)
    assert media["digest"] == f"sha256:{sha256_hex(video.read_bytes())}"
    assert [n for n in upload_files(media_server.settings) if n.endswith(".part")] == []


def test_tuspy_is_told_when_a_file_is_too_large(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    token = api_token(media_server.settings, OWNER)
    action_id = open_action(media_server.settings)
    huge = tmp_path / "huge.mp4"
    with huge.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(media_server.settings.blob_max_bytes + 1)
    uploader = client_for(media_server, token).uploader(
        file_stream=huge.open("rb"),
        chunk_size=CHUNK,
        metadata={"action": str(action_id), "filename": "huge.mp4"},
    )
    with pytest.raises(TusCommunicationError) as raised:
        uploader.upload()
    assert raised.value.status_code == 413
    assert upload_files(media_server.settings) == []
    os.unlink(huge)


def test_a_slow_patch_holds_no_database_lock(
    media_server: ServerProcess, http: httpx.Client, video: Path
) -> None:
    """A browser session's PATCH that trickles in must not keep SQLite's write lock:
    other requests that write go on meanwhile."""
    action_id = open_action(media_server.settings)
    token = api_token(media_server.settings, OWNER)
    form = http.get(f"{media_server.url}/app/login")
    signed_in = http.post(
        f"{media_server.url}/app/login",
        data={"username": OWNER, "password": DEMO_PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert signed_in.status_code == 303
    csrf = csrf_of(http.get(f"{media_server.url}/app/password").text)
    cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
    data = video.read_bytes()
    created = http.post(
        f"{media_server.url}/api/v1/uploads/",
        headers={
            "Tus-Resumable": "1.0.0",
            "X-CSRF-Token": csrf,
            "Upload-Length": str(len(data)),
            "Upload-Metadata": metadata_header(action=str(action_id), filename=video.name),
        },
    )
    assert created.status_code == 201, created.text
    path = created.headers["Location"]
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        f"X-CSRF-Token: {csrf}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", media_server.port)) as sock:
        sock.sendall(head.encode() + data[:1000])
        time.sleep(0.5)  # the PATCH is now streaming, waiting for more
        with httpx.Client(timeout=5) as other:  # SQLite would make it wait 30 s
            started = time.monotonic()
            another = other.post(
                f"{media_server.url}/api/v1/uploads/",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Tus-Resumable": "1.0.0",
                    "Upload-Length": "100",
                    "Upload-Metadata": metadata_header(action=str(action_id), filename="b.mp4"),
                },
            )
            assert another.status_code == 201 and time.monotonic() - started < 3
        sock.sendall(data[1000:])
        reply = sock.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 204"), reply


def test_server_memory_stays_flat_for_a_large_upload(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    """128 MiB in 64 MiB PATCHes: the server's peak memory must not grow by anything
    like a PATCH body (the body is streamed to disk, never held whole)."""
    token = api_token(media_server.settings, OWNER)
    action_id = open_action(media_server.settings)
    client = client_for(media_server, token)
    metadata = {"action": str(action_id)}
    warm = make_video(tmp_path / "warm.mp4")  # loads PyAV and every code path first
    client.uploader(str(warm), metadata={**metadata, "filename": "warm.mp4"}).upload()
    large = make_large_video(tmp_path / "large.mp4", 128 * 1024 * 1024)
    before = peak_kib(media_server)
    uploader = client.uploader(
        str(large), chunk_size=64 * 1024 * 1024, metadata={**metadata, "filename": "large.mp4"}
    )
    uploader.upload()
    growth_mib = (peak_kib(media_server) - before) / 1024
    assert growth_mib < 40, f"server peak memory grew by {growth_mib:.0f} MiB"


def peak_kib(server: ServerProcess) -> int:
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])

"""Debian's Chromium against a real server: an officer uploads a photo through the upload
page (tus-js-client), states a purpose when the action's records are first opened, sees
the photo in the gallery and plays and seeks a body-camera clip in the page's player —
every content request going through the access layer and logged with its address."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD
from tests.recording.access.conftest import media_of, tus_put
from tests.recording.media.conftest import (
    OWNER,
    ServerProcess,
    api_token,
    open_action,
    record_activity,
    session_for,
)
from tests.recording.media.files import make_jpeg, make_large_video, make_video
from zhifa.core.models import AccessContext, AccessLog
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

PLAY_AND_SEEK = """async (id) => {
  const video = document.querySelector(`video[data-media-id="${id}"]`);
  video.muted = true;
  const once = (name) => new Promise((resolve, reject) => {
    video.addEventListener(name, resolve, {once: true});
    video.addEventListener('error', () => reject(String(video.error && video.error.message)),
                           {once: true});
  });
  if (video.readyState < 1) { await once('loadedmetadata'); }
  const seeked = once('seeked');
  video.currentTime = 1.5;
  await seeked;
  const afterSeek = {time: video.currentTime, ready: video.readyState};
  await video.play();
  const start = video.currentTime;
  await new Promise((resolve) => setTimeout(resolve, 700));
  video.pause();
  return {afterSeek, start, end: video.currentTime, duration: video.duration};
}"""


def test_upload_a_photo_with_tus_js_client_and_play_a_video(
    media_server: ServerProcess, tmp_path: Path
) -> None:
    settings = media_server.settings
    action_id = open_action(settings)
    activity_id = record_activity(settings, action_id)
    import httpx

    with httpx.Client(base_url=media_server.url, timeout=30) as http:
        http.headers["Authorization"] = f"Bearer {api_token(settings, OWNER)}"
        clip = make_video(tmp_path / "DSJ_0001.mp4", seconds=4, size=(320, 240))
        video_id = tus_put(http, clip.read_bytes(), action_id, clip.name, activity_id)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(make_jpeg(colour=(20, 160, 90)))

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        requests: list[tuple[str, str]] = []
        page.on(
            "request",
            lambda r: (
                requests.append((r.url, r.headers.get("range", ""))) if "/api/" in r.url else None
            ),
        )
        page.goto(f"{media_server.url}/app/login")
        page.fill("#username", OWNER)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{media_server.url}/app")

        # Upload through tus-js-client.
        page.goto(f"{media_server.url}/app/actions/{action_id}/media/upload")
        page.wait_for_selector("#tus-upload:not([hidden])")
        page.select_option("#tus-activity", str(activity_id))
        page.fill("#tus-device", "PHONE-9")
        page.set_input_files("#tus-files", str(photo))
        page.click("#tus-start")
        done = page.wait_for_selector("#tus-list li.done a", timeout=20_000)
        photo_id = int(done.inner_text().rsplit(" ", 1)[1])
        assert any("/api/v1/uploads/" in url for url, _ in requests)
        page.screenshot(path=str(ARTIFACTS / "media-upload.png"), full_page=True)

        # The action's records: a purpose first, then the gallery and the player.
        page.goto(f"{media_server.url}/app/actions/{action_id}/media")
        page.wait_for_url("**/app/access/purpose?**")
        page.check("input[name=purpose][value=review]")
        page.click('form[action="/app/access/purpose"] button[type=submit]')
        page.wait_for_url(f"{media_server.url}/app/actions/{action_id}/media")
        thumb = page.locator(f'.gallery img[src*="/media/{photo_id}/thumbnail"]')
        thumb.wait_for()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
        )
        result = page.evaluate(PLAY_AND_SEEK, video_id)
        page.screenshot(path=str(ARTIFACTS / "media-action.png"), full_page=True)
        browser.close()

    assert abs(result["afterSeek"]["time"] - 1.5) < 0.05 and result["afterSeek"]["ready"] >= 2
    assert result["end"] > result["start"]  # it played
    assert 3.9 <= result["duration"] <= 4.2
    content = [(url, r) for url, r in requests if f"/media/{video_id}/content" in url]
    assert content and all("purpose=review" in url for url, _ in content)
    assert any(r.startswith("bytes=") for _, r in content)

    uploaded = {m.id: m for m in media_of(settings, action_id)}[photo_id]
    assert uploaded.filename == "现场照片.jpg" and uploaded.channel == "tus"
    assert uploaded.activity_id == activity_id and uploaded.device_serial == "SN-PHOTO-7"
    assert uploaded.details.get("uploader_device") == "PHONE-9"
    with session_for(settings) as db:
        rows = db.execute(
            select(AccessLog, AccessContext)
            .join(AccessContext, AccessContext.access_id == AccessLog.id)
            .where(AccessLog.record_id == str(video_id), AccessLog.record_type == "media")
        ).all()
    assert len(rows) >= 1
    assert all(log.purpose == "案卷评查" and ctx.client == "127.0.0.1" for log, ctx in rows)


@pytest.fixture
def chunked_server(sqlite_settings: Settings) -> Iterator[ServerProcess]:
    """A server whose upload page sends 256 KiB per PATCH, so that a pause half-way
    always leaves part of the file still to send (one 8 MiB PATCH could already sit
    whole in the loopback socket's buffers when the page pauses)."""
    server = ServerProcess(sqlite_settings, ZHIFA_UPLOAD_CHUNK_BYTES=str(256 * 1024))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_pause_and_resume_an_upload_in_the_page(
    chunked_server: ServerProcess, tmp_path: Path
) -> None:
    """A large clip sent slowly (the browser's upload throttled) in chunks: paused
    half-way, the server keeps what arrived; resumed, tus-js-client continues from the
    server's offset and one record is made."""
    media_server = chunked_server
    settings = media_server.settings
    action_id = open_action(settings)
    clip = make_large_video(tmp_path / "DSJ_LONG.mp4", 1_500_000)
    size = clip.stat().st_size
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(locale="zh-CN")
        patches: list[str] = []
        page.on("request", lambda r: patches.append(r.method) if r.method == "PATCH" else None)
        page.goto(f"{media_server.url}/app/login")
        page.fill("#username", OWNER)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{media_server.url}/app")
        page.goto(f"{media_server.url}/app/actions/{action_id}/media/upload")
        page.wait_for_selector("#tus-upload:not([hidden])")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1,
             "uploadThroughput": 400 * 1024},
        )  # fmt: skip
        page.set_input_files("#tus-files", str(clip))
        page.click("#tus-start")
        page.wait_for_function(
            "() => { const p = document.querySelector('#tus-list progress');"
            " return p && p.value >= 20 && p.value < 80; }",
            timeout=20_000,
        )
        page.click("#tus-pause")
        assert "已暂停" in page.inner_text("#tus-list li .state")
        assert page.is_enabled("#tus-resume") and not page.is_enabled("#tus-pause")
        paused_at = page.evaluate("document.querySelector('#tus-list progress').value")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        page.click("#tus-resume")
        done = page.wait_for_selector("#tus-list li.done a", timeout=20_000)
        media_id = int(done.inner_text().rsplit(" ", 1)[1])
        browser.close()
    assert 20 <= paused_at < 80 and len(patches) >= 2
    records = media_of(settings, action_id)
    assert [(m.id, m.size, m.filename) for m in records] == [(media_id, size, "DSJ_LONG.mp4")]

"""Debian's Chromium plays an uploaded body-camera clip from the content endpoint and
seeks in it: the seek is served by an HTTP range request."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from tusclient.client import TusClient

from tests.conftest import DEMO_PASSWORD
from tests.recording.media.conftest import OWNER, ServerProcess, api_token, open_action, session_for
from tests.recording.media.files import make_video
from zhifa.core.models import AccessLog

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"

PLAY_AND_SEEK = """async (url) => {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  document.body.appendChild(video);
  const once = (name) => new Promise((resolve, reject) => {
    video.addEventListener(name, resolve, {once: true});
    video.addEventListener('error', () => reject(String(video.error && video.error.message)),
                           {once: true});
  });
  const loaded = once('loadedmetadata');
  video.src = url;
  await loaded;
  const seeked = once('seeked');
  video.currentTime = 2.5;
  await seeked;
  return {duration: video.duration, time: video.currentTime, width: video.videoWidth};
}"""


def test_chromium_plays_and_seeks(media_server: ServerProcess, tmp_path: Path) -> None:
    settings = media_server.settings
    token = api_token(settings, OWNER)
    action_id = open_action(settings)
    clip = make_video(tmp_path / "DSJ_0001.mp4", seconds=4, size=(320, 240))
    uploader = TusClient(
        f"{media_server.url}/api/v1/uploads/", headers={"Authorization": f"Bearer {token}"}
    ).uploader(str(clip), metadata={"action": str(action_id), "filename": clip.name})
    uploader.upload()
    head = httpx.head(
        uploader.url, headers={"Tus-Resumable": "1.0.0", "Authorization": f"Bearer {token}"}
    )
    media_id = head.headers["Zhifa-Media-Id"]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        page = browser.new_page(locale="zh-CN")
        ranges: list[str] = []
        page.on(
            "request",
            lambda request: (
                ranges.append(request.headers.get("range", ""))
                if "/content" in request.url
                else None
            ),
        )
        page.goto(f"{media_server.url}/app/login")
        page.fill("#username", OWNER)
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{media_server.url}/app")
        result = page.evaluate(PLAY_AND_SEEK, f"/api/v1/media/{media_id}/content?purpose=case")
        browser.close()
    assert 3.9 <= result["duration"] <= 4.2 and result["width"] == 320
    assert abs(result["time"] - 2.5) < 0.01
    assert any(value.startswith("bytes=") for value in ranges), ranges
    with session_for(settings) as db:
        reads = db.scalars(
            select(AccessLog).where(
                AccessLog.record_type == "media", AccessLog.record_id == media_id
            )
        ).all()
    assert len(reads) >= 1 and all(r.via == "api" for r in reads)

"""A real browser (Debian's Chromium through Playwright) against a real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import DEMO_PASSWORD
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(sqlite_settings: Settings) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "ZHIFA_SECRET_KEY": "b" * 40}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zhifa.cli",
            "serve",
            "--data-dir",
            str(sqlite_settings.data_dir),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("zhifa serve did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_login_and_parties_list_in_chromium(server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(f"{server}/app")
        assert page.url.startswith(f"{server}/app/login")
        page.fill("#username", "legal")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/app")
        page.click("text=行政相对人")
        page.wait_for_url(f"{server}/app/parties")
        assert page.locator("h1").inner_text() == "行政相对人"
        assert page.locator("tbody tr").count() == 20
        # The CJK font is installed and used: glyphs are drawn, not tofu boxes.
        assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '行政相对人')")
        heading_width = page.locator("h1").evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el);"
            " return r.getBoundingClientRect().width; }"
        )
        assert heading_width > 5 * 15  # five full-width glyphs at ~22px
        shot = ARTIFACTS / "parties-list.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        # A phone-sized screen still shows the list without horizontal page overflow.
        page.set_viewport_size({"width": 390, "height": 844})
        overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert overflow
        page.screenshot(path=str(ARTIFACTS / "parties-list-phone.png"))
        browser.close()

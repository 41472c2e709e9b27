"""A real browser (Debian's Chromium through Playwright) against a real server process."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_login_and_parties_list_in_chromium(live_server: str) -> None:
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
        page.goto(f"{live_server}/app")
        assert page.url.startswith(f"{live_server}/app/login")
        page.fill("#username", "legal")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/app")
        page.click("text=行政相对人")
        page.wait_for_url(f"{live_server}/app/parties")
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

"""Debian's Chromium driven by Playwright, as every browser test here uses it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.conftest import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
# This machine's network is closed: without these Chromium keeps trying to reach out.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@contextmanager
def chromium_page(viewport: dict[str, int] = DESK) -> Iterator[Page]:
    """A fresh headless Chromium with one Chinese-locale page; screenshots go to ARTIFACTS."""
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser.new_page(viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
        finally:
            browser.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/app/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/app")


def fits(page: Page) -> bool:
    """Nothing wider than the screen (no sideways scrolling)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def open_menu(page: Page) -> None:
    """On a phone the internal menu is folded behind 菜单: open it (a no-op on a desk)."""
    if page.is_visible(".menu-toggle"):
        page.click(".menu-toggle")

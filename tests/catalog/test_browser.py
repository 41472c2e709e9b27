"""The legal section in a real browser (Debian's Chromium through Playwright) against a
real server process, on a phone-sized screen: the law's page lists what cites it, the
change page shows the impact before saving, and saving records it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_marking_a_law_repealed_on_a_phone(live_server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page.goto(f"{live_server}/app/login")
        page.fill("#username", "legal")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/app")
        page.click("text=法律法规")
        page.wait_for_url(f"{live_server}/app/catalog/laws")
        assert _fits(page)
        page.click("text=《危险化学品安全管理条例》")
        assert page.locator("h1").inner_text().startswith("《危险化学品安全管理条例》")
        assert page.locator("text=引用该法规的事项（4）").is_visible()
        page.click("text=标记修改、废止或被替代")
        impact = page.locator("#impact")
        assert "这 4 项引用了该法规" in impact.inner_text()
        for code in ("CF-003", "XK-001", "SJ-001"):
            assert page.locator(f"code:text-is('{code}')").count() >= 1
        assert _fits(page)
        page.screenshot(path=str(ARTIFACTS / "catalog-law-change-phone.png"), full_page=True)
        page.select_option("#kind", "repealed")
        page.fill("#effective_on", "2012-01-01")  # before it was published: refused
        page.fill("#reason", "测试")
        page.click("main button[type=submit]")
        assert page.locator("[role=alert]").inner_text() == "废止日期不能早于公布日期"
        page.fill("#effective_on", "2025-06-01")
        page.click("main button[type=submit]")
        page.wait_for_url("**/app/catalog/laws/*?done=changed")
        assert "法规变更已保存" in page.locator("[role=status]").first.inner_text()
        assert page.locator(".badge", has_text="已废止").count() == 1
        assert page.locator("text=4 项").count() >= 1  # the recorded change and its items
        browser.close()

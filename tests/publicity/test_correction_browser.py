"""The correction-request journey in a real browser (Debian's Chromium through Playwright)
against a real server process: from a published decision's portal page to the form,
the anti-spam question (a wrong answer first: what was typed stays), a small PDF, the
receipt and the status page; the legal section proposes the correction, a second person
publishes it; the status page shows the outcome and the portal shows the dated note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import DEMO_PASSWORD
from tests.publicity.test_corrections import _NUMBERS, PDF, publish
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _published(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with (
        make_session_factory(engine)() as db,
        TestClient(create_app(settings), follow_redirects=False) as client,
    ):
        public_id = int(publish(client, db)["obligation_id"])
    engine.dispose()
    return public_id


def _signed_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/app/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/app")
    return page


def test_correction_request_journey_in_chromium(
    live_server: str, sqlite_settings: Settings, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    public_id = _published(sqlite_settings)
    evidence = tmp_path / "证明材料.pdf"
    evidence.write_bytes(PDF)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(f"{live_server}/p/{public_id}")
        page.click(f'a[href="/corrections/new?p={public_id}"]')
        page.wait_for_url(f"{live_server}/corrections/new?p={public_id}")
        assert page.locator("h1").inner_text() == "申请更正公示信息"
        page.get_by_label("姓名或单位名称（必填）").fill("王五")
        page.get_by_label("联系方式", exact=False).fill("13912345678")
        page.locator("#what_is_wrong").fill("处罚内容的表述有误 <b>请核实</b>")
        # A wrong answer: refused in Chinese beside the field, what was typed stays, and
        # the same question is asked again.
        page.fill("#answer", "99")
        page.click("button[type=submit]")
        assert "验证问题回答不正确" in page.locator("#answer-error").inner_text()
        assert page.locator("#name").input_value() == "王五"
        assert page.locator("#contact").input_value() == "13912345678"
        assert page.locator("#what_is_wrong").input_value() == "处罚内容的表述有误 <b>请核实</b>"
        page.set_input_files("#evidence", str(evidence))  # a browser never keeps a file
        question = page.locator('label[for="answer"]').inner_text()
        match = re.search(r"验证问题：(.+?)(加|减)(.+?)等于几", question)
        assert match, question
        a, b = _NUMBERS[match.group(1)], _NUMBERS[match.group(3)]
        page.fill("#answer", str(a + b if match.group(2) == "加" else a - b))
        page.screenshot(path=str(ARTIFACTS / "correction-form.png"), full_page=True)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/corrections/GZ-\d{4}-[0-9A-Z]{8}\?new=1$"))
        receipt = page.locator("#receipt").inner_text()
        assert page.locator("#correction-status").inner_text() == "已受理"
        for typed in ("139****5678", "13912345678", "王五", "请核实"):  # status words only
            assert typed not in page.content(), typed
        page.screenshot(path=str(ARTIFACTS / "correction-receipt.png"), full_page=True)

        legal = _signed_in(browser, live_server, "legal")
        legal.goto(f"{live_server}/app/publicity/corrections")
        legal.click(f"text={receipt}")
        legal.fill("#item_content", "罚款人民币贰万元整")
        legal.fill("#summary", "处罚内容表述更正")
        legal.click("text=拟定更正（待另一人批准发布）")
        legal.wait_for_selector("text=待另一名有发布权限的人员批准发布")
        correction_url = legal.url.split("?")[0]

        admin = _signed_in(browser, live_server, "admin")
        admin.goto(correction_url)
        admin.click("text=批准并发布更正")
        admin.get_by_role("button", name="确定发布更正").click()  # final: confirmed first
        admin.wait_for_selector("text=已发布更正后的新版本")

        page.goto(f"{live_server}/corrections/{receipt}")
        assert page.locator("#correction-status").inner_text() == "已更正"
        assert "处罚内容表述更正" in page.locator("#decision-reason").inner_text()
        page.screenshot(path=str(ARTIFACTS / "correction-status.png"), full_page=True)
        page.goto(f"{live_server}/p/{public_id}")
        assert "更正：处罚内容表述更正" in page.content()
        assert "罚款人民币贰万元整" in page.content()
        browser.close()

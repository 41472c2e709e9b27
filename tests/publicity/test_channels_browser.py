"""Chromium against a real server process: the legal section finds the deliveries through
the navigation, opens a publication and its WeChat article and copies its HTML with the button
(the clipboard then holds exactly the article's source)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from tests.conftest import DEMO_PASSWORD
from tests.publicity.test_outbox import Instance, configured, publish_one
from tests.web.test_browser import ARTIFACTS, CHROMIUM
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

pytestmark = pytest.mark.browser


def _published(settings: Settings) -> int:
    conf = configured(settings, {})
    engine = make_engine(conf.resolved_database_url)
    reader = make_engine(conf.resolved_database_url, write_transactions=False)
    try:
        with (
            TestClient(create_app(conf), follow_redirects=False) as client,
            make_session_factory(reader)() as db,
        ):
            factory = make_session_factory(engine, actor_key=conf.ledger_actor_key())
            return publish_one(Instance(client, factory, conf), db)
    finally:
        engine.dispose()
        reader.dispose()


def test_copy_the_wechat_article(live_server: str, sqlite_settings: Settings) -> None:
    pub_id = _published(sqlite_settings)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
        page = context.new_page()
        page.goto(f"{live_server}/app/login")
        page.fill("#username", "legal")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/app")
        page.click("text=渠道投递")
        page.wait_for_url(f"{live_server}/app/publicity/deliveries")
        assert page.locator("h1").inner_text() == "渠道投递记录"
        assert page.locator("tbody tr").count() >= 2  # portal and 信用中国, delivered inline
        # the publication, from its delivery (named in words), then its WeChat article
        page.click(f"a[href='/app/publicity/publications/{pub_id}'] >> nth=0")
        page.wait_for_url(f"{live_server}/app/publicity/publications/{pub_id}")
        page.click(f"a[href='/app/publicity/publications/{pub_id}/wechat']")
        page.wait_for_url(f"{live_server}/app/publicity/publications/{pub_id}/wechat")
        source = page.locator("#wechat-html").input_value()
        assert source.startswith("<section") and "行政处罚决定书文号" in source
        page.click("button[data-copy='wechat-html']")
        page.locator("#copy-status", has_text="已复制").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == source
        # the preview renders the article, its table included
        assert page.locator(".wechat-preview table tr").count() >= 5
        page.screenshot(path=str(ARTIFACTS / "wechat-article.png"), full_page=True)
        browser.close()

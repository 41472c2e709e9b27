"""The portal in Chromium, served by `zhifa serve --portal-only` as its own process: the
keyboard reaches the skip link first, a search for 罚款 finds the publication, its page
shows the items and fits a phone screen; internal paths do not exist there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS, DESK, chromium_page, fits
from tests.conftest import zhifa_server
from tests.portal.helpers import deliver, message, snapshot
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_server(sqlite_settings: Settings) -> Iterator[str]:
    engine = make_engine(sqlite_settings.resolved_database_url)
    db = make_session_factory(engine, actor_key=sqlite_settings.ledger_actor_key())()
    snap = snapshot(
        "penalty",
        party_name="上海某某化工有限公司",
        doc_number="（普）应急罚〔2026〕12号",
        violation_type="未按照规定对从业人员进行安全生产教育和培训",
        content="处以罚款人民币二万元",
        decided_on="2026-03-02",
        authority="上海市普陀区应急管理局",
    )
    deliver(db, message(920_001, snap))
    db.close()
    engine.dispose()
    with zhifa_server(sqlite_settings.data_dir, "--portal-only") as url:
        yield url


def test_search_and_detail_by_keyboard_in_chromium(portal_server: str) -> None:
    with chromium_page(DESK) as page:
        page.goto(f"{portal_server}/")
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("el => el === document.activeElement")
        box = skip.bounding_box()
        assert box is not None and box["x"] >= 0  # visible when focused
        assert "工作人员登录" not in page.content()

        page.fill("#q", "罚款")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{portal_server}/search?q=*")
        assert "找到 1 条结果" in page.locator("main").inner_text()
        page.click("text=上海某某化工有限公司")
        page.wait_for_url(f"{portal_server}/p/920001")
        body = page.locator("main").inner_text()
        assert "处以罚款人民币二万元" in body and "（普）应急罚〔2026〕12号" in body
        page.screenshot(path=str(ARTIFACTS / "portal-detail.png"), full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-detail-phone.png"), full_page=True)

        missing = page.goto(f"{portal_server}/app")
        assert missing is not None and missing.status == 404
        assert "页面不存在" in page.locator("main").inner_text()

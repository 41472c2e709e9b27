"""The legal section in a real browser (Debian's Chromium through Playwright) against a
real server process, on a phone-sized screen: the law's page lists what cites it, the
change page shows the impact before saving, and saving records it."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, open_menu, sign_in

pytestmark = pytest.mark.browser


def test_marking_a_law_repealed_on_a_phone(live_server: str) -> None:
    with chromium_page(PHONE) as page:
        sign_in(page, live_server, "legal")
        open_menu(page)
        page.click("text=法律法规")
        page.wait_for_url(f"{live_server}/app/catalog/laws")
        assert fits(page)
        page.click("text=《危险化学品安全管理条例》")
        assert page.locator("h1").inner_text().startswith("《危险化学品安全管理条例》")
        assert page.locator("text=引用该法规的事项（4）").is_visible()
        page.click("text=标记修改、废止或被替代")
        impact = page.locator("#impact")
        assert "这 4 项引用了该法规" in impact.inner_text()
        for code in ("CF-003", "XK-001", "SJ-001"):
            assert page.locator(f"code:text-is('{code}')").count() >= 1
        assert fits(page)
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

"""The legal section in a real browser (Debian's Chromium through Playwright) on a
phone-sized screen: after a law is marked repealed, its page lists the update obligations
with their due days; one is closed as "已核对，无需修改" and the deadline board shows it done."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, sign_in

pytestmark = pytest.mark.browser


def test_obligations_after_a_repeal_and_one_checked_on_a_phone(live_server: str) -> None:
    with chromium_page(PHONE) as page:
        sign_in(page, live_server, "legal")
        page.goto(f"{live_server}/app/catalog/laws")
        page.click("text=《危险化学品安全管理条例》")
        page.click("text=标记修改、废止或被替代")
        page.select_option("#kind", "repealed")
        page.fill("#effective_on", "2026-09-24")
        page.fill("#reason", "测试废止")
        page.click("main button[type=submit]")
        page.wait_for_url("**/app/catalog/laws/*?done=changed")
        table = page.locator("table.updates")
        assert page.locator("#updates").inner_text().endswith("（4 项）")
        # Thu 24 Sep 2026 + 20 working days over 中秋 and 国庆 (counted in the API test)
        assert table.locator("td.due", has_text="2026年10月29日").count() == 4
        assert fits(page)
        page.screenshot(
            path=str(ARTIFACTS / "catalog-update-obligations-phone.png"), full_page=True
        )

        table.locator("tbody tr a").first.click()
        page.wait_for_url("**/app/catalog/updates/*")
        page.fill("#reason", "已核对：该事项的其他依据仍然有效，内容无需修改")
        page.click("main form button[type=submit]")
        page.get_by_role("button", name="确定记录").click()  # it is final: confirmed first
        page.wait_for_url("**/app/catalog/updates/*?done=unchanged")
        assert page.locator("[role=status]").inner_text() == "已记录：已核对，无需修改。"
        assert fits(page)

        page.goto(f"{live_server}/app/publicity?task=catalogue_update&state=全部")
        rows = page.locator('tr[data-kind="catalogue_update"]')
        assert rows.count() == 4
        assert rows.locator(".badge", has_text="已完成").count() == 1

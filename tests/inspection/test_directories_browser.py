"""The two directories in a real browser (Debian's Chromium through Playwright) against a
real server process, on a phone (390×844) and a desk (1440×900): the menu leads to them,
filters work, a wrong industry code is refused beside its field, a revision shows in the
history, the inspectors' page says who may be drawn and why not. Nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, open_menu, sign_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "desk")])
def test_directories_walk(live_server: str, viewport: dict[str, int], name: str) -> None:
    with chromium_page(viewport) as page:
        sign_in(page, live_server, "supervision")
        open_menu(page)
        page.click("text=检查对象名录库")
        page.wait_for_url(f"{live_server}/app/inspection/subjects")
        assert page.locator("tbody tr").count() == 12 and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-subjects-{name}.png"), full_page=True)
        page.select_option("select[name=street]", "桃浦镇")
        page.click("form[role=search] button[type=submit]")
        page.wait_for_url("**street=**")
        shown = page.locator("tbody tr").count()
        assert 0 < shown < 12
        page.locator("tbody tr a").first.click()
        page.wait_for_url("**/app/inspection/subjects/*")
        page.locator("main a.button", has_text="修改").click()
        page.wait_for_url("**/edit")
        page.fill("#industry_code", "C51")
        page.fill("#reason", "年度复核")
        page.click("main button[type=submit]")
        alert = page.locator("[role=alert]").inner_text()
        assert "大类 51 不属于门类 C" in alert and "属于门类 F" in alert
        assert page.get_attribute("#industry_code", "aria-invalid") == "true"
        page.fill("#industry_code", "C3360")
        page.select_option("#risk_grade", "A")
        page.click("main button[type=submit]")
        page.wait_for_url("**done=revised")
        assert page.locator("text=第 2 版").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-subject-{name}.png"), full_page=True)

        page.goto(f"{live_server}/app/inspection/inspectors?start=2026-12-14&end=2026-12-31")
        assert "可抽取" in page.locator("main").inner_text()
        assert page.locator("text=培训 2026年12月14日至2026年12月18日，与期间重叠").is_visible()
        assert page.locator("text=配偶在该单位任安全管理人员").is_visible()
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-inspectors-{name}.png"), full_page=True)
        page.goto(f"{live_server}/app/inspection/subjects/import")
        assert page.locator("text=XLSX 模板").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-import-{name}.png"), full_page=True)

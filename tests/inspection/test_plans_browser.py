"""The 年度监督检查计划 in a real browser (Chromium through Playwright) against a real server,
on a phone (390×844) and a desk (1440×900): the menu leads to the plans, the demo's
approved plan shows its batches and a batch its strata over the directory; 安全生产监督
管理科 drafts a plan and a batch (a ratio above 1 refused beside its field), and a leader
approves it through the confirm dialog, after which it cannot be changed. Nothing scrolls
sideways."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, open_menu, sign_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "desk")])
def test_plans_walk(live_server: str, viewport: dict[str, int], name: str) -> None:
    with chromium_page(viewport) as page:
        sign_in(page, live_server, "supervision")
        open_menu(page)
        page.click("text=年度监督检查计划")
        page.wait_for_url(f"{live_server}/app/inspection/plans")
        assert page.locator("text=已批准（已冻结）").first.is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-plans-{name}.png"), full_page=True)
        page.click("text=2026年度安全生产“双随机、一公开”监督检查计划")
        page.wait_for_url("**/app/inspection/plans/*")
        assert page.locator("text=区市场监督管理局").is_visible()
        assert page.locator("text=添加批次").count() == 0 and fits(page)  # frozen
        page.screenshot(path=str(ARTIFACTS / f"inspection-plan-{name}.png"), full_page=True)
        page.click("text=第一批")
        page.wait_for_url("**/batches/1")
        assert page.locator("text=重点（A级）").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-batch-{name}.png"), full_page=True)

        page.goto(f"{live_server}/app/inspection/plans/new")
        page.fill("#year", "2026")
        page.fill("#title", f"专项检查计划（{name}）")
        page.select_option("#unit_id", label="执法大队")
        page.click("main button[type=submit]")
        page.wait_for_url("**done=created")
        plan_url = page.url.split("?")[0]
        page.click("text=添加批次")
        page.fill("#name", "第一批")
        page.select_option("#item_id", index=1)
        page.fill("#basis", "《安全生产法》第六十五条")
        page.fill("#starts_on", "2026-12-14")
        page.fill("#ends_on", "2026-12-31")
        page.fill("#share_B", "1.5")
        page.fill("#partners", "区市场监督管理局，王芳，31010720001")
        page.fill("#lead_department", "区应急管理局")
        page.click("main button[type=submit]")
        assert "“B级”：抽取比例不得大于 1" in page.locator("[role=alert]").inner_text()
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-batch-form-{name}.png"), full_page=True)
        page.fill("#share_B", "0.2")
        page.click("main button[type=submit]")
        page.wait_for_url("**done=batch")

        sign_in(page, live_server, "leader")
        page.goto(plan_url)
        page.click("text=批准计划")
        dialog = page.locator("#confirm-dialog")
        assert dialog.locator("text=批准后计划冻结").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"inspection-approve-{name}.png"), full_page=True)
        dialog.locator("button[value=ok]").click()
        page.wait_for_url("**done=approved")
        assert page.locator("text=已批准（已冻结）").is_visible() and fits(page)
        assert page.locator("text=批准计划").count() == 0

"""Chromium against a real server, on a phone and at a desk: 张伟 opens a case with only
himself named (the form warns him as he ticks), picks the 执法事项 of the procedure he
chose and finds the party by typing, sees the warning on the case page, adds 陈静 as a
colleague and records the first on-site step (the activity and his 亮证)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, sign_in
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.enforcement.models import PartyVersion, PowerItem

pytestmark = pytest.mark.browser


def _facts(settings: Settings) -> tuple[str, set[str]]:
    """An enterprise's name, and the ids of the 行政检查 执法事项."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_session_factory(engine)() as db:
            name = db.scalar(
                select(PartyVersion.name)
                .where(PartyVersion.uscc.is_not(None))
                .order_by(PartyVersion.id)
            )
            items = db.scalars(select(PowerItem.id).where(PowerItem.kind == "inspection"))
            assert name is not None
            return name, {str(i) for i in items}
    finally:
        engine.dispose()


def _walk(page: Page, base: str, width: str, party: str, inspection_items: set[str]) -> None:
    sign_in(page, base, "zhangwei")
    page.goto(f"{base}/app/actions/new")
    warning = page.locator("#officer-warning")
    expect(warning).to_be_visible()  # only he is named
    page.select_option("#procedure", "inspection.on_site")
    options = page.locator("#power_item_id option")
    expect(options.first).to_have_attribute("value", re.compile("|".join(inspection_items)))
    assert set(options.evaluate_all("os => os.map(o => o.value)")) == inspection_items
    page.fill("#party_q", party[2:6])
    choice = page.locator("#party-choices input[name=party_id]").first
    expect(choice).to_be_visible()
    assert party in page.locator("#party-choices").inner_text()
    choice.check()
    page.fill("#title", "节前安全生产检查")
    # Ticking a colleague hides the warning; unticking shows it again.
    colleague_box = page.locator("#officer-checks label", has_text="陈静").locator("input")
    colleague_box.check()
    expect(warning).to_be_hidden()
    colleague_box.uncheck()
    expect(warning).to_be_visible()
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"deadends-open-{width}.png"), full_page=True)

    # Refused (the lead must be one of the officers): the form again, as typed, with the
    # message beside the field.
    page.select_option("#lead_officer_id", label="陈静")
    page.click("button[name=open]")
    expect(page.locator("#lead_officer_id-error")).to_contain_text("主办人员须是承办人员之一")
    expect(page.locator("#title")).to_have_value("节前安全生产检查")
    expect(page.locator("#party-choices input[name=party_id]:checked")).to_have_count(1)
    expect(page.locator("#procedure")).to_have_value("inspection.on_site")
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"deadends-refused-{width}.png"), full_page=True)
    page.select_option("#lead_officer_id", value="")
    page.click("button[name=open]")
    page.wait_for_url(re.compile(r".*/app/actions/\d+\?done=opened"))
    staffing = page.locator("#staffing-warning")
    expect(staffing).to_contain_text("请添加承办人员")
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"deadends-warned-{width}.png"), full_page=True)

    page.select_option("#add_officer_id", label="陈静")
    page.click("#officer-add button[type=submit]")
    page.wait_for_url(re.compile(r".*done=officer_added"))
    expect(page.locator("#staffing-warning")).to_have_count(0)
    expect(page.locator("dl.fields")).to_contain_text("陈静")

    page.click("text=开始记录")
    page.wait_for_url(re.compile(r".*/app/activities/\d+\?done=activity"))
    first = page.locator("form[action$='/shown']").first
    first.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*done=shown"))
    expect(page.locator(".badge.ok", has_text="已亮证")).to_have_count(1)
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"deadends-on-site-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", ["phone", "desk"])
def test_open_alone_add_a_colleague_and_go_on_site(
    live_server: str, sqlite_settings: Settings, width: str
) -> None:
    party, inspection_items = _facts(sqlite_settings)
    with chromium_page(PHONE if width == "phone" else DESK) as page:
        _walk(page, live_server, width, party, inspection_items)

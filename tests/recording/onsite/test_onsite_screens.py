"""How the internal menu and the on-site screens look in Chromium: the menu folds behind
菜单 on a phone and stays open on a desk; the on-site screens and the legal section's
scripts page at desk width; big touch targets on the phone. Screenshots in
test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, sign_in
from tests.recording.onsite.journey import OFFICER, open_inspection
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser


def test_menu_folds_behind_a_button_on_phones(live_server: str) -> None:
    with chromium_page(PHONE) as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, live_server, OFFICER)
        page.goto(f"{live_server}/app/actions")
        assert page.is_hidden("nav.chapters") and page.is_visible(".menu-toggle")
        title = page.locator("h1").bounding_box()
        assert title is not None and title["y"] < 200  # the page starts near the top
        page.screenshot(path=str(ARTIFACTS / "menu-folded-phone.png"))
        page.click(".menu-toggle")
        assert page.is_visible("nav.chapters a[href='/app/actions']")
        assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
        link = page.locator("nav.chapters a[href='/app/actions']").bounding_box()
        assert link is not None and link["height"] >= 44
        page.screenshot(path=str(ARTIFACTS / "menu-open-phone.png"), full_page=True)
        assert fits(page) and errors == []
    with chromium_page(DESK) as page:
        sign_in(page, live_server, OFFICER)
        assert page.is_visible("nav.chapters") and page.is_hidden(".menu-toggle")


def test_onsite_screens_at_desk_width_and_touch_targets(
    live_server: str, sqlite_settings: Settings
) -> None:
    action_id = open_inspection(sqlite_settings, "危险化学品仓库现场检查")
    with chromium_page(DESK) as page:
        sign_in(page, live_server, OFFICER)
        page.goto(f"{live_server}/app/actions/{action_id}/onsite")
        page.screenshot(path=str(ARTIFACTS / "onsite-1-certificate-desk.png"), full_page=True)
        page.click("#onsite-shown")
        page.wait_for_selector("#matter-reason")
        page.click("#matter-reason")
        page.wait_for_selector("#matter-reason.on")
        page.screenshot(path=str(ARTIFACTS / "onsite-2-matters-desk.png"), full_page=True)
    with chromium_page(PHONE) as page:
        sign_in(page, live_server, OFFICER)
        page.goto(f"{live_server}/app/actions/{action_id}/onsite")  # resumes at 告知
        page.wait_for_selector("#matter-basis")
        for target in page.locator(".onsite button").all():
            box = target.bounding_box()
            assert box is not None and box["height"] >= 44, target.inner_text()
        assert fits(page)
        page.context.set_offline(True)  # the connection drops on site
        page.click("#matter-basis")
        page.wait_for_selector("#onsite-offline:not([hidden])")
        page.screenshot(path=str(ARTIFACTS / "onsite-offline-phone.png"))
        page.context.set_offline(False)
        page.reload()  # what was saved is kept: 执法事由 told, 执法依据 not yet
        assert page.is_visible("#matter-reason.on") and page.is_visible("#matter-basis:not(.on)")
        page.click("#matter-basis")
        page.wait_for_selector("#matter-basis.on")
    with chromium_page(DESK) as page:
        sign_in(page, live_server, "legal")
        page.goto(f"{live_server}/app/onsite-scripts")
        page.screenshot(path=str(ARTIFACTS / "onsite-scripts-desk.png"), full_page=True)
        assert page.locator("textarea").count() >= 9

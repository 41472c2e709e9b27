"""The same on-site journey measured in Chromium at phone width, the classic pages against
the on-site mode: from the case list to the issued 现场检查记录 — 亮证 of both officers,
告知 of the matters, 告知开始录像, the party's signature, a photo, the document.

Figures measured on the demo (issue 13 point 2), kept in test-artifacts/onsite-journey.json:
  classic pages (before): 28 taps, 17 full page loads (the shortest path, known in advance;
  29 taps since 签发 is confirmed in a dialog)
  on-site mode (after):   15 taps, 2 full page loads (the case, the on-site screen), none
                          inside the activity
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, PHONE, chromium_page, sign_in
from tests.recording.media.files import make_jpeg
from tests.recording.onsite.journey import (
    OFFICER,
    Journey,
    now_tag,
    open_inspection,
    record_figures,
)
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "现场照片.jpg"
    path.write_bytes(make_jpeg())
    return path


def test_classic_pages_journey(live_server: str, sqlite_settings: Settings, tmp_path: Path) -> None:
    """Before: each duty is its own form on its own page, each answer a full page load."""
    title = f"现场检查（经典页面）{now_tag()}"
    action_id = open_inspection(sqlite_settings, title)
    with chromium_page(PHONE) as page:
        sign_in(page, live_server, OFFICER)
        page.goto(f"{live_server}/app/actions")
        walk = Journey(page)
        walk.start()
        walk.tap(f"a[href='/app/actions/{action_id}']")
        page.wait_for_url(f"**/app/actions/{action_id}")
        walk.type("#party_present", "仓库主管")
        walk.tap("form[action$='/activities'] button[type=submit]")
        page.wait_for_url("**/app/activities/*")
        activity_url = page.url.split("?")[0]
        for _ in range(2):  # 亮证: one form per officer
            walk.tap("form[action$='/shown'] button[type=submit]")
            page.wait_for_load_state()
        for box in page.locator("input[name=matters]").all():  # 告知: each small checkbox
            walk.taps += 1
            box.check()
        walk.tap("form[action$='/matters'] button[type=submit]")
        page.wait_for_load_state()
        walk.draw_signature("#signature-pad")
        walk.tap("#ack-form button[type=submit]")
        page.wait_for_load_state()
        assert "已记录当事人确认" in page.content()
        # 告知开始录像 is on another page: back to the case, then its recording card.
        walk.tap(f"a[href='/app/actions/{action_id}']")
        page.wait_for_url(f"**/app/actions/{action_id}*")
        walk.tap("a[href$='/recording']:has-text('现场活动1')")
        page.wait_for_url("**/recording")
        walk.tap("form[action$='/recording/notice'] button[type=submit]")
        page.wait_for_url("**/recording?done=notice")
        # The photo: the case page, its upload page, the tus form.
        walk.tap(f"main a[href='/app/actions/{action_id}']")
        page.wait_for_url(f"**/app/actions/{action_id}*")
        walk.tap(f"a[href='/app/actions/{action_id}/media/upload']")
        page.wait_for_url("**/media/upload")
        walk.taps += 1
        page.select_option("#tus-activity", index=1)
        walk.choose_file("#tus-files", _photo(tmp_path))
        walk.tap("#tus-start")
        page.wait_for_selector("#tus-list li.done", timeout=30_000)
        # The document: the case page, the documents page, a draft, its form, the issue.
        walk.tap(f"a[href='/app/actions/{action_id}']")
        page.wait_for_url(f"**/app/actions/{action_id}*")
        walk.tap(f"a[href='/app/actions/{action_id}/documents']")
        page.wait_for_url("**/documents")
        walk.tap("form[action$='/documents'] button[type=submit]")
        page.wait_for_url("**/edit?done=created")
        walk.type("#f_ended_at", page.input_value("#f_started_at"))
        walk.type("#f_checked", "检查了危险化学品储存间和安全管理制度。")
        walk.tap("button[value=edit]")
        page.wait_for_url("**/edit?done=saved")
        walk.tap("p.muted a[href*='/documents/']")
        page.wait_for_load_state()
        walk.tap("form[action$='/issue'] button[type=submit]")
        walk.tap("#confirm-dialog button[value=ok]")  # 签发 is confirmed (issue 13 point 4)
        page.wait_for_url("**?done=issued")
        figures = walk.stop()
        page.screenshot(path=str(ARTIFACTS / "onsite-before-issued-phone.png"), full_page=True)
        assert page.locator("text=已签发").count() >= 1
        assert activity_url
    record_figures("classic pages (before)", figures)
    assert figures["loads"] >= 10  # each answer of each form reloads the page


def _screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"onsite-{name}.png"), full_page=True)


def test_onsite_mode_journey(live_server: str, sqlite_settings: Settings, tmp_path: Path) -> None:
    """After: one screen, every answer swapped in by htmx; within the aim of issue 13
    (≤ 15 taps from the case list to the issued document, no page load inside the activity)."""
    title = f"现场检查（现场执法模式）{now_tag()}"
    action_id = open_inspection(sqlite_settings, title)
    with chromium_page(PHONE) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live_server, OFFICER)
        page.goto(f"{live_server}/app/actions")
        walk = Journey(page)
        walk.start()
        walk.tap(f"a[href='/app/actions/{action_id}']")
        page.wait_for_url(f"**/app/actions/{action_id}")
        walk.tap("#onsite-entry")
        page.wait_for_url("**/onsite")
        entry_loads = walk.loads
        _screenshot(page, "1-certificate-phone")
        walk.tap("#onsite-shown")
        page.wait_for_selector("#matter-reason")
        assert "/app/onsite/" in page.url  # the address follows the activity: a reload resumes
        _screenshot(page, "2-matters-phone")
        for matter in ("reason", "basis", "recusal", "cooperation"):
            walk.tap(f"#matter-{matter}")
            page.wait_for_selector(f"#matter-{matter}.on, #onsite-recording")
        _screenshot(page, "3-recording-phone")
        walk.tap("#onsite-recording")
        page.wait_for_selector("#signature-pad")
        told = "已告知执法事由、执法依据、申请回避权、配合执法义务"
        assert told in page.inner_text("#onsite-statement")
        walk.draw_signature("#signature-pad")
        _screenshot(page, "4-signature-phone")
        walk.tap("#onsite-sign")
        page.wait_for_selector("#tus-files", state="attached")
        walk.choose_file("#tus-files", _photo(tmp_path))
        page.wait_for_selector("#tus-list li.done", timeout=30_000)
        _screenshot(page, "5-media-phone")
        walk.tap("#onsite-media-done")
        page.wait_for_selector("#f_checked")
        walk.type("#f_checked", "检查了危险化学品储存间和安全管理制度。")
        _screenshot(page, "6-document-phone")
        walk.tap("#onsite-issue")
        page.wait_for_selector("#confirm-dialog[open]")
        assert "冻结" in page.inner_text("#confirm-dialog")
        _screenshot(page, "6b-confirm-phone")
        walk.tap("#confirm-dialog button[value=ok]")
        page.wait_for_selector("#onsite-pdf", timeout=30_000)
        _screenshot(page, "7-done-phone")
        figures = {**walk.stop(), "loads_inside_activity": walk.loads - entry_loads}
        assert errors == []
    record_figures("on-site mode (after)", figures)
    assert figures["taps"] <= 15
    assert figures["loads_inside_activity"] == 0

"""Irreversible acts are confirmed, in a real browser (Debian's Chromium) against a real
server process under its own content-security policy: 签发 of a document and 发布 of a
publication open the page's dialog showing what will be frozen or made public; 取消 (and
Esc) change nothing, 确定 does the act; after 发布 the notice links to the public page;
the console shows no error (a blocked inline handler would be one)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import ConsoleMessage, Page

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, sign_in
from tests.enforcement.test_actions import _as
from tests.publicity.test_flow import _decision, _obligation
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

pytestmark = pytest.mark.browser

FILING = {"source": "监督检查", "summary": "现场检查发现储罐区未登记建档"}


def _prepared(settings: Settings) -> dict[str, Any]:
    """A draft 立案审批表 (its officer's username) and a reviewed, unpublished penalty
    publication, made through the API."""
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with (
        make_session_factory(engine)() as db,
        TestClient(create_app(settings), follow_redirects=False) as client,
    ):
        action_id, document_id, lead = _decision(client, db)  # signed in as the lead
        officer = db.get(User, lead)
        assert officer is not None
        draft = client.post(
            f"/api/v1/actions/{action_id}/documents",
            json={"kind": "case_filing_approval", "fields": FILING},
        )
        assert draft.status_code == 201, draft.text
        ob = _obligation(client, document_id)
        _as(client, "legal")
        pub = client.post(
            f"/api/v1/publicity/obligations/{ob['id']}/draft", json={"severity": "general"}
        ).json()
        reviewed = client.post(f"/api/v1/publicity/publications/{pub['id']}/review", json={})
        assert reviewed.status_code == 200, reviewed.text
    engine.dispose()
    return {
        "officer": officer.username,
        "document": f"/app/actions/{action_id}/documents/{draft.json()['id']}",
        "publication": f"/app/publicity/publications/{pub['id']}",
        "public_id": ob["id"],
    }


def _errors_of(page: Page) -> list[str]:
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            errors.append(message.text)

    page.on("console", keep)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _dialog_opens(page: Page, button: str, heading: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert heading in dialog.locator("h2").inner_text()
    # The safe answer has the focus: Enter would change nothing.
    assert page.evaluate("document.activeElement.value") == "cancel"


def test_issue_and_publish_are_confirmed_in_chromium(
    live_server: str, sqlite_settings: Settings
) -> None:
    made = _prepared(sqlite_settings)
    with chromium_page(PHONE) as page:
        errors = _errors_of(page)
        sign_in(page, live_server, made["officer"])
        page.goto(live_server + made["document"])
        assert "草稿" in page.locator("h1").inner_text()
        _dialog_opens(page, "签发", "签发")
        dialog = page.locator("#confirm-dialog")
        asked = dialog.inner_text()
        assert "冻结" in asked and "现场检查发现储罐区未登记建档" in asked
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "confirm-issue-phone.png"))
        page.get_by_role("button", name="取消").click()
        assert not dialog.is_visible()
        page.reload()
        assert "草稿" in page.locator("h1").inner_text()  # 取消 changed nothing
        _dialog_opens(page, "签发", "签发")
        page.keyboard.press("Escape")
        assert not dialog.is_visible()
        assert "草稿" in page.locator("h1").inner_text()
        _dialog_opens(page, "签发", "签发")
        with page.expect_navigation():
            page.get_by_role("button", name="确定签发").click()
        assert "已签发" in page.locator("h1").inner_text()
        assert errors == [], errors

    with chromium_page(DESK) as page:
        errors = _errors_of(page)
        sign_in(page, live_server, "legal")
        page.goto(live_server + made["publication"])
        assert "已审核" in page.inner_text("main")
        _dialog_opens(page, "发布", "向社会公开")
        dialog = page.locator("#confirm-dialog")
        page.screenshot(path=str(ARTIFACTS / "confirm-publish-desk.png"))
        assert "公示至" in dialog.inner_text() and "行政相对人名称" in dialog.inner_text()
        page.get_by_role("button", name="取消").click()
        page.set_viewport_size(PHONE)  # the same on a phone: a sheet at the bottom, scrolling
        _dialog_opens(page, "发布", "向社会公开")
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "confirm-publish-phone.png"))
        page.keyboard.press("Escape")
        page.set_viewport_size(DESK)
        page.reload()
        assert "已审核" in page.inner_text("main")  # 取消 and Esc changed nothing
        _dialog_opens(page, "发布", "向社会公开")
        with page.expect_navigation():
            page.get_by_role("button", name="确定发布").click()
        assert "已发布" in page.inner_text("main")
        link = page.locator(".notice a").first
        assert (link.get_attribute("href") or "").endswith(f"/p/{made['public_id']}")
        page.screenshot(path=str(ARTIFACTS / "confirm-published-desk.png"))
        assert errors == [], errors

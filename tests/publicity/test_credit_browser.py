"""The draft page's severity choice and the publication page's credit publicity in a real
browser (Debian's Chromium) at 390x844 and 1440x900: no severity is chosen until the
reviewer chooses, each choice says in words what follows for the portal and for 信用中国
with this decision's dates; a 轻微 one with a 确有必要 reason is drafted from the page; the
publication page shows the earliest 信用修复 day and the automatic end, refuses a repair
before it beside the date, and records one when allowed. Screenshots:
test-artifacts/credit-*.png."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, sign_in
from tests.enforcement.test_actions import _as
from tests.publicity.test_flow import _decision, _obligation
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}
API = "/api/v1/publicity"


def _open_obligations(settings: Settings, n: int) -> list[int]:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with (
        make_session_factory(engine)() as db,
        TestClient(create_app(settings), follow_redirects=False) as client,
    ):
        ids = [_obligation(client, _decision(client, db)[1])["id"] for _ in range(n)]
    engine.dispose()
    return ids


def _publish_through_api(settings: Settings, publication_id: int) -> None:
    with TestClient(create_app(settings), follow_redirects=False) as client:
        _as(client, "legal")
        url = f"{API}/publications/{publication_id}"
        assert client.post(f"{url}/review", json={}).status_code == 200
        assert client.post(f"{url}/publish").status_code == 200


def _draft(page: Page, base: str, obligation_id: int, severity: str, why: str, name: str) -> int:
    page.goto(f"{base}/app/publicity/obligations/{obligation_id}")
    assert page.locator("input[name=severity]:checked").count() == 0  # no default
    choices = page.locator("#severity")
    assert "信用中国" in choices.inner_text() and "最早可申请信用修复" in choices.inner_text()
    choices.screenshot(path=str(ARTIFACTS / f"credit-draft-choices-{name}.png"))
    page.check(f"input[name=severity][value={severity}]")
    page.fill("#credit_necessity", why)
    page.click("text=生成（或重新生成）公示草稿")
    page.wait_for_url("**/app/publicity/publications/*")
    assert fits(page)
    return int(page.url.rstrip("/").split("/")[-1].split("?")[0])


def _repair(page: Page, base: str, publication_id: int, name: str, *, allowed: bool) -> None:
    page.goto(f"{base}/app/publicity/publications/{publication_id}")
    section = page.locator("section[aria-labelledby=credit-h]")
    assert "最早可申请信用修复" in section.inner_text()
    assert "信用公示自动结束" in section.inner_text()
    page.fill("#repair-decided_by", "信用中国（上海）")
    page.fill("#repair-decided_on", today().isoformat())
    page.fill("#repair-reference", "沪信修〔2026〕第0002号")
    page.fill("#repair-reason", "已纠正失信行为、缴清罚款并作出信用承诺")
    section.screenshot(path=str(ARTIFACTS / f"credit-repair-form-{name}.png"))
    page.click("#repair-form button[type=submit]")
    dialog = page.locator("#confirm-dialog")  # ending credit publicity is confirmed first
    assert dialog.is_visible() and "不能撤回" in dialog.inner_text()
    with page.expect_navigation():
        page.click("#confirm-dialog button[value=ok]")
    page.screenshot(path=str(ARTIFACTS / f"credit-repair-{name}.png"), full_page=True)
    if allowed:
        assert "已修复" in page.locator("section[aria-labelledby=credit-h]").inner_text()
    else:
        error = page.locator("#repair-decided_on-error")
        assert "最短公示期未满" in error.inner_text()
        assert page.locator("#repair-decided_on").get_attribute("aria-invalid") == "true"
        assert page.input_value("#repair-reference") == "沪信修〔2026〕第0002号"  # kept
        assert page.locator("#item-decided_on-error").count() == 0  # not the snapshot's row
    assert fits(page)


def test_severity_choice_and_credit_repair_in_chromium(
    live_server: str, sqlite_settings: Settings
) -> None:
    minor_id, general_id = _open_obligations(sqlite_settings, 2)
    for name, viewport in (("phone", PHONE), ("wide", WIDE)):
        with chromium_page(viewport) as page:
            sign_in(page, live_server, "legal")
            if name == "phone":
                pub = _draft(page, live_server, minor_id, "minor", "确有必要提示风险", name)
                _publish_through_api(sqlite_settings, pub)
                _repair(page, live_server, pub, name, allowed=True)
            else:
                pub = _draft(page, live_server, general_id, "general", "", name)
                _publish_through_api(sqlite_settings, pub)
                _repair(page, live_server, pub, name, allowed=False)

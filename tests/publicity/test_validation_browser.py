"""The legal section's refusals in a real browser (Debian's Chromium), at phone and desktop
width: the publication draft form opens on a valid 严重程度 and a refused choice keeps the
form with the message beside the field; a correction that would publish a wrong
统一社会信用代码 and a 处罚决定日期 after its own 公示截止期 is refused on the form, with
what was typed kept. Screenshots: test-artifacts/validation-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, sign_in
from tests.enforcement.test_actions import _as
from tests.publicity.test_flow import _decision, _obligation
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

pytestmark = pytest.mark.browser


def _open_and_published(settings: Settings) -> tuple[int, int]:
    """(open obligation id, published obligation id): two issued penalty decisions, the
    second drafted, reviewed and published through the API."""
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with (
        make_session_factory(engine)() as db,
        TestClient(create_app(settings), follow_redirects=False) as client,
    ):
        open_id = _obligation(client, _decision(client, db)[1])["id"]
        published_id = _obligation(client, _decision(client, db)[1])["id"]
        _as(client, "legal")
        api = "/api/v1/publicity"
        pub: dict[str, Any] = client.post(
            f"{api}/obligations/{published_id}/draft", json={"severity": "general"}
        ).json()
        assert client.post(f"{api}/publications/{pub['id']}/review", json={}).status_code == 200
        assert client.post(f"{api}/publications/{pub['id']}/publish").status_code == 200
    engine.dispose()
    return open_id, published_id


def _draft_refusal(page: Page, base: str, obligation_id: int, name: str) -> None:
    page.goto(f"{base}/app/publicity/obligations/{obligation_id}")
    assert page.locator("input[name=severity]:checked").count() == 0  # no default
    page.locator("#severity").screenshot(
        path=str(ARTIFACTS / f"validation-draft-choices-{name}.png")
    )
    page.fill("#credit_necessity", "为提示公共安全风险")
    page.click("text=生成（或重新生成）公示草稿")
    page.wait_for_load_state()
    page.locator("#severity-error").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"validation-draft-refusal-{name}.png"), full_page=True)
    assert page.url.endswith(f"/app/publicity/obligations/{obligation_id}/draft")
    assert "没有默认值" in page.locator("#severity-error").inner_text()
    assert page.locator("#severity").get_attribute("aria-invalid") == "true"
    assert page.input_value("#credit_necessity") == "为提示公共安全风险"  # what was typed is kept
    assert "penalty.minor" not in page.content()
    assert fits(page)


def _correction_refusal(page: Page, base: str, obligation_id: int, name: str) -> None:
    page.goto(f"{base}/app/publicity/obligations/{obligation_id}")
    page.fill("#staff-what", "统一社会信用代码和处罚决定日期有误")
    page.click("text=登记更正申请")
    page.wait_for_url("**/app/publicity/corrections/*")
    page.fill("#item_uscc", "12345")
    page.fill("#item_decided_on", "2030-01-01")
    page.fill("#summary", "更正统一社会信用代码和处罚决定日期")
    page.click("text=拟定更正（待另一人批准发布）")
    page.wait_for_load_state()
    page.locator("#item_uscc").scroll_into_view_if_needed()
    page.screenshot(
        path=str(ARTIFACTS / f"validation-correction-refusal-{name}.png"), full_page=True
    )
    error = page.locator("#item_uscc-error")
    assert "统一社会信用代码" in error.inner_text() and "长度应为18位" in error.inner_text()
    assert page.locator("#item_uscc").get_attribute("aria-invalid") == "true"
    assert page.input_value("#item_uscc") == "12345"  # kept to be put right
    assert page.input_value("#summary") == "更正统一社会信用代码和处罚决定日期"
    assert "publicity.correction_request" not in page.content()
    assert fits(page)


def test_refusals_stay_on_the_form_in_chromium(live_server: str, sqlite_settings: Settings) -> None:
    open_id, published_id = _open_and_published(sqlite_settings)
    for name, viewport in (("phone", PHONE), ("desk", DESK)):
        with chromium_page(viewport) as page:
            sign_in(page, live_server, "legal")
            _draft_refusal(page, live_server, open_id, name)
            _correction_refusal(page, live_server, published_id, name)

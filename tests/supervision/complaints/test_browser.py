"""Complaints in Chromium against a real server: the public files one from a published
decision's page (a wrong answer first: what was typed stays, the message beside the
field) and reads the status by receipt; the legal section accepts it, links the case,
records the findings and drafts the answer (an empty answer refused beside its field);
a leader signs it; the status page then shows the answer. At 390×844 and on a desk."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, open_menu, sign_in
from tests.publicity.test_correction_browser import _published
from tests.publicity.test_corrections import _NUMBERS
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.enforcement.models import Action

pytestmark = pytest.mark.browser


def _answer(page: Page) -> str:
    match = re.search(r"验证问题：(.+?)(加|减)(.+?)等于几", page.content())
    assert match
    a, b = _NUMBERS[match.group(1)], _NUMBERS[match.group(3)]
    return str(a + b if match.group(2) == "加" else a - b)


def _file(page: Page, base: str, public_id: int, tag: str) -> str:
    page.goto(f"{base}/p/{public_id}")
    page.click(f'a[href="/complaints/new?p={public_id}"]')
    page.wait_for_url(f"{base}/complaints/new?p={public_id}")
    page.fill("#complaint_text", "执法人员未出示执法证件。")
    page.fill("#complainant_name", "赵六")
    page.fill("#complainant_phone", "13611112222")
    page.fill("#answer", "99")
    page.click("button[type=submit]")
    assert "验证问题回答不正确" in page.locator("#answer-error").inner_text()
    assert page.locator("#complainant_phone").input_value() == "13611112222"
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"complaint-public-refused-{tag}.png"), full_page=True)
    page.fill("#answer", _answer(page))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/complaints/TS-.*"))
    receipt = page.locator("#receipt-value").input_value()
    assert page.locator("#complaint-status").inner_text() == "待受理"
    assert "赵六" not in page.content() and "13611112222" not in page.content()
    page.screenshot(path=str(ARTIFACTS / f"complaint-public-receipt-{tag}.png"), full_page=True)
    return receipt


def _handle(page: Page, base: str, receipt: str, action_id: int, tag: str) -> str:
    sign_in(page, base, "legal")
    open_menu(page)
    page.click('a[href="/app/supervision/complaints"]')
    page.click(f"text={receipt}")
    case_url = page.url
    page.click("#accept")
    assert page.locator("#complaint-status").inner_text().startswith("办理中")
    page.select_option("#link_kind", "action")
    page.fill("#link_id", str(action_id))
    page.click("#link-submit")
    assert page.locator("#complaint-links li").count() == 1
    page.fill("#findings", "调取执法记录仪视频，执法人员已出示证件。")
    page.click("#findings-submit")
    page.click("#propose")  # no answer yet: refused beside the field
    assert page.locator("#field-error-answer_public").is_visible()
    assert page.locator("#answer_public").get_attribute("aria-invalid") == "true"
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"complaint-staff-refused-{tag}.png"), full_page=True)
    page.fill("#answer_public", "经核查，执法人员已出示执法证件，投诉不成立。")
    page.click("#propose")
    assert page.locator("#complaint-status").inner_text().startswith("答复待签发")
    page.context.clear_cookies()
    sign_in(page, base, "leader")
    page.goto(case_url)
    page.click("#sign")
    assert page.locator("#complaint-status").inner_text().startswith("已答复")
    assert page.locator("#complaint-timeline li").count() >= 6
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / f"complaint-staff-signed-{tag}.png"), full_page=True)
    return case_url


def _first_action(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    with make_session_factory(engine)() as db:
        found = db.scalar(select(Action.id).order_by(Action.id))
    engine.dispose()
    assert found is not None
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_complaint_journey(
    live_server: str, sqlite_settings: Settings, viewport: dict[str, int]
) -> None:
    tag = "phone" if viewport is PHONE else "desk"
    public_id = _published(sqlite_settings)
    with chromium_page(viewport) as page:
        receipt = _file(page, live_server, public_id, tag)
        _handle(page, live_server, receipt, _first_action(sqlite_settings), tag)
        page.context.clear_cookies()
        page.goto(f"{live_server}/complaints")
        page.fill("#receipt", receipt.lower())
        page.click("button[type=submit]")
        assert page.locator("#complaint-status").inner_text() == "已答复"
        assert "投诉不成立" in page.locator("#complaint-answer").inner_text()
        assert fits(page)
        page.screenshot(
            path=str(ARTIFACTS / f"complaint-public-answered-{tag}.png"), full_page=True
        )

"""Chromium on a phone and at a desk: the case page lists the limits running in the case
(案件期限) — the party's hearing period not started while its 告知书 is not served, then,
once served, running from the service to its end day — and the 工作台 lists it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.browser import ARTIFACTS, chromium_page, fits, sign_in
from tests.enforcement.test_party_periods import _notice_id
from tests.enforcement.test_penalty_flow import _serve, _to_notice
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.web.app import create_app

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1440, "height": 900}}


def _shot(page: Page, name: str, width: str) -> None:
    expect(page.locator("text=加载中…")).to_have_count(0)  # the fragments are in
    page.screenshot(path=str(ARTIFACTS / f"case-deadlines-{name}-{width}.png"), full_page=True)
    assert fits(page)


@pytest.mark.parametrize("width", ["phone", "desk"])
def test_case_page_lists_the_party_period(
    live_server: str, sqlite_settings: Settings, width: str
) -> None:
    engine = make_engine(sqlite_settings.resolved_database_url, write_transactions=False)
    db = make_session_factory(engine, actor_key=sqlite_settings.ledger_actor_key())()
    try:
        with TestClient(create_app(sqlite_settings), follow_redirects=False) as client:
            action_id, officers = _to_notice(client, db)
            lead = db.get(User, officers[0])
            assert lead is not None
            with chromium_page(SIZES[width]) as page:
                sign_in(page, live_server, lead.username)
                page.goto(f"{live_server}/app/actions/{action_id}")
                deadlines = page.locator("#case-deadlines")
                expect(deadlines).to_contain_text("当事人要求听证")
                expect(deadlines).to_contain_text("尚未记录送达")
                expect(deadlines).to_contain_text("未起算")
                expect(page.locator(".notice.warn", has_text="期限尚未起算")).to_have_count(1)
                _shot(page, "unserved", width)

                _serve(client, action_id, _notice_id(db, action_id))
                end = due(working_calendar(db), "penalty.hearing_request", today()).date
                page.reload()
                expect(deadlines).to_contain_text(f"届满：{people_date(end)}")
                expect(deadlines).to_contain_text("直接送达")
                expect(page.locator(".notice.warn", has_text="届满前不得进入")).to_have_count(1)
                _shot(page, "served", width)

                page.goto(f"{live_server}/app")
                board = page.locator("table", has=page.locator("text=当事人要求听证"))
                expect(board).to_contain_text(people_date(end))
                _shot(page, "board", width)
    finally:
        db.close()
        engine.dispose()

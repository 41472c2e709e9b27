"""Chromium against a real server: a leader at a desk lets officer 陈静 read a case of
another squad until a day; 陈静, on a phone, reads it, finds the party of a case not hers
masked, and loses the case again when the leader revokes the grant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from tests.browser import ARGS, ARTIFACTS, CHROMIUM, DESK, PHONE, fits, sign_in
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.enforcement.models import Action

pytestmark = pytest.mark.browser


def _case_of_another_squad(settings: Settings) -> tuple[int, int, int]:
    """(officer id, a case she has no part in, its party) after seeding the demo's cases."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
            seed_demo_actions(db, settings, open_blob_store(settings))
            officer = db.scalar(select(User).where(User.username == "chenjing"))
            assert officer is not None
            for action in db.scalars(select(Action).order_by(Action.id)):
                mine = action.opened_by == officer.id or any(
                    o.officer_id == officer.id for o in action.officers
                )
                if not mine and action.unit_id != officer.unit_id:
                    return officer.id, action.id, action.party_id
    finally:
        engine.dispose()
    raise AssertionError("the demo has no case of another squad")


def test_leader_grants_and_revokes_a_case(live_server: str, sqlite_settings: Settings) -> None:
    officer_id, action_id, party_id = _case_of_another_squad(sqlite_settings)
    base = live_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        # Two people, two browser contexts (two sets of cookies) in one Chromium.
        phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()  # type: ignore[arg-type]
        desk = browser.new_context(viewport=DESK, locale="zh-CN").new_page()  # type: ignore[arg-type]

        sign_in(phone, base, "chenjing")
        refused = phone.goto(f"{base}/app/actions/{action_id}")
        assert refused is not None and refused.status == 404
        assert "执法案件不存在" in phone.content()
        phone.goto(f"{base}/app/parties/{party_id}")
        assert "已脱敏" in phone.content() and fits(phone)
        phone.screenshot(path=str(ARTIFACTS / "grants-party-masked-phone.png"), full_page=True)

        sign_in(desk, base, "leader")
        desk.click("text=授权调阅")
        desk.wait_for_url(f"{base}/app/grants")
        desk.select_option("#grantee_id", str(officer_id))
        desk.select_option("#record_type", "action")
        desk.fill("#record_id", str(action_id))
        desk.fill("#reason", "2026年第四季度案卷评查")
        desk.fill("#valid_until", (today() + timedelta(days=7)).isoformat())
        desk.click("form.stack button[type=submit]")
        desk.wait_for_url(f"{base}/app/grants?done=granted")
        row = desk.locator("tbody tr").first
        assert "陈静" in row.inner_text() and "有效" in row.inner_text()
        desk.screenshot(path=str(ARTIFACTS / "grants-desk.png"), full_page=True)

        granted = phone.goto(f"{base}/app/actions/{action_id}")
        assert granted is not None and granted.status == 200 and fits(phone)
        phone.screenshot(path=str(ARTIFACTS / "grants-case-phone.png"), full_page=True)

        desk.click("tbody tr >> nth=0 >> text=撤销")
        desk.get_by_role("button", name="确定撤销").click()  # final: confirmed first
        desk.wait_for_url(f"{base}/app/grants?done=revoked")
        assert "已撤销" in desk.locator("tbody tr").first.inner_text()
        again = phone.goto(f"{base}/app/actions/{action_id}")
        assert again is not None and again.status == 404
        browser.close()

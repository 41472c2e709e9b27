"""A real browser (Debian's Chromium through Playwright) against a real server process."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import DEMO_PASSWORD
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_login_and_parties_list_in_chromium(live_server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(f"{live_server}/app")
        assert page.url.startswith(f"{live_server}/app/login")
        page.fill("#username", "legal")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server}/app")
        page.click("text=行政相对人")
        page.wait_for_url(f"{live_server}/app/parties")
        assert page.locator("h1").inner_text() == "行政相对人"
        assert page.locator("tbody tr").count() == 20
        # The CJK font is installed and used: glyphs are drawn, not tofu boxes.
        assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '行政相对人')")
        heading_width = page.locator("h1").evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el);"
            " return r.getBoundingClientRect().width; }"
        )
        assert heading_width > 5 * 15  # five full-width glyphs at ~22px
        shot = ARTIFACTS / "parties-list.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        # A phone-sized screen still shows the list without horizontal page overflow.
        page.set_viewport_size({"width": 390, "height": 844})
        overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert overflow
        page.screenshot(path=str(ARTIFACTS / "parties-list-phone.png"))
        browser.close()


def _activity_for(settings: Settings) -> tuple[str, int]:
    """An open action with one on-site activity, made through the services."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from zhifa.core.auth import Principal
    from zhifa.core.certificate_rules import CertificateState
    from zhifa.core.certificates import list_officers
    from zhifa.core.db import make_engine, make_session_factory
    from zhifa.core.permissions import Role
    from zhifa.enforcement import actions
    from zhifa.enforcement.models import PowerItem

    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        day = datetime.now(UTC).date()
        valid = [
            o.user
            for o in list_officers(db)
            if any(c.state(day) is CertificateState.valid for c in o.certificates)
        ][:2]
        who = Principal(
            valid[0].id, valid[0].username, valid[0].full_name, frozenset({Role.officer})
        )
        item = db.scalar(select(PowerItem).where(PowerItem.kind == "inspection"))
        assert item is not None
        action = actions.open_action(
            db,
            actions.ActionIn(
                procedure="inspection.on_site",
                party_id=4,
                power_item_id=item.id,
                title="现场检查",
                officer_ids=[u.id for u in valid],
            ),
            who,
        )
        activity = actions.record_activity(
            db,
            action.id,
            actions.ActivityIn(
                started_at=datetime.now(UTC), place="仓库", officer_ids=[u.id for u in valid]
            ),
            who,
        )
        db.commit()
        username, activity_id = valid[0].username, activity.id
    engine.dispose()
    return username, activity_id


def test_signature_drawn_on_a_phone(live_server: str, sqlite_settings: Settings) -> None:
    username, activity_id = _activity_for(sqlite_settings)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True
        )
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server}/app/login")
        page.fill("#username", username)
        page.fill("#password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_server}/app")
        page.goto(f"{live_server}/app/activities/{activity_id}")
        page.wait_for_load_state("load")
        page.locator("#signature-pad").scroll_into_view_if_needed()
        box = page.locator("#signature-pad").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 20, box["y"] + 60)
        page.mouse.down()
        for step in range(1, 12):
            page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 60 + (step % 3) * 15)
        page.mouse.up()
        assert page.input_value("#signature-data").startswith("data:image/png;base64,")
        page.fill("#signer_name", "仓库主管")
        page.screenshot(path=str(ARTIFACTS / "activity-phone.png"), full_page=True)
        page.locator("#ack-form button[type=submit]").click()
        page.wait_for_load_state()
        assert "已记录当事人确认" in page.content()
        assert "当事人确认已记录" in page.content()
        assert errors == []
        browser.close()

"""薄弱环节分析 in Chromium, on a phone (390×844) and a desk: reached from the menu under
统计监督, every figure with its number and its bar chart (inline SVG, no script), the
drill-down's table stacking into cards on a phone, nothing wider than the screen, and no
content-security-policy complaint. Screenshots go to ARTIFACTS (looked at by hand)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, open_menu, sign_in
from tests.conftest import zhifa_server
from tests.insight.test_weak_points_pages import PERIOD, _actions, _write
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.insight.weak_points.figures import FIGURES

pytestmark = pytest.mark.browser


@pytest.fixture
def server(sqlite_settings: Settings) -> Iterator[str]:
    engine = make_engine(sqlite_settings.resolved_database_url)
    db = make_session_factory(engine, actor_key=sqlite_settings.ledger_actor_key())()
    _write(db, _actions(db))
    db.close()
    engine.dispose()
    with zhifa_server(sqlite_settings.data_dir) as url:
        yield url


def _look(page: Page, base: str, name: str) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "leader")
    open_menu(page)
    page.click("text=薄弱环节分析")
    page.wait_for_url(f"{base}/app/insight/weak-points")
    page.goto(f"{base}/app/insight/weak-points?{PERIOD}")
    assert page.locator("section.weak-point").count() == len(FIGURES)
    steps = page.locator("#steps-late")
    assert steps.locator("strong").first.inner_text() == "2"
    assert steps.locator("svg rect").count() == 2  # two units with late steps
    assert page.locator("main script").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"weak-points-{name}.png"), full_page=True)
    assert fits(page)
    page.click("#steps-late h2 a")
    page.wait_for_selector("#records")
    assert page.locator("#records tbody tr").count() == 2
    assert page.locator("svg[aria-label$='按月'] rect").count() == 1
    page.screenshot(path=str(ARTIFACTS / f"weak-points-drill-{name}.png"), full_page=True)
    assert fits(page)
    assert problems == []


def test_on_a_phone(server: str) -> None:
    with chromium_page(PHONE) as page:
        _look(page, server, "phone")
        # the table stacks: its header is hidden, each cell says what it is
        assert not page.locator("#records thead").is_visible()
        label = page.locator("#records td[data-label='单位']").first
        assert "单位：" in label.evaluate("td => getComputedStyle(td, '::before').content")


def test_on_a_desk(server: str) -> None:
    with chromium_page(DESK) as page:
        _look(page, server, "desk")
        assert page.locator("#records thead").is_visible()

"""双随机 results in a real browser (Chromium through Playwright) against a real server, on
a phone (390×844) and a desk (1440×900): the team leader records a result on the batch's
task page (未发现问题 before the visit's record is refused beside the field; 无法联系 is
taken), the legal section drafts, reviews and publishes it, and the public finds it on
the results search and opens its page. Nothing scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, sign_in
from tests.inspection.task_helpers import TEAM_A, demo_plan, open_batch
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.inspection.tasks.models import InspectionTask

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


def _opened(settings: Settings) -> tuple[int, int, str]:
    """The batch opened (as the draw will); the plan, the first task and its target code."""
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
            first = _first(db)
            return first.plan_id, first.id, first.target_uscc
    finally:
        engine.dispose()


def _first(db: Session) -> InspectionTask:
    ids = open_batch(db)
    task = db.get(InspectionTask, ids[0])
    assert task is not None and demo_plan(db).id == task.plan_id
    return task


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "desk")])
def test_result_walk(
    live_server: str, sqlite_settings: Settings, viewport: dict[str, int], name: str
) -> None:
    plan_id, task_id, uscc = _opened(sqlite_settings)
    checked = (today() - timedelta(days=1)).isoformat()
    with chromium_page(viewport) as page:
        sign_in(page, live_server, TEAM_A)
        plan_page = f"{live_server}/app/inspection/tasks/plans/{plan_id}/batches/1"
        page.goto(plan_page)
        card = page.locator(f"#task-{task_id}")
        # the team by name, the lead first (a team of the bureau's own officers here)
        assert card.locator("text=主办，执法证号").first.is_visible() and fits(page)
        card.locator("select[name=result]").select_option("未发现问题")
        card.locator("input[name=checked_on]").fill(checked)
        card.locator("button:has-text('录入结果')").click()
        card = page.locator(f"#task-{task_id}")
        alert = card.locator("[role=alert]")
        assert "须先在检查案件中签发现场检查记录" in alert.inner_text()
        assert card.locator("select[name=result]").get_attribute("aria-invalid") == "true"
        assert fits(page)
        page.screenshot(
            path=str(ARTIFACTS / f"inspection-result-refused-{name}.png"), full_page=True
        )
        card.locator("select[name=result]").select_option("通过登记的住所（经营场所）无法联系")
        card.locator("button:has-text('录入结果')").click()
        page.wait_for_url("**done=recorded")
        card = page.locator(f"#task-{task_id}")
        assert card.locator("text=待公示").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"inspection-result-{name}.png"), full_page=True)

        sign_in(page, live_server, "legal")
        page.goto(plan_page)
        page.locator(f"#task-{task_id} button:has-text('生成公示草稿')").click()
        page.wait_for_url("**/app/publicity/publications/*")
        assert page.locator("text=通过登记的住所（经营场所）无法联系").first.is_visible()
        page.click("button:has-text('审核通过')")
        page.wait_for_url("**done=reviewed")
        page.click("main form button:has-text('发布')")
        page.locator("#confirm-dialog button[value=ok]").click()
        page.wait_for_url("**done=published")
        assert page.locator("text=公示中").first.is_visible()

        page.goto(f"{live_server}/random-inspections")
        page.select_option("#result", "通过登记的住所（经营场所）无法联系")
        page.fill("#who", uscc)
        page.click("main button[type=submit]")
        page.wait_for_url("**/random-inspections?*")
        assert page.locator("text=找到 1 条抽查结果").is_visible() and fits(page)
        page.screenshot(
            path=str(ARTIFACTS / f"portal-inspection-search-{name}.png"), full_page=True
        )
        page.locator("main ol.results a").first.click()
        page.wait_for_url("**/p/*")
        assert page.locator(f"text={uscc}").first.is_visible() and fits(page)
        assert page.locator("text=检查结果").first.is_visible()
        page.screenshot(
            path=str(ARTIFACTS / f"portal-inspection-result-{name}.png"), full_page=True
        )

"""Case review in a real browser (Chromium through Playwright) against a real server, on a
phone (390×844) and a desk (1280×900): a reviewer opens their assigned case from 我的评查任务,
a deduction over the item's points is refused beside its field, a valid one is recorded and
the sheet submitted through the confirm dialog; once every sheet is in and the legal
section has closed the round, the leader reads the round page and approves the report.
Nothing scrolls sideways."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, sign_in
from tests.factories import principal
from tests.supervision.reviews.helpers import drawn_round, reviewer_of, sheets
from zhifa.core.blobstore import open_blob_store
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.supervision.reviews import rounds, service

pytestmark = pytest.mark.browser


def _session(settings: Settings) -> Session:
    engine = make_engine(settings.resolved_database_url)
    return make_session_factory(engine, actor_key=settings.ledger_actor_key())()


def _drawn(settings: Settings) -> tuple[int, int, str]:
    """The demo's cases and a drawn round: (round, first sheet, its reviewer's username)."""
    with _session(settings) as db:
        seed_demo_actions(db, settings, open_blob_store(settings))
        row = drawn_round(db, settings)
        first = sheets(db, row)[0]
        return row.id, first.id, reviewer_of(db, first).username


def _finish(settings: Settings, round_id: int) -> None:
    """Every other sheet scored and submitted by its reviewer, the round closed."""
    with _session(settings) as db:
        row = rounds.round_of(db, round_id)
        for sheet in sheets(db, row):
            if sheet.submitted_at is None:
                who = reviewer_of(db, sheet)
                for finding in service.findings_of(db, sheet.id):
                    service.confirm(db, sheet, finding.id, who)
                service.submit(db, sheet, who)
        rounds.close(db, row, principal(db, "legal"))
        db.commit()


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESK, "desk")])
def test_review_walk(
    sqlite_settings: Settings, live_server: str, viewport: dict[str, int], name: str
) -> None:
    round_id, sheet_id, reviewer = _drawn(sqlite_settings)
    with chromium_page(viewport) as page:
        sign_in(page, live_server, reviewer)
        page.goto(f"{live_server}/app/supervision/reviews/mine")
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / f"review-mine-{name}.png"), full_page=True)
        page.click(f"a[href='/app/supervision/reviews/sheets/{sheet_id}']")
        page.wait_for_url(f"**/sheets/{sheet_id}")
        assert page.locator("text=评分表").first.is_visible() and fits(page)
        page.select_option("#item_code", "documents_form")
        page.fill("#points", "9")
        page.fill("#detail", "现场检查记录检查部位未写明")
        page.click("main button:has-text('记录')")
        assert "每处扣分须在 1 至 2 分之间" in page.locator("[role=alert]").inner_text()
        assert page.locator("#points[aria-invalid=true]").count() == 1 and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"review-refused-{name}.png"), full_page=True)
        page.fill("#points", "2")
        page.click("main button:has-text('记录')")
        page.wait_for_url("**done=added")
        assert page.locator("text=扣 2 分").first.is_visible()
        assert page.locator(".score .points").inner_text() == "98"
        page.click("#submit-sheet")
        page.locator("#confirm-dialog button[value=ok]").click()
        page.wait_for_url("**done=submitted")
        assert page.locator("text=评分表已提交").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"review-sheet-{name}.png"), full_page=True)

        _finish(sqlite_settings, round_id)
        page.context.clear_cookies()
        sign_in(page, live_server, "leader")
        page.goto(f"{live_server}/app/supervision/reviews/{round_id}")
        assert page.locator("text=已结束，待领导审定").is_visible() and fits(page)
        page.fill("#note", "同意，请法制宣传科督促整改")
        page.click("#approve-report")
        page.wait_for_url("**done=approved")
        assert page.locator("text=报告已审定").first.is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"review-leader-{name}.png"), full_page=True)

"""The draw in a real browser (Chromium through Playwright) against a real server, on a
phone (390×844) and a desk (1280×900): 安全生产监督管理科 announces the second batch's
draw (the default round and its Beijing time shown, then the SHA-256 and checkpoint);
the first batch, announced two days before quicknet round 657413, takes that round's
real signature (a wrong one refused beside its field), shows its result per stratum and
a substitution through the confirm dialog; the public draw page shows it all without
names of persons and explains how to verify. Nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, sign_in
from tests.inspection.draw_helpers import SIGNATURE, WRONG_SIGNATURE, announce, demo_plan
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}


def _announce_first_batch_in_2023(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine, actor_key=settings.ledger_actor_key())() as db:
        plan = demo_plan(db)
        announce(db, settings, plan)
        db.commit()
        plan_id = plan.id
    engine.dispose()
    return plan_id


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "desk")])
def test_draw_walk(
    sqlite_settings: Settings, live_server: str, viewport: dict[str, int], name: str
) -> None:
    plan_id = _announce_first_batch_in_2023(sqlite_settings)
    batches = f"{live_server}/app/inspection/plans/{plan_id}/batches"
    with chromium_page(viewport) as page:
        sign_in(page, live_server, "supervision")
        page.goto(f"{batches}/2")
        page.click("text=双随机抽取（公告、随机数、结果）")
        page.wait_for_url("**/batches/2/draw")
        assert page.locator("text=默认随机源").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"draw-announce-{name}.png"), full_page=True)
        page.click("main button:has-text('发布抽取公告')")
        page.locator("#confirm-dialog button[value=ok]").click()
        page.wait_for_url("**done=announced")
        assert page.locator("text=公告 SHA-256").is_visible()
        assert page.locator("text=api.drand.sh").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"draw-announced-{name}.png"), full_page=True)

        page.goto(f"{batches}/1/draw")
        assert page.locator("text=drand quicknet 第 657413 轮").is_visible()
        page.fill("#signature", WRONG_SIGNATURE)
        page.click("main button:has-text('核验并抽取')")
        page.locator("#confirm-dialog button[value=ok]").click()
        assert "签名验证未通过" in page.locator("[role=alert]").inner_text()
        assert page.locator("#signature[aria-invalid=true]").count() == 1 and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"draw-wrong-signature-{name}.png"), full_page=True)
        page.fill("#signature", SIGNATURE)
        page.click("main button:has-text('核验并抽取')")
        page.locator("#confirm-dialog button[value=ok]").click()
        page.wait_for_url("**done=drawn")
        assert page.locator("h3:has-text('重点（A级）')").is_visible() and fits(page)
        page.select_option("#target", index=page.locator("#target option").count() - 1)
        page.select_option("#reason", label="经营场所无法联系")
        page.click("main button:has-text('替补')")
        page.locator("#confirm-dialog button[value=ok]").click()
        page.wait_for_url("**done=substituted")
        assert page.locator("td:has-text('经营场所无法联系')").is_visible() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"draw-result-{name}.png"), full_page=True)

        page.context.clear_cookies()
        page.goto(f"{live_server}/inspection/plans/{plan_id}/batches/1/draw")
        assert page.locator("text=如何核验本次抽取").is_visible()
        assert page.locator("td:has-text('经营场所无法联系')").is_visible()
        assert "王芳" not in page.content() and fits(page)
        page.screenshot(path=str(ARTIFACTS / f"draw-public-{name}.png"), full_page=True)

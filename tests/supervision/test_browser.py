"""The leader's accountability page, its decision form and the fact sheet in Chromium on a
phone (390×844) and a desk: reached from the menu, nothing wider than the screen, a refused
decision shows its message under the field, a good one is listed; the fact sheet shows its
proofs as valid. Screenshots go to the artifacts folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, open_menu, sign_in
from tests.conftest import zhifa_server
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.publicity.models import Publication, PublicationObligation

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_settings: Settings) -> Iterator[str]:
    with zhifa_server(demo_settings.data_dir) as url:
        yield url


def _corrected_action(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        query = (
            select(PublicationObligation.action_id)
            .join(Publication, Publication.obligation_id == PublicationObligation.id)
            .where(Publication.version == 2)
        )
        action_id = db.scalar(query)
    engine.dispose()
    assert action_id is not None
    return action_id


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESK, "desk")])
def test_leader_decides_on_an_instance(server: str, viewport: dict[str, int], name: str) -> None:
    with chromium_page(viewport) as page:
        sign_in(page, server, "leader")
        open_menu(page)
        page.click("nav >> text=问责情况报告")
        page.wait_for_url(f"{server}/app/supervision/accountability")
        rows = page.locator("#instances tbody tr[data-key]")
        assert rows.count() >= 1
        assert rows.first.locator(".badge").count() == 1  # its decision, or 待决定
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / f"accountability-{name}.png"), full_page=True)

        rows.first.locator("a.button").click()
        page.wait_for_url("**/decide?key=*")
        page.check("input[name=outcome][value=not_pursued]")
        page.fill("#reason", "")
        page.click('form[action$="/decide"] button[type=submit]')
        error = page.locator("#reason-error")
        assert error.is_visible() and "不予追责须说明理由" in error.inner_text()
        below = error.bounding_box()
        field = page.locator("#reason").bounding_box()
        assert below is not None and field is not None and below["y"] >= field["y"]
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / f"accountability-decide-{name}.png"), full_page=True)

        page.check("input[name=outcome][value=education]")
        page.fill("#reason", "已当面批评教育")
        page.click('form[action$="/decide"] button[type=submit]')
        page.wait_for_url("**/app/supervision/accountability?done=decided")
        assert "处理决定已登记" in page.locator("main").inner_text()
        assert "已当面批评教育" in page.locator("#instances").inner_text()


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESK, "desk")])
def test_fact_sheet(
    server: str, demo_settings: Settings, viewport: dict[str, int], name: str
) -> None:
    action_id = _corrected_action(demo_settings)
    with chromium_page(viewport) as page:
        sign_in(page, server, "leader")
        page.goto(f"{server}/app/actions/{action_id}")
        page.click("#fact-sheet-link")
        page.wait_for_url(f"{server}/app/actions/{action_id}/facts")
        main = page.locator("main").inner_text()
        assert "公示情况" in main and "包含证明" in main and "证明有效" in main
        assert "证明无效" not in main
        assert page.locator("tr[data-version]").count() >= 2
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / f"fact-sheet-{name}.png"), full_page=True)

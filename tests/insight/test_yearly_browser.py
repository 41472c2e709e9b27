"""The published yearly figures in Chromium on a phone-sized screen, served by `zhifa
serve --portal-only`: the bar charts are drawn (inline SVG with a title, no script), each
with its table of the same numbers, and the page fits the screen without sideways
scrolling; the content security policy reports nothing. The page leads with the headline
numbers and shows each figure once in its table (the charts carry their numbers on the
bars; the definitions are folded)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits
from tests.conftest import zhifa_server
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.demo.figures import seed_demo_figures
from zhifa.insight.yearly import figures as yearly

pytestmark = pytest.mark.browser


@pytest.fixture
def figures_server(sqlite_settings: Settings) -> Iterator[str]:
    engine = make_engine(sqlite_settings.resolved_database_url)
    db = make_session_factory(engine, actor_key=sqlite_settings.ledger_actor_key())()
    assert seed_demo_figures(db, sqlite_settings) == 1
    db.close()
    engine.dispose()
    with zhifa_server(sqlite_settings.data_dir, "--portal-only") as url:
        yield url


def test_figures_page_on_a_phone(figures_server: str) -> None:
    year = today().year - 1
    with chromium_page(PHONE) as page:
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(f"{figures_server}/")
        assert not page.locator("nav.portal-nav").is_visible()  # the menu is folded on a phone
        page.click("details.portal-menu > summary")
        page.click("nav.portal-nav >> text=年度执法数据")
        page.wait_for_url(f"{figures_server}/figures")
        page.click(f"text={year}年度行政执法数据")
        page.wait_for_url(f"{figures_server}/figures/{year}")
        main = page.locator("main").inner_text()
        assert "据各科室填报" in main and "指标说明" in main
        charts = page.locator("figure.figures-chart svg")
        assert charts.count() == 4
        title = charts.first.locator("title").text_content() or ""
        assert title.startswith("行政检查：检查企业数186家")
        assert charts.first.locator("rect").count() == 4
        widths = [float(w) for w in charts.first.locator("rect").evaluate_all(
            "rs => rs.map(r => r.getAttribute('width'))")]  # fmt: skip
        assert max(widths) > 0 and widths[0] < widths[2]  # 186 enterprises < 512 hazards
        assert page.locator("figure.figures-chart table").count() == 0  # not a third copy
        headline = page.locator("#headline-figures li")
        assert headline.count() >= 3 and headline.first.bounding_box()["y"] < 844  # type: ignore[index]
        assert page.locator("#figures-table tr[data-code]").count() == len(yearly.FIGURES)
        assert not page.locator("#definitions dd").first.is_visible()  # folded
        assert page.locator("script").count() == 0
        page.screenshot(path=str(ARTIFACTS / "portal-figures-phone.png"), full_page=True)
        assert fits(page)
        assert problems == []

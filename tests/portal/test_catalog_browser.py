"""The published catalogue on a phone (390 px wide) in Chromium, served by `zhifa serve
--portal-only`: browse by kind, search for a two-character word, open an item with its
cited articles and history, open the officer list and check a certificate by number
through the form; no page is wider than the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits
from tests.conftest import zhifa_server
from tests.portal.test_catalog_pages import publish_demo
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_server(sqlite_settings: Settings) -> Iterator[str]:
    publish_demo(sqlite_settings)
    with zhifa_server(sqlite_settings.data_dir, "--portal-only") as url:
        yield url


def test_catalogue_on_a_phone(portal_server: str) -> None:
    with chromium_page(PHONE) as page:
        page.goto(f"{portal_server}/")
        page.click("details.portal-menu > summary")  # the menu is folded on a phone
        page.click("nav.portal-nav >> text=事前公示目录")
        page.wait_for_url(f"{portal_server}/catalog")
        assert fits(page)
        page.click('ul.kinds a[href="/catalog?kind=random_check_item"]')
        page.wait_for_url(f"{portal_server}/catalog?kind=random_check_item")
        assert "共 4 项" in page.locator("main").inner_text()

        page.goto(f"{portal_server}/catalog")
        page.fill("#q", "烟花")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{portal_server}/catalog?q=*")
        results = page.locator("ol.results li")
        assert results.count() >= 2
        page.screenshot(path=str(ARTIFACTS / "portal-catalog-phone.png"), full_page=True)
        assert fits(page)
        page.locator("ol.results a", has_text="烟花爆竹").first.click()
        page.wait_for_url(f"{portal_server}/catalog/**")
        body = page.locator("main").inner_text()
        assert "依据条文" in body and "烟花爆竹安全管理条例" in body and "公示记录" in body
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-catalog-item-phone.png"), full_page=True)

        page.click("details.portal-menu > summary")  # the menu is folded on a phone
        page.click("nav.portal-nav >> text=执法人员")
        page.wait_for_url(f"{portal_server}/officers")
        number = page.locator("ol.officers dl.officer a").first.inner_text()
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-officers-phone.png"), full_page=True)

        page.click("details.portal-menu > summary")  # the menu is folded on a phone
        page.click("nav.portal-nav >> text=执法证核验")
        page.wait_for_url(f"{portal_server}/c")
        page.fill("#number", number)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{portal_server}/c?number=*")
        body = page.locator("main").inner_text()
        assert number in body and ("有效" in body or "已过期" in body)
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-certificate-phone.png"), full_page=True)

"""A member of the public on a phone (390×844) and at a desk (1280×900), in Chromium, against
`zhifa serve --portal-only` as its own process (issue 13 points 3 and 6): finds a decision
(the first result above the fold, the filters folded on a phone), reads it (what was
decided, about whom, the fine in 元, when, by whom, until when: above the fold, with 申请更正),
opens 核验, asks for a correction (a wrong answer keeps the question and what was typed,
the message beside the field), gets a receipt (copy button, keep the number) and looks its
status up from the menu (status words and dates, nothing typed shown back). The menu is
folded on a phone and open at a desk; no page scrolls sideways; the CSP reports nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits
from tests.conftest import zhifa_server
from tests.publicity.test_correction_browser import _published
from tests.publicity.test_corrections import answer_of
from zhifa.core.settings import Settings

pytestmark = pytest.mark.browser

TYPED = {"#name": "王五", "#contact": "13912345678", "#what_is_wrong": "罚款金额的表述有误"}


@pytest.fixture
def portal(sqlite_settings: Settings) -> Iterator[tuple[str, int]]:
    public_id = _published(sqlite_settings)
    with zhifa_server(sqlite_settings.data_dir, "--portal-only") as url:
        yield url, public_id


def _above_fold(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"] if page.viewport_size else 0
    return box is not None and box["y"] + min(box["height"], 40) <= height


def _go_by_menu(page: Page, label: str, phone: bool) -> None:
    nav = page.locator("nav.portal-nav")
    assert nav.is_visible() != phone  # folded on a phone, open at a desk
    if phone:
        page.click("details.portal-menu > summary")
    page.click(f"nav.portal-nav >> text={label}")


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_public_journey(portal: tuple[str, int], screen: str) -> None:
    base, public_id = portal
    phone = screen == "phone"
    with chromium_page(PHONE if phone else DESK) as page:
        problems: list[str] = []
        # (a refused form answers 4xx, which Chromium logs as a failed load: not a problem)
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        shot = lambda name: page.screenshot(  # noqa: E731
            path=str(ARTIFACTS / f"journey-{screen}-{name}.png"), full_page=False
        )

        # finds the decision
        page.goto(f"{base}/")
        _go_by_menu(page, "检索", phone)
        page.wait_for_url(f"{base}/search")
        page.fill("#q", "罚款")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/search?q=*")
        assert page.locator("#kind").is_visible() != phone  # filters folded on a phone
        assert _above_fold(page, "li.result")
        assert fits(page)
        shot("1-search")

        # reads it: the headline first, the correction link near the top
        page.click(f'li.result a[href="/p/{public_id}"]')
        page.wait_for_url(f"{base}/p/{public_id}")
        lede = page.locator(".headline .lede").inner_text()
        assert "作出行政处罚决定" in lede and "应急管理局" in lede
        facts = page.locator(".headline dl.facts").inner_text()
        assert "20,000 元" in facts and "公示至" in facts and re.search(r"\d{4}年\d+月\d+日", facts)
        assert _above_fold(page, ".headline")
        shot("2-detail")
        assert _above_fold(page, f'a[href="/corrections/new?p={public_id}"]') or not phone
        assert not page.locator("#verify code.digest").first.is_visible()  # 核验 folded
        assert fits(page)
        shot("2-detail")

        # opens 核验
        page.click("#verify > summary")
        digest = page.locator("#verify code.digest").first
        assert digest.is_visible() and re.fullmatch(r"[0-9a-f]{64}", digest.inner_text())
        assert "未被改动" in page.locator("#verify").inner_text()
        page.locator("#verify").scroll_into_view_if_needed()
        shot("3-verify")

        # asks for a correction: a wrong answer keeps the question and what was typed
        page.click(f'a[href="/corrections/new?p={public_id}"]')
        page.wait_for_url(f"{base}/corrections/new?p={public_id}")
        for field, value in TYPED.items():
            page.fill(field, value)
        question = page.locator('label[for="answer"]').inner_text()
        right = answer_of(page.content())
        page.fill("#answer", str(int(right) + 1))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "验证问题回答不正确" in page.locator("#answer-error").inner_text()
        assert page.locator("#answer").get_attribute("aria-invalid") == "true"
        assert page.locator('label[for="answer"]').inner_text() == question
        for field, value in TYPED.items():
            assert page.locator(field).input_value() == value
        assert fits(page)
        page.locator("#answer").scroll_into_view_if_needed()
        shot("4-wrong-answer")
        page.fill("#answer", right)
        page.click("main button[type=submit]")

        # gets a receipt: copy it, keep it
        page.wait_for_url(re.compile(r".*/corrections/GZ-\d{4}-[0-9A-Z]{8}\?new=1$"))
        receipt = page.locator("#receipt").inner_text()
        assert "请保存受理编号" in page.locator("main").inner_text()
        page.click("button[data-copy=receipt-value]")
        page.wait_for_function("document.getElementById('copy-status').textContent !== ''")
        assert page.locator("#copy-status").inner_text() == "已复制"
        assert page.evaluate("navigator.clipboard.readText()") == receipt
        assert "王五" not in page.content() and "139" not in page.locator("main").inner_text()
        assert fits(page)
        shot("5-receipt")

        # looks its status up from the menu
        _go_by_menu(page, "更正查询", phone)
        page.wait_for_url(f"{base}/corrections")
        page.fill("#receipt", receipt.lower())  # typed as it comes
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/corrections?receipt=*")
        assert page.locator("#correction-status").inner_text() == "已受理"
        main = page.locator("main").inner_text()
        assert "处理期限" in main and re.search(r"\d{4}年\d+月\d+日前", main)
        for typed in TYPED.values():
            assert typed not in main
        assert fits(page)
        shot("6-status")
        assert problems == []

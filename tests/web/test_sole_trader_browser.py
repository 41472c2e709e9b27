"""Registering a 个体工商户 in real Chromium, on a phone and at a desk: the party form says
how (a person with the business's 92… code), takes it, and shows the code on the record,
named a 个体工商户."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, sign_in
from tests.publicity.test_credit_template import SOLE_TRADER_USCC, TRADER_ID_NUMBER

WIDE = {"width": 1440, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "desk"])
def test_register_a_sole_trader(live_server: str, viewport: dict[str, int]) -> None:
    with chromium_page(viewport) as page:
        sign_in(page, live_server, "chenjing")
        page.goto(f"{live_server}/app/parties/new")
        assert "个体工商户按个人登记" in page.inner_text("#uscc-hint")
        assert fits(page)
        page.check("input[name=kind][value=person]")
        page.fill("#name", "李记五金店（李建华）")
        page.fill("#uscc", SOLE_TRADER_USCC)
        page.fill("#id_number", TRADER_ID_NUMBER)
        page.fill("#address", "上海市普陀区真北路100号")
        shot = ARTIFACTS / f"sole-trader-form-{viewport['width']}.png"
        page.screenshot(path=shot, full_page=True)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{live_server}/app/parties/*")
        assert SOLE_TRADER_USCC in page.inner_text("main")
        assert page.inner_text("h1 .badge") == "个体工商户"  # not 个人
        assert fits(page)
        page.screenshot(path=ARTIFACTS / f"sole-trader-{viewport['width']}.png", full_page=True)

"""A refused form shows all its errors at once, each beside its field, in words (a real
browser against a real server): the law form sent with three required fields left empty
(the browser's own checks switched off, as an old phone browser would not have them)."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, DESK, PHONE, chromium_page, fits, sign_in

pytestmark = pytest.mark.browser

REFUSED = {
    "title": "标题不能为空",
    "published_on": "公布日期为必填项",
    "effective_on": "施行日期为必填项",
}


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_all_errors_beside_their_fields(live_server: str, viewport: dict[str, int]) -> None:
    with chromium_page(viewport) as page:
        sign_in(page, live_server, "legal")
        page.goto(f"{live_server}/app/catalog/laws/new")
        page.eval_on_selector("main form", "form => { form.noValidate = true; }")
        page.fill("#doc_number", "主席令第八十八号")
        page.click("main form button[type=submit]")
        page.wait_for_selector(".field-error")
        notice = page.locator(".notice.error").inner_text()
        assert f"请修改以下 {len(REFUSED)} 处" in notice
        for name, words in REFUSED.items():
            control = page.locator(f"#{name}")
            assert control.get_attribute("aria-invalid") == "true"
            beside = page.locator(f"#{name} + .field-error")
            assert words in beside.inner_text(), name
            assert control.get_attribute("aria-describedby") == f"field-error-{name}"
        assert page.locator("#doc_number").input_value() == "主席令第八十八号"  # kept
        assert page.locator(".field-error").count() == len(REFUSED)
        assert "_" not in notice and "title" not in notice
        assert fits(page)
        name = "phone" if viewport == PHONE else "desk"
        page.screenshot(path=str(ARTIFACTS / f"form-errors-{name}.png"), full_page=True)

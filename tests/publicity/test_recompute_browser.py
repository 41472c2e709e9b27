"""The deadline board and the case page in Chromium after the 2027 schedule was loaded
(issue 14 point 4): the recomputed due day shows the day it had before, at desk and phone
width; the calendar page's calculator leans to the side asked for.
Screenshots: test-artifacts/recompute-*.png."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.browser import ARTIFACTS, PHONE, chromium_page, fits, sign_in
from tests.conftest import zhifa_server
from tests.publicity.test_recompute_on_load import _stored_provisional
from tests.publicity.test_withdrawals import load_2027
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

WIDE = {"width": 1440, "height": 900}
CHANGED = "按2027年正式安排重算：原定2027年2月18日，现为2027年2月20日"


def _recomputed(settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    db: Session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    with TestClient(create_app(settings), follow_redirects=False) as client:
        action_id, _, _ = _stored_provisional(client, db)
        client.headers.pop("X-CSRF-Token", None)
        load_2027(client)
    db.close()
    engine.dispose()
    return action_id


def test_the_recomputed_day_on_the_board_and_case_page(sqlite_settings: Settings) -> None:
    action_id = _recomputed(sqlite_settings)
    with zhifa_server(sqlite_settings.data_dir) as base:
        for name, viewport in (("1440", WIDE), ("390", PHONE)):
            with chromium_page(viewport) as page:
                sign_in(page, base, "legal")
                page.goto(f"{base}/app/publicity?state=全部&kind=penalty")
                note = page.locator(".recomputed", has_text=CHANGED)
                assert note.count() == 1 and note.first.is_visible()
                page.screenshot(path=str(ARTIFACTS / f"recompute-board-{name}.png"), full_page=True)
                page.goto(f"{base}/app/actions/{action_id}")
                case = page.locator(".recomputed", has_text="原定2027年2月11日，现为2027年2月15日")
                assert case.count() == 1
                case.first.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / f"recompute-case-{name}.png"), full_page=True)
                if name == "390":
                    assert fits(page)
                # the calculator leans as asked and says so (2027 is official now: 2028)
                page.goto(f"{base}/app/calendar?start=2028-01-26&n=5&lean=latest")
                assert "最晚可能日" in page.inner_text("main")
                page.screenshot(
                    path=str(ARTIFACTS / f"recompute-calendar-{name}.png"), full_page=True
                )
                if name == "390":
                    assert fits(page)

"""The legal section's desk in Chromium at desktop width (1440×900, issue 13 point 7): the
deadline board opens on what is open with its counts at the top and fills the screen; a
new public correction request is claimed from the list; the supervisor's access log then
says in words what was read. Screenshots: test-artifacts/desk-*.png."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.browser import ARTIFACTS, chromium_page, fits, sign_in
from tests.conftest import zhifa_server
from tests.publicity.test_corrections import publish, submit
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.settings import Settings
from zhifa.web.app import create_app

WIDE = {"width": 1440, "height": 900}


def _one_request(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url, write_transactions=False)
    db: Session = make_session_factory(engine, actor_key=settings.ledger_actor_key())()
    with TestClient(create_app(settings), follow_redirects=False) as client:
        published = publish(client, db)
        assert submit(client, int(published["obligation_id"])).status_code == 303
    db.close()
    engine.dispose()


def test_the_desk_in_chromium(sqlite_settings: Settings) -> None:
    _one_request(sqlite_settings)
    with zhifa_server(sqlite_settings.data_dir) as base, chromium_page(WIDE) as page:
        sign_in(page, base, "legal2")
        page.goto(f"{base}/app/publicity")
        page.screenshot(path=str(ARTIFACTS / "desk-board-1440.png"), full_page=True)
        counts = page.locator("#counts li")
        assert counts.count() == 6 and "已逾期" in counts.first.inner_text()
        board = page.locator("#board")
        assert board.bounding_box()["width"] > 1300  # type: ignore[index]  # full width
        first = page.locator("#board tbody tr").first
        assert first.get_attribute("data-state") in ("已逾期", "临期", "未到期")
        assert first.get_attribute("data-kind") == "correction"
        assert page.locator('#board tr[data-state="已完成"]').count() == 0
        assert fits(page)
        text = page.inner_text("main")
        assert "publicity." not in text and "overdue_report" not in text

        page.goto(f"{base}/app/publicity/corrections?holder=unclaimed")
        assert "默认，未认领" in page.inner_text("#corrections")
        page.screenshot(path=str(ARTIFACTS / "desk-corrections-before-claim.png"))
        page.click("#corrections button.claim")
        page.wait_for_url("**/corrections?done=claimed")
        assert "已认领" in page.inner_text("main")
        page.goto(f"{base}/app/publicity/corrections?holder=mine")
        holder = page.inner_text("#corrections tbody tr td.holder")
        assert holder.strip() == "孙丽华"
        page.screenshot(path=str(ARTIFACTS / "desk-corrections-claimed.png"))
        page.click("#corrections tbody tr a")  # open the request: a read, logged

        page.context.clear_cookies()
        sign_in(page, base, "supervision")
        page.goto(f"{base}/app/access-log")
        page.screenshot(path=str(ARTIFACTS / "desk-access-log.png"))
        whats = page.locator("td.what").all_inner_texts()
        assert any(w.startswith("查阅了 更正申请 GZ-") for w in whats), whats
        assert not any("correction_request" in w or "#" in w for w in whats)

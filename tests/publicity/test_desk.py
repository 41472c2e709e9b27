"""The legal section's desk (issue 13 point 7): the board opens on what is open, correction
requests have a holder (default, 认领, 指派; each ledgered), duties due before the platform's
start are 历史遗留, the board and the yearly figures agree on 逾期完成, and the access log
names what was read in words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.conftest import csrf_of, login
from tests.publicity.test_corrections import publish, submit
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.insight.yearly import figures
from zhifa.publicity import duties, service
from zhifa.publicity.models import (
    CorrectionRequest,
    ObligationStatus,
    PlatformStart,
    PublicationObligation,
)
from zhifa.web.app import create_app


@pytest.fixture
def desk(sqlite_settings: Settings) -> Iterator[tuple[TestClient, Session, dict[str, Any]]]:
    """A published penalty decision with one public correction request."""
    engine = make_engine(sqlite_settings.resolved_database_url, write_transactions=False)
    db = make_session_factory(engine, actor_key=sqlite_settings.ledger_actor_key())()
    with TestClient(create_app(sqlite_settings), follow_redirects=False) as client:
        published = publish(client, db)
        assert submit(client, int(published["obligation_id"])).status_code == 303
        db.commit()
        yield client, db, published
    db.close()
    engine.dispose()


def _user(db: Session, username: str) -> int:
    found = db.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return found


def _ledger_kinds(db: Session) -> list[str]:
    db.commit()
    return list(db.scalars(text("select kind from ledger_entry order by " + '"index"')))


def _post(client: TestClient, path: str, **data: str) -> Any:
    page = client.get("/app/publicity/corrections")
    return client.post(path, data={"csrf_token": csrf_of(page.text), **data})


def test_a_new_request_goes_to_the_default_holder_and_can_be_claimed(
    desk: tuple[TestClient, Session, dict[str, Any]],
) -> None:
    client, db, _ = desk
    login(client, "legal2")
    page = client.get("/app/publicity/corrections?holder=unclaimed")
    assert page.status_code == 200
    db.commit()  # end the read transaction: see what the app wrote
    row = db.scalars(select(CorrectionRequest)).one()
    assert row.handler_id == _user(db, "legal") and row.claimed_at is None  # the default
    assert "默认，未认领" in page.text and row.receipt_number in page.text
    assert "correction.assign" in _ledger_kinds(db)

    claimed = _post(client, f"/app/publicity/corrections/{row.id}/claim")
    assert claimed.status_code == 303
    db.commit()  # end the read transaction: see what the app wrote
    db.refresh(row)
    assert row.handler_id == _user(db, "legal2") and row.claimed_at is not None
    assert row.receipt_number in client.get("/app/publicity/corrections?holder=mine").text
    unclaimed = client.get("/app/publicity/corrections?holder=unclaimed").text
    assert row.receipt_number not in unclaimed and "没有符合条件的更正申请" in unclaimed
    assert "correction.claim" in _ledger_kinds(db)

    client.cookies.clear()
    client.headers["X-CSRF-Token"] = login(client, "legal")  # another person of the section
    refused = _post(client, f"/app/publicity/corrections/{row.id}/claim")
    assert refused.status_code == 409 and "已由他人认领" in refused.text
    assert 'id="corrections"' in refused.text  # still on the list
    officer = _user(db, "zhangwei")
    wrong = client.post(f"/api/v1/publicity/corrections/{row.id}/assign", json={"user_id": officer})
    assert wrong.status_code == 400 and "法制宣传科" in wrong.text
    moved = client.post(
        f"/api/v1/publicity/corrections/{row.id}/assign", json={"user_id": _user(db, "legal")}
    )
    assert moved.status_code == 200 and moved.json()["handler_id"] == _user(db, "legal")
    default = client.put(
        "/api/v1/publicity/corrections/default-holder", json={"user_id": _user(db, "legal2")}
    )
    assert default.status_code == 200
    assert "correction.default_holder" in _ledger_kinds(db)
    assert client.get("/api/v1/publicity/corrections?holder=mine").json()[0]["id"] == row.id
    assert client.get("/api/v1/publicity/corrections?holder=x").status_code in (400, 422)


def test_the_board_opens_on_what_is_open(desk: tuple[TestClient, Session, dict[str, Any]]) -> None:
    client, _, _ = desk
    login(client, "legal")
    page = client.get("/app/publicity").text
    board = page[page.index('id="board"') : page.index('id="legacy"')]
    states = re.findall(r'data-state="([^"]+)"', board)
    assert states and "已完成" not in states  # the answered publication is behind the filter
    assert states[0] in ("已逾期", "临期", "未到期") and 'data-kind="correction"' in board
    counts = dict(
        (label, int(n)) for n, label in re.findall(r"<strong[^>]*>(\d+)</strong>([^<]+)</", page)
    )
    assert counts["已完成"] >= 1 and counts["已逾期"] + counts["临期"] + counts["未到期"] >= 1
    everything = client.get("/app/publicity?state=全部").text
    assert "已完成" in re.findall(r'data-state="([^"]+)"', everything)
    for code in ("publicity.", "penalty.minor", "overdue_report"):
        assert code not in page


def _board_late(db: Session, year: int) -> int:
    rows = service.board(db, task=duties.DutyKind.publication)
    view = duties.board_view(rows, None, everything=True)
    return sum(1 for r in view.rows if duties.done_late(r.duty) and r.duty.due_on.year == year)


def _yearly_late(db: Session, year: int) -> int:
    computed = figures.compute(figures.load_year(db, year, today()), working_calendar(db))
    value = computed["publicity.late"]
    assert value is not None
    return int(value)


def test_the_board_and_the_yearly_figures_agree_on_done_late(
    desk: tuple[TestClient, Session, dict[str, Any]],
) -> None:
    _, db, _ = desk
    year = today().year - 1
    for demo_year in (year, year + 1):  # the demo's own duties, as seeded
        assert _board_late(db, demo_year) == _yearly_late(db, demo_year), demo_year
    assert _board_late(db, year) == 0
    ob = db.scalars(select(PublicationObligation)).one()
    db.get_one(PlatformStart, 1).started_on = date(year, 3, 1)
    published, exempted = ObligationStatus.published, ObligationStatus.exempted
    cases = [  # (due, status, done, counted as 逾期完成)
        (date(year, 6, 1), published, date(year, 6, 3), 1),  # late
        (date(year, 7, 1), published, date(year, 7, 1), 0),  # on the due day
        (date(year, 8, 3), exempted, date(year, 8, 9), 0),  # lifted, not published
        (date(year, 9, 1), ObligationStatus.open, None, 0),  # not done
        (date(year, 2, 2), published, date(year, 2, 9), 0),  # 历史遗留
    ]
    for due_on, status, done, expected in cases:
        ob.due_on, ob.status, ob.completed_on = due_on, status, done
        db.commit()
        assert _board_late(db, year) == _yearly_late(db, year) == expected, due_on
    view = duties.board_view(service.board(db, task=duties.DutyKind.publication), None, True)
    assert [d.duty.due_on for d in view.legacy if d.duty.kind == "publication"] == [
        date(year, 2, 2)
    ]
    assert view.counts["逾期完成"] == sum(1 for r in view.rows if duties.done_late(r.duty))


def test_legacy_duties_are_charged_to_no_one(
    desk: tuple[TestClient, Session, dict[str, Any]],
) -> None:
    client, db, _ = desk
    # Everything here was due after the platform's start; move the start past them.
    db.get_one(PlatformStart, 1).started_on = today() + timedelta(days=60)
    db.commit()
    login(client, "legal")
    page = client.get("/app/publicity").text
    legacy = page[page.index('id="legacy"') :]
    assert 'data-kind="correction"' in legacy and "不计入个人" in legacy
    assert re.search(r"<strong>0</strong>已逾期", page)
    report = client.get("/app/insight/overdue").text
    assert "没有符合条件的逾期事项" in report  # none charged to anyone


def test_the_access_log_names_what_was_read(
    desk: tuple[TestClient, Session, dict[str, Any]],
) -> None:
    client, db, _ = desk
    login(client, "legal")
    db.commit()
    row = db.scalars(select(CorrectionRequest)).one()
    assert client.get(f"/app/publicity/corrections/{row.id}").status_code == 200
    document_id = db.scalars(select(PublicationObligation.document_id)).first()
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 200
    client.get("/app/insight/overdue")
    client.cookies.clear()
    login(client, "supervision")
    page = client.get("/app/access-log").text
    assert f"查阅了 更正申请 {row.receipt_number}" in page
    whats = re.findall(r'<td class="what">(.*?)</td>', page, re.S)
    assert any(re.search(r"查阅了 \S*决定书\S* \S+〔\d{4}〕\d+号", w) for w in whats), whats
    assert "查阅了 逾期问责报告" in page
    for code in ("correction_request", "overdue_report", "publicity.", "#"):
        assert code not in re.sub(r"<[^>]+>", " ", page.split("<tbody>")[1]), code
    items = client.get("/api/v1/access-log").json()["items"]
    assert any(i["what"] == f"更正申请 {row.receipt_number}" for i in items)

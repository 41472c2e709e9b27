"""The yearly figures duty (公示办法 第七条第四款: by 31 January) is one of the publicity
duties: on the deadline board while open, and in the overdue report when met late."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.factories import writing
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.settings import Settings
from zhifa.demo.figures import seed_demo_figures
from zhifa.publicity.duties import DutyKind, Scope, duties


def _yearly(db: Session, scope: Scope | None = None) -> list:
    db.rollback()
    return duties(db, scope, DutyKind.yearly_figures)


def test_last_years_figures_are_a_duty_until_published(
    client: TestClient, db: Session, settings: Settings
) -> None:
    last = today().year - 1
    (duty,) = [d for d in _yearly(db) if d.record_id == last]
    assert duty.due_on == date(last + 1, 1, 31) and duty.done_on is None
    assert "第七条第四款" in duty.basis

    _as(client, "legal")
    board = client.get("/app/publicity?task=yearly_figures")
    assert board.status_code == 200
    assert f"公开{last}年度行政执法总体情况数据" in board.text and "已逾期" in board.text
    report = client.get("/app/insight/overdue?kind=yearly_figures")
    assert report.status_code == 200 and f"{last}年度" in report.text

    with writing(db) as session:  # beside the app's jobs
        assert seed_demo_figures(session, settings) == 1
    (done,) = [d for d in _yearly(db) if d.record_id == last]
    assert done.done_on == today() and done.person == "钱雅琴"
    # met, but after 31 January: still in the overdue report, with the working days late
    late = _yearly(db, Scope(unmet_or_late=True))
    assert [d.record_id for d in late] == [last]
    days = working_calendar(db).working_days_between(done.due_on, done.done_on)
    assert days.count > 0
    report = client.get("/app/insight/overdue?kind=yearly_figures")
    assert f"{last}年度" in report.text and str(days.count) in report.text

"""The demo publishes last year's figures as the sections entered them (the platform's
records all fall in the current year): marked 据各科室填报 on the portal, nothing computed
from records that do not exist, the duty done, the report recorded; idempotent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.insight.test_yearly_flow import _page_values
from zhifa.core.blobstore import open_blob_store
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.settings import Settings
from zhifa.demo.actions import seed_demo_actions
from zhifa.demo.figures import BRIGADE_FIGURES, SAFETY_FIGURES, seed_demo_figures
from zhifa.demo.publicity import seed_demo_publicity
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly import service as yearly_service


@pytest.fixture(autouse=True)
def _busy_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's checkpoint and outbox jobs commit every second while the demo is seeded
    beside them, as on a loaded machine where a seeding step straddles a job's commit."""
    monkeypatch.setenv("ZHIFA_CHECKPOINT_INTERVAL_SECONDS", "1")
    monkeypatch.setenv("ZHIFA_OUTBOX_INTERVAL_SECONDS", "1")


def test_demo_publishes_last_years_entered_figures(
    client: TestClient, db: Session, writer: Session, settings: Settings
) -> None:
    seed_demo_actions(writer, settings, open_blob_store(settings))
    seed_demo_publicity(writer, settings)
    assert seed_demo_figures(writer, settings) == 1
    assert seed_demo_figures(writer, settings) == 0  # idempotent
    writer.close()  # no write lock held while the client's requests write their access logs
    last = today().year - 1
    duty = yearly_service.obligation(db, working_calendar(db), last, today())
    assert duty.state.value == "已完成" and duty.published_on == today() and duty.version == 1
    assert [r.method for r, _ in yearly_service.reports(db, last)] == ["政务外网报送系统"]

    page = client.get(f"/figures/{last}")
    assert page.status_code == 200 and "据各科室填报" in page.text
    shown = {code: value for code, (_, value) in _page_values(page.text).items()}
    for code, value in {**SAFETY_FIGURES, **BRIGADE_FIGURES}.items():
        assert shown[code] == value, code
    # what only the platform's records can tell is not made up for last year
    for figure in yearly.FIGURES:
        if figure.entered_by(yearly.Basis.entered) is None and not figure.total_of:
            assert shown[figure.code] == "—", figure.code
    assert yearly_service.duty_years(db, today()) == [last]  # the demo's records: this year
    assert shown["total.decisions"] == "106"  # 41 + 7 + 55 + 2 + 1, summed from the entries
    assert f"/figures/{last}" in client.get("/figures").text

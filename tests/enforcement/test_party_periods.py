"""Issue 14, points 3 and 8: each limit of a case runs from its legal start event.

The party's hearing-request period (《行政处罚法》第六十四条第一项、第八十五条) runs from the
SERVICE of the 告知书 and holds back 法制审核 and the decision whatever steps lie between;
the rule table's other rows are wired to the events they govern and shown on the case."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as, _complete_duties, _open, _valid_officers
from tests.enforcement.test_penalty_flow import (
    FACTS,
    _issue,
    _move,
    _period_passes,
    _serve,
    _to_notice,
)
from tests.factories import writing
from tests.recording.rules.helpers import record_on_camera
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import SHANGHAI, today
from zhifa.core.models import User
from zhifa.core.time_limits import due
from zhifa.enforcement.clocks import CLOCKS
from zhifa.enforcement.models import ActionTransition
from zhifa.enforcement.steps import PROCEDURES
from zhifa.recording.documents.models import Document, DocumentService

# The rows issue 14 point 8 found unused, and the rows it adds.
WIRED = (
    "inspection.reinspection",
    "compulsion.seizure_extension",
    "compulsion.handling_after_seizure",
    "compulsion.court_application",
    "penalty.fine_payment",
    "penalty.hearing_notice",
    "license.hearing_organise",
    "license.hearing_notice",
    "license.supplement_notice",
    "compulsion.on_site_report",
    "compulsion.power_cut_notice",
)


def _deadlines(client: TestClient, action_id: int) -> dict[str, dict]:
    body = client.get(f"/api/v1/actions/{action_id}").json()
    return {d["code"]: d for d in body["deadlines"]}


def _notice_id(db: Session, action_id: int) -> int:
    db.rollback()
    query = select(Document.id).where(
        Document.action_id == action_id, Document.kind == "penalty_notice"
    )
    return db.scalars(query).one()


def _date_service(db: Session, document_id: int, days_back: int) -> None:
    """Stand-in for days passing: the service record dated `days_back` days ago."""
    with writing(db) as session:
        session.execute(
            update(DocumentService)
            .where(DocumentService.document_id == document_id)
            .values(served_on=today() - timedelta(days=days_back))
        )


def test_statement_does_not_cut_the_hearing_period_short(client: TestClient, db: Session) -> None:
    action_id, officers = _to_notice(client, db)
    _serve(client, action_id, _notice_id(db, action_id))
    assert _move(client, action_id, "statement").status_code == 201
    activity = client.post(
        f"/api/v1/actions/{action_id}/activities",
        json={
            "started_at": f"{today().isoformat()}T00:10:00",
            "place": "询问室",
            "officer_ids": officers,
        },
    ).json()
    _complete_duties(
        client, activity, ["reason", "basis", "statement", "defence", "recusal", "cooperation"]
    )
    record_on_camera(client, action_id, activity["id"], tempfile.mkdtemp())
    _issue(
        client,
        action_id,
        "statement_record",
        {
            "started_at": f"{today().isoformat()}T00:10",
            "ended_at": f"{today().isoformat()}T00:40",
            "place": "询问室",
            "speaker": "王经理",
            "recorder": "记录人",
            "content": "当事人陈述",
        },
    )
    refused = _move(client, action_id, "decision")
    assert refused.status_code == 400, refused.text
    # the party's period is the only thing left: the statement step itself is complete
    assert refused.json()["detail"].count("；") == 0
    assert "届满前不得进入“决定”" in refused.json()["detail"]
    assert _move(client, action_id, "legal_review").status_code == 400
    _period_passes(client, db, action_id)
    page = client.get(f"/app/actions/{action_id}")
    assert "当事人要求听证" in page.text and "已届满" in page.text
    assert _move(client, action_id, "decision").status_code == 201


def test_period_runs_from_service_not_from_the_step(client: TestClient, db: Session) -> None:
    action_id, _ = _to_notice(client, db)
    notice = _notice_id(db, action_id)
    unserved = _move(client, action_id, "decision")
    assert "尚未记录送达" in unserved.json()["detail"]
    assert "期限尚未起算" in unserved.json()["detail"]
    # Mailed: the 告知 step was entered long ago (its old due day has passed), the
    # notice reached the party only yesterday.
    with writing(db) as session:
        session.execute(
            update(ActionTransition)
            .where(ActionTransition.action_id == action_id, ActionTransition.to_step == "notice")
            .values(due_date=today() - timedelta(days=1))
        )
    _serve(client, action_id, notice)
    _date_service(db, notice, 1)
    refused = _move(client, action_id, "decision")
    assert refused.status_code == 400
    served_on = today() - timedelta(days=1)
    end = due(working_calendar(db), "penalty.hearing_request", served_on).date
    shown = _deadlines(client, action_id)["penalty.hearing_request"]
    assert shown["started_on"] == served_on.isoformat()
    assert shown["due_date"] == end.isoformat() and shown["party_period"]
    assert f"{end.year}年{end.month}月{end.day}日" in refused.json()["detail"]


def test_decision_rows_run_from_its_service(client: TestClient, db: Session) -> None:
    action_id, _ = _to_notice(client, db)
    _period_passes(client, db, action_id)
    assert _move(client, action_id, "decision").status_code == 201
    decision = _issue(client, action_id, "penalty_decision", FACTS)
    waiting = _deadlines(client, action_id)["penalty.fine_payment"]
    assert waiting["due_date"] is None and "尚未记录送达" in waiting["waiting"]
    _serve(client, action_id, decision["id"])
    calendar = working_calendar(db)
    found = _deadlines(client, action_id)
    payment = due(calendar, "penalty.fine_payment", today()).date
    assert found["penalty.fine_payment"]["due_date"] == payment.isoformat()
    litigation = due(calendar, "penalty.litigation_period", today()).date
    assert found["penalty.litigation_period"]["due_date"] == litigation.isoformat()
    court = due(calendar, "compulsion.court_application", litigation).date
    assert found["compulsion.court_application"]["due_date"] == court.isoformat()


def test_on_site_seizure_report_within_24_hours_across_midnight(
    client: TestClient, db: Session
) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "compulsion.seizure", "compulsion", officers)
    activity = client.post(
        f"/api/v1/actions/{action['id']}/activities",
        json={"started_at": "2026-09-30T23:30:00", "place": "仓库", "officer_ids": officers},
    )
    assert activity.status_code == 201, activity.text
    _issue(
        client,
        action["id"],
        "seizure_decision",
        {
            "measure": "查封",
            "facts": "违法事实",
            "items": "储罐一座",
            "start_on": "2026-09-30",
        },
    )
    found = _deadlines(client, action["id"])
    report = datetime.fromisoformat(found["compulsion.on_site_report"]["due_at"])
    assert report == datetime(2026, 10, 1, 23, 30, tzinfo=SHANGHAI)
    calendar = working_calendar(db)
    seizure_end = due(calendar, "compulsion.seizure_period", date(2026, 9, 30)).date
    assert found["compulsion.handling_after_seizure"]["due_date"] == seizure_end.isoformat()
    extension = due(calendar, "compulsion.seizure_extension", seizure_end).date
    assert found["compulsion.seizure_extension"]["due_date"] == extension.isoformat()


def test_every_wired_row_is_a_deadline_of_its_cases(client: TestClient, db: Session) -> None:
    wired = {c.limit: code for code, clocks in CLOCKS.items() for c in clocks}
    assert set(WIRED) <= set(wired)
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    kinds = {"penalty": "penalty", "compulsion": "compulsion"}
    for code in WIRED:
        procedure = wired[code]
        kind = procedure.split(".")[0]
        action = _open(client, db, procedure, kinds.get(kind, kind), officers)
        shown = _deadlines(client, action["id"])[code]
        assert shown["title"] and (shown["due_date"] or shown["due_at"] or shown["waiting"])
        assert "案件期限" in client.get(f"/app/actions/{action['id']}").text


def test_license_supplement_notice_from_the_application(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "license.general", "license", officers)
    found = _deadlines(client, action["id"])["license.supplement_notice"]
    expected = due(working_calendar(db), "license.supplement_notice", today()).date
    assert found["due_date"] == expected.isoformat()
    assert found["state"] in ("未届满", "今日届满")


def test_no_limit_is_both_a_step_limit_and_a_clock_of_its_case() -> None:
    """A limit shown twice on one case page (once from entering a step, once from its
    legal start event) would show two different days for one duty."""
    for code, procedure in PROCEDURES.items():
        step_limits = {step.limit for step in procedure.steps if step.limit}
        clock_limits = {clock.limit for clock in CLOCKS.get(code, ())}
        assert not step_limits & clock_limits, code

"""Loading a year's official holiday schedule recomputes every stored provisional due day
(issue 14 point 4): a publication obligation and a step's limit decided before the 2027
notice get their final day, the previous day stays visible on the deadline board and the
case page, and each recompute is ledgered in the loading transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as, _open, _valid_officers
from tests.enforcement.test_penalty_flow import FACTS, _issue
from tests.factories import writing
from tests.publicity.test_withdrawals import load_2027
from zhifa.core.audit import record_change
from zhifa.core.calendar import default_calendar
from zhifa.core.models import DueRecompute, User
from zhifa.core.time_limits import due
from zhifa.enforcement.models import ActionTransition
from zhifa.ledger.models import ledger_entry
from zhifa.publicity.models import CorrectionRequest, CorrectionStatus, PublicationObligation
from zhifa.publicity.service import obligation_due

DECIDED = date(2027, 2, 3)  # a Wednesday before 春节 2027
FILED_AT = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, 2026-11-10


def _stored_provisional(client: TestClient, db: Session) -> tuple[int, int, int]:
    """(action id, obligation id, transition id) with provisional due days in 2027, as the
    services store them for a decision of 2月3日 and a filing of 2026年11月10日."""
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    doc = _issue(client, action["id"], "penalty_decision", FACTS)
    assert client.get("/api/v1/publicity/obligations").status_code == 200  # creates it
    calendar = default_calendar()
    with writing(db) as session:
        ob = session.scalars(
            select(PublicationObligation).where(PublicationObligation.document_id == doc["id"])
        ).one()
        code, day, provisional, basis = obligation_due(calendar, ob.kind, DECIDED)
        ob.decided_on, ob.limit_code, ob.due_on, ob.due_provisional = (
            DECIDED,
            code,
            day,
            provisional,
        )
        ob.basis = basis[:1000]
        step = session.scalars(
            select(ActionTransition).where(
                ActionTransition.action_id == action["id"],
                ActionTransition.to_step == "filing",
            )
        ).one()
        assert step.limit_code == "penalty.decision_after_filing"
        filed = due(calendar, step.limit_code, FILED_AT.date())
        step.at, step.due_date, step.due_provisional = FILED_AT, filed.date, filed.provisional
        asked = due(calendar, "publicity.correction_request", DECIDED)
        request = CorrectionRequest(
            receipt_number="GZ-TEST-2027-1",
            obligation_id=ob.id,
            source="staff",
            requester_name="测试",
            contact="",
            what_is_wrong="日期有误",
            received_on=DECIDED,
            limit_code="publicity.correction_request",
            due_on=asked.date,
            due_provisional=asked.provisional,
            status=CorrectionStatus.open,
        )
        session.add(request)
        record_change(session, None, "test.decided_earlier", ob, step, request)
        ids = (action["id"], ob.id, step.id)
    return ids


def test_loading_2027_recomputes_stored_provisional_days(client: TestClient, db: Session) -> None:
    action_id, ob_id, step_id = _stored_provisional(client, db)
    ob, step = db.get(PublicationObligation, ob_id), db.get(ActionTransition, step_id)
    assert ob is not None and step is not None
    # before: 7 working days from 2月3日 on the law's rest days only (a bureau duty):
    # 2/4, 2/11, 2/12, 2/15–2/18; 90 days from 11月10日 = 2月8日 (初三) -> after 补假 2/11
    assert (ob.due_on, ob.due_provisional) == (date(2027, 2, 18), True)
    assert (step.due_date, step.due_provisional) == (date(2027, 2, 11), True)
    db.rollback()

    client.headers.pop("X-CSRF-Token", None)  # the officer's, stale after signing in again
    load_2027(client)  # 春节 2/5–2/12 off, 2/20 (Sat) a make-up working day

    ob, step = db.get(PublicationObligation, ob_id), db.get(ActionTransition, step_id)
    assert ob is not None and step is not None
    # after: 2/4, 2/15–2/19, 2/20 (make-up Saturday); 2/8 is off until 2/12 -> 2/15
    assert (ob.due_on, ob.due_provisional) == (date(2027, 2, 20), False)
    assert (step.due_date, step.due_provisional) == (date(2027, 2, 15), False)
    notes = db.scalars(select(DueRecompute).order_by(DueRecompute.id)).all()
    by_table = {n.record_table: n for n in notes}
    assert by_table["publication_obligation"].old_date == date(2027, 2, 18)
    assert by_table["action_transition"].old_date == date(2027, 2, 11)
    # a correction request (5 working days, a bureau duty): 2/16 -> 2/18 under the notice
    request = db.scalars(select(CorrectionRequest)).one()
    assert (request.due_on, request.due_provisional) == (date(2027, 2, 18), False)
    assert by_table["correction_request"].old_date == date(2027, 2, 16)
    kinds = db.scalars(select(ledger_entry.c.kind).order_by(ledger_entry.c.index)).all()
    assert kinds.count("calendar.recompute") >= 2
    assert kinds.index("calendar.load") < kinds.index("calendar.recompute")

    _as(client, "legal")
    board = client.get("/app/publicity?state=全部&kind=penalty").text
    assert "按2027年正式安排重算：原定2027年2月18日，现为2027年2月20日" in board
    assert "按2027年正式安排重算：原定2027年2月16日，现为2027年2月18日" in board
    case = client.get(f"/app/actions/{action_id}").text
    assert "按2027年正式安排重算：原定2027年2月11日，现为2027年2月15日" in case

"""Complaint cases through the service on SQLite and PostgreSQL: staff entry, acceptance
with the due day from the rule table, linking only records the person may see, findings,
the answer a leader signs (not the drafter), the extension once; every change ledgered;
refusals change nothing; the duty on the deadline board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import open_action, principal, writing
from zhifa.core.auth import Principal
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.errors import Conflict, DomainError, Forbidden, NotFound
from zhifa.core.permissions import Role
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.ledger.models import ledger_entry
from zhifa.publicity.duties import DutyKind, done_late, duties
from zhifa.supervision.complaints import service
from zhifa.supervision.complaints.models import Complaint, ComplaintLink
from zhifa.supervision.complaints.rules import ComplaintStatus

LETTER = service.StaffIn(
    received_via="letter",
    received_on=today(),
    matter="某执法大队检查时未出示执法证",
    complaint_text="2026年11月在某公司检查时，执法人员未出示执法证件。",
    complainant_name="李四",
    complainant_phone="13900001111",
)


def _entries(db: Session, subject: str) -> list[str]:
    query = select(ledger_entry.c.kind).where(ledger_entry.c.subject == subject)
    return list(db.scalars(query.order_by(ledger_entry.c["index"])))


def test_case_from_letter_to_signed_answer(db: Session, settings: Settings) -> None:
    action_id = open_action(settings)
    with writing(db) as w:
        legal, leader = principal(w, "legal"), principal(w, "leader")
        row = service.enter(w, legal, LETTER)
        complaint_id = row.id
        expected = due(working_calendar(w), "complaint.acceptance_notice", today())
        assert (row.due_on, row.limit_code, row.handler_id) == (
            expected.date,
            "complaint.acceptance_notice",
            legal.user_id,
        )
        assert row.receipt_number.startswith(f"TS-{today().year}-")
        service.accept(w, complaint_id, legal)
        service.link(w, complaint_id, legal, service.LinkIn(link_kind="action", link_id=action_id))
        service.record_findings(
            w,
            complaint_id,
            legal,
            service.FindingsIn(findings="经调取执法记录仪视频，执法人员已出示证件。"),
        )
        answer = service.AnswerIn(
            answer_public="经核查，执法人员已出示执法证件，投诉不成立。",
            answer_internal="视频第2分钟",
        )
        service.propose(w, complaint_id, legal, answer)
    row = db.get(Complaint, complaint_id)
    assert row is not None and row.status is ComplaintStatus.signing
    handling = due(working_calendar(db), "complaint.handling", today())
    assert (row.accepted_on, row.due_on, row.limit_code) == (
        today(),
        handling.date,
        "complaint.handling",
    )

    with writing(db) as w:
        # the drafter may not sign; an officer may not sign
        with pytest.raises(Forbidden):
            service.sign(w, complaint_id, principal(w, "legal"))
        with pytest.raises(Forbidden):
            service.extend(
                w, complaint_id, principal(w, "legal"), service.ExtendIn(extension_reason="复杂")
            )
        service.extend(
            w,
            complaint_id,
            principal(w, "leader"),
            service.ExtendIn(extension_reason="需调取多段视频"),
        )
        with pytest.raises(Conflict):
            service.extend(
                w, complaint_id, principal(w, "leader"), service.ExtendIn(extension_reason="再延")
            )
        service.sign(w, complaint_id, principal(w, "leader"))
    row = db.get(Complaint, complaint_id)
    assert row is not None
    extended = due(working_calendar(db), "complaint.handling_extended", today())
    assert (row.status, row.closed_on, row.due_on) == (
        ComplaintStatus.answered,
        today(),
        extended.date,
    )
    assert row.signed_by == leader.user_id
    assert _entries(db, f"complaint:{complaint_id}") == [
        "complaint.enter",
        "complaint.accept",
        "complaint.findings",
        "complaint.propose",
        "complaint.extend",
        "complaint.sign",
    ]
    link = db.scalar(select(ComplaintLink).where(ComplaintLink.complaint_id == complaint_id))
    assert link is not None and _entries(db, f"complaint_link:{link.id}") == ["complaint.link"]
    # on the deadline board: done on the day it was answered
    found = [d for d in duties(db) if d.kind is DutyKind.complaint and d.record_id == complaint_id]
    assert [(d.part, d.limit_code, d.due_on, d.done_on) for d in found] == [
        ("notice", "complaint.acceptance_notice", expected.date, today()),
        ("answer", "complaint.handling_extended", extended.date, today()),
    ]


def test_a_late_acceptance_notice_stays_late_once_accepted(db: Session) -> None:
    """A letter entered 40 days after it came: its 15-day notice was due before it was
    even entered; accepting it today ends that duty late, and the answer duty starts."""
    received = today() - timedelta(days=40)  # not a legal limit: a test's letter day
    with writing(db) as w:
        legal = principal(w, "legal")
        row = service.enter(w, legal, LETTER.model_copy(update={"received_on": received}))
        complaint_id, notice_due = row.id, row.notice_due_on
        assert notice_due == due(working_calendar(w), "complaint.acceptance_notice", received).date
        service.accept(w, complaint_id, legal)
    found = [d for d in duties(db) if d.kind is DutyKind.complaint and d.record_id == complaint_id]
    assert [(d.part, d.due_on, d.done_on) for d in found] == [
        ("notice", notice_due, today()),
        ("answer", due(working_calendar(db), "complaint.handling", today()).date, None),
    ]
    assert done_late(found[0]) and not done_late(found[1])


def test_refusals_change_nothing(db: Session) -> None:
    with writing(db) as w:
        complaint_id = service.enter(w, principal(w, "legal"), LETTER).id
    before = db.scalar(select(func.count()).select_from(ledger_entry))
    with writing(db) as w:
        legal = principal(w, "legal")
        with pytest.raises(Conflict):  # not accepted yet
            service.propose(w, complaint_id, legal, service.AnswerIn(answer_public="答复"))
        with pytest.raises(NotFound):  # no such document
            link = service.LinkIn(link_kind="document", link_id=999999)
            service.link(w, complaint_id, legal, link)
        with pytest.raises(DomainError) as not_legal:
            service.assign(
                w, complaint_id, legal, service.AssignIn(handler=principal(w, "zhangwei").user_id)
            )
        assert not_legal.value.field == "handler"
        w.rollback()
    assert db.scalar(select(func.count()).select_from(ledger_entry)) == before
    row = db.get(Complaint, complaint_id)
    assert row is not None and row.status is ComplaintStatus.received and row.handler_id is not None


def test_answer_needs_findings_first(db: Session) -> None:
    with writing(db) as w:
        legal = principal(w, "legal")
        complaint_id = service.enter(w, legal, LETTER).id
        service.accept(w, complaint_id, legal)
    with writing(db) as w:
        with pytest.raises(DomainError) as refused:
            service.propose(
                w, complaint_id, principal(w, "legal"), service.AnswerIn(answer_public="答复")
            )
        assert refused.value.field == "findings"
        w.rollback()
    row = db.get(Complaint, complaint_id)
    assert row is not None and row.status is ComplaintStatus.accepted and row.answer_public == ""


def test_bad_entries_are_refused_at_the_edge() -> None:
    with pytest.raises(ValidationError):
        service.StaffIn.model_validate({**LETTER.model_dump(), "received_via": "portal"})
    with pytest.raises(ValidationError):
        service.StaffIn.model_validate({**LETTER.model_dump(), "matter": "  "})
    with pytest.raises(ValidationError):
        service.LinkIn.model_validate({"link_kind": "party", "link_id": 1})


def test_future_receipt_day_refused(db: Session) -> None:
    with writing(db) as w:
        later = LETTER.model_copy(
            update={"received_on": today() + timedelta(days=1)}
        )  # not a legal limit: a test's tomorrow
        with pytest.raises(DomainError) as refused:
            service.enter(w, principal(w, "legal"), later)
        assert refused.value.field == "received_on"
        w.rollback()
    assert db.scalar(select(func.count()).select_from(Complaint)) == 0


def test_link_only_records_the_person_may_see(db: Session, settings: Settings) -> None:
    action_id = open_action(settings)
    with writing(db) as w:
        complaint_id = service.enter(w, principal(w, "legal"), LETTER).id
    with writing(db) as w:
        # someone with an officer's sight (own cases only) who has no part in this case
        legal = principal(w, "legal")
        stranger = Principal(
            legal.user_id, legal.username, legal.full_name, frozenset({Role.officer})
        )
        with pytest.raises(NotFound):
            service.link(
                w, complaint_id, stranger, service.LinkIn(link_kind="action", link_id=action_id)
            )
        w.rollback()
    assert db.scalar(select(func.count()).select_from(ComplaintLink)) == 0

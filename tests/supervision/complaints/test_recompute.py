"""A complaint's provisional due days follow a newly loaded schedule (SQLite and
PostgreSQL): the answer due in the 2027 Spring Festival, counted with the rules before
the schedule, is recomputed with it; the change is kept and ledgered; a complaint whose
days touch no provisional year is left alone."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import schedule_2027
from tests.factories import principal, writing
from tests.supervision.complaints.test_service import LETTER
from zhifa.core.calendar import WorkingCalendar
from zhifa.core.calendar_schedule import schedule_from_dict
from zhifa.core.calendar_store import working_calendar
from zhifa.core.models import DueRecompute
from zhifa.core.time_limits import due
from zhifa.ledger.models import ledger_entry
from zhifa.supervision.complaints import service
from zhifa.supervision.complaints.models import Complaint
from zhifa.supervision.complaints.recompute import recompute_complaints

WITH_2027 = WorkingCalendar([schedule_from_dict(schedule_2027(["2027-02-20"]), allow_example=True)])
ACCEPTED = date(2026, 12, 10)  # + 60 days = 2027-02-08, inside the example's 春节


def test_the_answer_due_in_2027_is_recomputed_with_the_loaded_schedule(db: Session) -> None:
    with writing(db) as w:
        legal = principal(w, "legal")
        waiting = service.enter(w, legal, LETTER).id
        answering = service.enter(w, legal, LETTER).id
        service.accept(w, answering, legal)
        # the case as it stands when accepted on ACCEPTED (the service takes today's date)
        row = w.get(Complaint, answering)
        assert row is not None
        before = due(working_calendar(w), "complaint.handling", ACCEPTED)
        assert before.provisional and before.date.year == 2027
        row.accepted_on, row.due_on, row.due_provisional = ACCEPTED, before.date, True
    with writing(db) as w:
        entries = len(list(w.scalars(select(ledger_entry.c["index"]))))
        changed = recompute_complaints(w, WITH_2027, 2027, "admin")
        row = w.get(Complaint, answering)
        assert row is not None
        after = due(WITH_2027, "complaint.handling", ACCEPTED)
        assert after.date != before.date  # the example's 春节 runs to 02-12
        assert changed == 1 and row.due_on == after.date and after.basis[:100] in row.due_basis
        note = w.scalar(select(DueRecompute).where(DueRecompute.record_id == answering))
        assert note is not None and (note.old_date, note.new_date) == (before.date, after.date)
        # the recompute note and the complaint's new state, each an entry
        assert len(list(w.scalars(select(ledger_entry.c["index"])))) == entries + 2
        untouched = w.get(Complaint, waiting)
        assert untouched is not None and not untouched.notice_due_provisional
        assert w.scalar(select(DueRecompute).where(DueRecompute.record_id == waiting)) is None

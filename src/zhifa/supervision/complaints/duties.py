"""Complaints on the deadline board and in the overdue report (a
`publicity.duties.DutySource`, declared in the supervision manifest). Each complaint is
two duties: telling the complainant whether it is accepted (受理告知, due on the day kept
from the intake, done on the day it was accepted or refused) and, once accepted,
answering it (办结答复, due on the handling day — extended when a leader approved — done
on the day the answer was signed). A notice given late stays late after acceptance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.time_limits import limit
from zhifa.publicity.duties import Duty, DutyKind, Names, Scope
from zhifa.supervision.complaints import rules
from zhifa.supervision.complaints.models import Complaint
from zhifa.supervision.complaints.rules import CHANNEL_LABELS, ComplaintStatus


def _notice_done(row: Complaint) -> date | None:
    if row.status is ComplaintStatus.rejected:
        return row.closed_on
    return row.accepted_on


def _duty(
    row: Complaint, names: Names, code: str, due: tuple[date, bool], done: date | None
) -> Duty:
    """The legal section is the unit (the bureau's 法制机构), so no enforcement unit is
    charged; the handler is the person responsible."""
    return Duty(
        kind=DutyKind.complaint,
        record_id=row.id,
        reference=row.receipt_number,
        subject=row.matter,
        unit_id=None,
        unit="",
        person_id=row.handler_id,
        person=names.person(row.handler_id),
        limit_code=code,
        basis=limit(code).basis,
        due_on=due[0],
        due_provisional=due[1],
        done_on=done,
        link=f"/app/supervision/complaints/{row.id}",
        started_on=row.received_on if code == rules.ACCEPTANCE_LIMIT else row.accepted_on,
        detail=f"{CHANNEL_LABELS[row.channel]} · {limit(code).title}",
        part="notice" if code == rules.ACCEPTANCE_LIMIT else "answer",
    )


def complaint_duties(db: Session, scope: Scope, names: Names) -> Iterator[Duty]:
    """Few enough to read whole (a few hundred a year); the scope picks the duties."""
    for row in db.scalars(select(Complaint).order_by(Complaint.id)):
        notice = (row.notice_due_on, row.notice_due_provisional)
        if scope.admits(notice[0], _notice_done(row)):
            yield _duty(row, names, rules.ACCEPTANCE_LIMIT, notice, _notice_done(row))
        answer = (row.due_on, row.due_provisional)
        if row.accepted_on is not None and scope.admits(answer[0], row.closed_on):
            yield _duty(row, names, row.limit_code, answer, row.closed_on)

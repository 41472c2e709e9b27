"""Complaints on the deadline board and in the overdue report: one duty per complaint,
due on its stage's day (受理告知 while it waits, then 办结答复, extended when a leader
approved), done on the day it was answered or refused (a `publicity.duties.DutySource`,
declared in the supervision manifest)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.time_limits import limit
from zhifa.publicity.duties import Duty, DutyKind, Names, Scope
from zhifa.supervision.complaints.models import Complaint
from zhifa.supervision.complaints.rules import CHANNEL_LABELS


def complaint_duties(db: Session, scope: Scope, names: Names) -> Iterator[Duty]:
    """Each complaint, the handler responsible; the legal section is the unit (the
    bureau's 法制机构), so no enforcement unit is charged with it."""
    query = scope.narrow(select(Complaint).order_by(Complaint.id), Complaint.due_on)
    for row in db.scalars(query):
        if not scope.admits(row.due_on, row.closed_on):
            continue
        yield Duty(
            kind=DutyKind.complaint,
            record_id=row.id,
            reference=row.receipt_number,
            subject=row.matter,
            unit_id=None,
            unit="",
            person_id=row.handler_id,
            person=names.person(row.handler_id),
            limit_code=row.limit_code,
            basis=limit(row.limit_code).basis,
            due_on=row.due_on,
            due_provisional=row.due_provisional,
            done_on=row.closed_on,
            link=f"/app/supervision/complaints/{row.id}",
            started_on=row.accepted_on or row.received_on,
            detail=CHANNEL_LABELS[row.channel],
        )

"""Who took part in a case (回避 for review): whoever is or was assigned to it, opened it,
moved its steps, recorded an activity, an officer's presence, a document (drafted, changed
or issued it), its service, a medium, an interruption's explanation or a recording fact.
One query per kind of record, every kind counted: a reviewer must never score their own
work."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from zhifa.enforcement.models import (
    Acknowledgement,
    Action,
    ActionOfficer,
    ActionTransition,
    Activity,
    ActivityOfficer,
    CertificateShown,
    MattersTold,
)
from zhifa.recording.av.models import Interruption, RecordingFact
from zhifa.recording.documents.models import Document, DocumentService
from zhifa.recording.media.models import Media


def _by_activity(column: object, table: type, ids: list[int]) -> Select[Any]:
    query: Select[Any] = (
        select(Activity.action_id, column)  # type: ignore[call-overload]
        .join(table, table.activity_id == Activity.id)  # type: ignore[attr-defined]
        .where(Activity.action_id.in_(ids))
    )
    return query


def _queries(ids: list[int]) -> list[Select[Any]]:
    return [
        select(ActionOfficer.action_id, ActionOfficer.officer_id).where(
            ActionOfficer.action_id.in_(ids)
        ),
        select(Action.id, Action.opened_by).where(Action.id.in_(ids)),
        select(ActionTransition.action_id, ActionTransition.by_user).where(
            ActionTransition.action_id.in_(ids)
        ),
        select(Activity.action_id, Activity.created_by).where(Activity.action_id.in_(ids)),
        _by_activity(ActivityOfficer.officer_id, ActivityOfficer, ids),
        _by_activity(CertificateShown.recorded_by, CertificateShown, ids),
        _by_activity(MattersTold.recorded_by, MattersTold, ids),
        _by_activity(Acknowledgement.recorded_by, Acknowledgement, ids),
        _by_activity(Interruption.recorded_by, Interruption, ids),
        *(
            select(Document.action_id, column).where(Document.action_id.in_(ids))
            for column in (Document.created_by, Document.updated_by, Document.issued_by)
        ),
        select(Document.action_id, DocumentService.recorded_by)
        .join(DocumentService, DocumentService.document_id == Document.id)
        .where(Document.action_id.in_(ids)),
        select(Media.action_id, Media.uploaded_by).where(Media.action_id.in_(ids)),
        select(RecordingFact.action_id, RecordingFact.recorded_by).where(
            RecordingFact.action_id.in_(ids)
        ),
    ]


def participants(db: Session, action_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each case's participants' user ids."""
    ids = sorted(set(action_ids))
    out: dict[int, set[int]] = {i: set() for i in ids}
    if not ids:
        return out
    for action_id, user_id in db.execute(union(*_queries(ids))):
        if user_id is not None:
            out[action_id].add(user_id)
    return out


def took_part(db: Session, action_id: int, user_id: int) -> bool:
    return user_id in participants(db, [action_id])[action_id]

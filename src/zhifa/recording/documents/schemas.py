"""What the documents API takes and answers: a document with its service deadline, a
service record, the document kinds with their fields and number patterns, the decisions
still to be served."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from zhifa.enforcement.models import Action
from zhifa.enforcement.parties import get_party
from zhifa.recording.documents import service
from zhifa.recording.documents.kinds import DocumentKind, FieldType, document_kind
from zhifa.recording.documents.models import (
    SERVICE_METHOD_LABELS,
    STATUS_LABELS,
    Document,
    DocumentService,
    DocumentStatus,
    ServiceMethod,
)
from zhifa.recording.documents.rules import SERVICE_STATE_LABELS, ServiceState


class DeadlineOut(BaseModel):
    limit: str
    decided_on: date
    due: date
    provisional: bool
    basis: str
    served_on: date | None
    state: ServiceState
    state_label: str


class DocumentOut(BaseModel):
    id: int
    action_id: int
    kind: str
    title: str
    status: DocumentStatus
    status_label: str
    corrected: bool
    superseded_by_id: int | None
    supersedes_id: int | None
    correction_reason: str
    fields: dict[str, Any]
    revision: int
    doc_number: str | None
    issue_date: date | None
    issued_at: datetime | None
    pdf_digest: str | None
    issue_entry: int | None
    discard_reason: str
    created_at: datetime
    updated_at: datetime
    service_deadline: DeadlineOut | None

    @classmethod
    def of(cls, db: Session, doc: Document) -> DocumentOut:
        newer = service.superseded_by(db, doc)
        deadline = service.service_deadline(db, doc)
        kind = document_kind(doc.kind)
        return cls(
            id=doc.id,
            action_id=doc.action_id,
            kind=doc.kind,
            title=service.title_of(doc),
            status=doc.status,
            status_label="已更正" if newer else STATUS_LABELS[doc.status],
            corrected=newer is not None,
            superseded_by_id=newer.id if newer else None,
            supersedes_id=doc.supersedes_id,
            correction_reason=doc.correction_reason,
            fields=doc.fields,
            revision=doc.revision,
            doc_number=doc.doc_number,
            issue_date=doc.issue_date,
            issued_at=doc.issued_at,
            pdf_digest=doc.pdf_digest,
            issue_entry=doc.issue_entry,
            discard_reason=doc.discard_reason,
            created_at=doc.created_at,
            updated_at=doc.updated_at,
            service_deadline=(
                DeadlineOut(
                    limit=kind.service_limit or "",
                    decided_on=deadline.decided_on,
                    due=deadline.due.date,
                    provisional=deadline.due.provisional,
                    basis=deadline.due.basis,
                    served_on=deadline.served_on,
                    state=deadline.state,
                    state_label=SERVICE_STATE_LABELS[deadline.state],
                )
                if deadline
                else None
            ),
        )


class ServiceOut(BaseModel):
    id: int
    document_id: int
    method: ServiceMethod
    method_label: str
    served_on: date
    recipient: str
    place: str
    receipt_document_id: int | None
    receipt_digest: str | None
    consent: bool
    consent_evidence: str
    consent_digest: str | None
    note: str
    recorded_at: datetime

    @classmethod
    def of(cls, row: DocumentService) -> ServiceOut:
        return cls(
            id=row.id,
            document_id=row.document_id,
            method=row.method,
            method_label=SERVICE_METHOD_LABELS[row.method],
            served_on=row.served_on,
            recipient=row.recipient,
            place=row.place,
            receipt_document_id=row.receipt_document_id,
            receipt_digest=row.receipt_digest,
            consent=row.consent,
            consent_evidence=row.consent_evidence,
            consent_digest=row.consent_digest,
            note=row.note,
            recorded_at=row.recorded_at,
        )


class ServiceList(BaseModel):
    deadline: DeadlineOut | None
    items: list[ServiceOut]

    @classmethod
    def of(cls, db: Session, doc: Document) -> ServiceList:
        return cls(
            deadline=DocumentOut.of(db, doc).service_deadline,
            items=[ServiceOut.of(r) for r in service.services_of(db, doc.id)],
        )


class FieldOut(BaseModel):
    name: str
    label: str
    type: FieldType
    required: bool
    help: str
    choices: list[str]
    max_length: int | None


class KindOut(BaseModel):
    code: str
    title: str
    group: str
    numbered: bool
    pattern: str | None
    variants: dict[str, str]
    basis: str
    service_limit: str | None
    fields: list[FieldOut]

    @classmethod
    def of(cls, k: DocumentKind, pattern: str | None) -> KindOut:
        return cls(
            code=k.code,
            title=k.title,
            group=k.group,
            numbered=k.numbered,
            pattern=pattern,
            variants={v: label for v, (label, _t) in k.variants.items()},
            basis=k.basis,
            service_limit=k.service_limit,
            fields=[
                FieldOut(
                    name=s.name,
                    label=s.label,
                    type=s.type,
                    required=s.required,
                    help=s.help,
                    choices=list(s.choices),
                    max_length=s.limit if s.type in (FieldType.text, FieldType.textarea) else None,
                )
                for s in k.fields
            ],
        )


class PatternIn(BaseModel):
    pattern: str
    reason: str


class DueOut(BaseModel):
    document: DocumentOut
    party_name: str

    @classmethod
    def of(cls, db: Session, doc: Document) -> DueOut:
        action = db.get(Action, doc.action_id)
        assert action is not None  # document.action_id is a foreign key
        party_name = get_party(db, action.party_id).current.name
        return cls(document=DocumentOut.of(db, doc), party_name=party_name)

"""Use cases of documents: draft from a kind (prefilled from the action, party and
officers), save drafts, issue (文号, PDF, blob, ledger — then frozen), correct by a new
version, record service (送达), print with the verification line, verify publicly.

Locks, in this order only: the document row (and the corrected one), the numbering
counter, then the ledger (taken by the first `record_change`). On SQLite the
IMMEDIATE transaction already serialises writers.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from zhifa import ledger
from zhifa.blobs import BlobError, BlobStore, hash_stream, is_valid_digest, parse_digest
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.blobstore import store_blob
from zhifa.core.calendar import SHANGHAI, Due
from zhifa.core.calendar_store import working_calendar
from zhifa.core.certificate_rules import CertificateState
from zhifa.core.certificates import get_officer
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import StoredBlob, User
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due as limit_due
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement import actions
from zhifa.enforcement.models import (
    PARTY_KIND_LABELS,
    Acknowledgement,
    AcknowledgementMethod,
    Action,
    ActionOfficer,
    Activity,
)
from zhifa.enforcement.parties import get_party
from zhifa.enforcement.steps import ACTION_KIND_LABELS
from zhifa.enforcement.visibility import of_visible_actions
from zhifa.recording.documents import forms, numbering
from zhifa.recording.documents.kinds import (
    KINDS,
    DocumentKind,
    cn_datetime,
    document_kind,
    format_number,
    on_site_fine_problem,
    prefill,
)
from zhifa.recording.documents.models import (
    Document,
    DocumentService,
    DocumentStatus,
    ServiceMethod,
)
from zhifa.recording.documents.render import (
    render_html,
    render_pdf,
    stamp_pdf,
    verification_lines,
)
from zhifa.recording.documents.rules import (
    EarlierDocument,
    ServiceFacts,
    ServiceState,
    date_problem,
    event_day,
    service_problem,
    service_state,
)
from zhifa.recording.documents.verification import publish_verification, title_of

MAX_RECEIPT_BYTES = 30 * 1024 * 1024


# ---- inputs -------------------------------------------------------------------------------


class DraftIn(BaseModel):
    kind: str = Field(min_length=1, max_length=40)
    fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError("未知的文书种类")
        return value


class FieldsIn(BaseModel):
    fields: dict[str, Any]


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()


class CorrectionIn(ReasonIn):
    fields: dict[str, Any] = Field(default_factory=dict)


class ServiceIn(BaseModel):
    method: ServiceMethod
    served_on: date
    recipient: str = Field(min_length=1, max_length=100)
    place: str = Field(default="", max_length=300)
    receipt_document_id: BodyRecordId | None = None
    receipt_digest: str | None = None
    consent: bool = False
    consent_evidence: str = Field(default="", max_length=300)
    consent_digest: str | None = None
    note: str = Field(default="", max_length=500)

    @field_validator("recipient")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("不能为空")
        return value.strip()

    @field_validator("receipt_digest", "consent_digest", "receipt_document_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


# ---- reading ------------------------------------------------------------------------------


def local_now() -> datetime:
    """Beijing wall-clock time to the minute, as documents state it."""
    return datetime.now(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)


def get_document(
    db: Session, document_id: int, who: Principal, *, handling: bool = False
) -> tuple[Document, Action]:
    """The document and its action, if ``who`` may see (``handling``: act in) the action;
    a document of an action the caller may not see is answered as missing."""
    doc = db.get(Document, document_id)
    action_id = doc.action_id if doc is not None else None
    return doc, actions.action_of_record(db, action_id, who, "文书不存在", handling=handling)  # type: ignore[return-value]


def _lock(db: Session, document_id: int) -> Document:
    doc = db.scalars(
        select(Document)
        .where(Document.id == document_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if doc is None:
        raise NotFound("文书不存在")
    return doc


def documents_of(db: Session, action_id: int) -> list[Document]:
    query = select(Document).where(Document.action_id == action_id).order_by(Document.id)
    return list(db.scalars(query))


def superseded_by(db: Session, doc: Document) -> Document | None:
    """The issued correction that replaced ``doc`` (then ``doc`` is 已更正)."""
    return db.scalar(
        select(Document).where(
            Document.supersedes_id == doc.id, Document.status == DocumentStatus.issued
        )
    )


def as_it_stands(db: Session, doc: Document) -> Document:
    """``doc`` as it stands: the newest issued correction of it (itself when none)."""
    while (newer := superseded_by(db, doc)) is not None:
        doc = newer
    return doc


def open_correction(db: Session, doc: Document) -> Document | None:
    return db.scalar(
        select(Document).where(
            Document.supersedes_id == doc.id, Document.status == DocumentStatus.draft
        )
    )


def template_of(doc: Document) -> str:
    kind = document_kind(doc.kind)
    if doc.variant and doc.variant in kind.variants:
        return kind.variants[doc.variant][1]
    return kind.template


def _effective_query(action_id: int, kind: str) -> Select[tuple[Document]]:
    newer = aliased(Document)
    return select(Document).where(
        Document.action_id == action_id,
        Document.kind == kind,
        Document.status == DocumentStatus.issued,
        ~exists().where(newer.supersedes_id == Document.id, newer.status == DocumentStatus.issued),
    )


def effective(db: Session, action_id: int, kind: str) -> list[Document]:
    """Issued documents of ``kind`` for the action that no correction has replaced."""
    return list(db.scalars(_effective_query(action_id, kind).order_by(Document.id)))


def has_effective(db: Session, action_id: int, kind: str) -> bool:
    return db.scalar(select(exists(_effective_query(action_id, kind)))) or False


# ---- the context: what a document knows of its action ---------------------------------------


def review_body(bureau_name: str) -> str:
    """The 行政复议机关 of a district bureau: the district's people's government."""
    if bureau_name.endswith("应急管理局"):
        return bureau_name.removesuffix("应急管理局") + "人民政府"
    return ""


def _certificate_number(db: Session, user_id: int, on: date) -> str | None:
    try:
        view = get_officer(db, user_id)
    except NotFound:
        return None
    valid = [c for c in view.certificates if c.state(on) is CertificateState.valid]
    chosen = valid or view.certificates
    return chosen[0].current.number if chosen else None


def build_context(db: Session, settings: Settings, action: Action) -> dict[str, Any]:
    """The action, party, officers and bureau as the document states them (frozen into
    the document when it is issued)."""
    view = get_party(db, action.party_id)
    party = view.current
    kind = view.party.kind.value
    on = today()
    officer_rows = sorted(
        db.scalars(select(ActionOfficer).where(ActionOfficer.action_id == action.id)),
        key=lambda row: (not row.lead, row.id),
    )
    officers = []
    for row in officer_rows:
        user = db.get(User, row.officer_id)
        if user is not None:
            officers.append(
                {
                    "name": user.full_name,
                    "certificate_number": _certificate_number(db, user.id, on),
                    "lead": row.lead,
                }
            )
    names = [o["name"] for o in officers]
    issued: dict[str, dict[str, Any]] = {}
    summary = []
    for doc in documents_of(db, action.id):
        if doc.status is not DocumentStatus.issued or superseded_by(db, doc) is not None:
            continue
        entry = {
            "title": title_of(doc),
            "doc_number": doc.doc_number,
            "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
        }
        entry.update({name: doc.fields.get(name) for name in document_kind(doc.kind).carries})
        issued[doc.kind] = entry
        if doc.kind != "service_receipt":
            summary.append(f"《{entry['title']}》{doc.doc_number or ''}")
    item = action.power_item
    return {
        "bureau": {
            "name": settings.bureau_name,
            "uscc": settings.bureau_uscc,
            "address": settings.bureau_address,
            "phone": settings.bureau_phone,
            "review_body": review_body(settings.bureau_name),
        },
        "action": {
            "id": action.id,
            "title": action.title,
            "kind_label": ACTION_KIND_LABELS[action.kind],
        },
        "power_item": {"code": item.code, "name": item.name, "basis": item.basis},
        "party": {
            "id": view.party.id,
            "version": party.version,
            "kind": kind,
            "kind_label": PARTY_KIND_LABELS[view.party.kind],
            "name": party.name,
            "uscc": party.uscc,
            "id_number": party.id_number,
            "legal_representative": party.legal_representative,
            "address": party.address,
            "phone": party.phone,
            "contact": party.legal_representative or party.name,
        },
        "officers": officers,
        "officer_names": {
            "first": names[0] if names else None,
            "second": names[1] if len(names) > 1 else None,
            "all": "、".join(names),
        },
        "issued": issued,
        "issued_summary": "\n".join(summary),
        "acknowledgement": _acknowledgement(db, action),
    }


def _acknowledgement(db: Session, action: Action) -> dict[str, Any] | None:
    """What the party last acknowledged at an on-site activity of the current step, and
    the digest of their drawn signature (a step's on-site document carries it)."""
    query = (
        select(Acknowledgement)
        .join(Activity, Activity.id == Acknowledgement.activity_id)
        .where(Activity.action_id == action.id, Activity.step == action.current_step)
        .order_by(Acknowledgement.id.desc())
    )
    row = db.scalar(query)
    if row is None:
        return None
    drawn = row.method is AcknowledgementMethod.signature
    return {
        "signer_name": row.signer_name,
        "statement": row.statement,
        "at": cn_datetime(row.at.astimezone(SHANGHAI).replace(tzinfo=None)),
        "signature": row.blob_digest if drawn else None,
    }


def signature_images(store: BlobStore | None, context: dict[str, Any]) -> dict[str, str]:
    """The drawn signature a document's context names, as a data: URI for the print."""
    ack = context.get("acknowledgement") or {}
    digest = ack.get("signature")
    if store is None or not digest:
        return {}
    with store.open(digest) as handle:
        data = handle.read()
    return {digest: "data:image/png;base64," + base64.b64encode(data).decode("ascii")}


# ---- drafts -------------------------------------------------------------------------------


def _actor(who: Principal) -> str:
    return actor_name(who)


def create_draft(
    db: Session, settings: Settings, action_id: int, data: DraftIn, who: Principal
) -> Document:
    """A new draft of ``data.kind`` for the action, prefilled, then ``data.fields``."""
    action = actions.get_action(db, action_id, who, handling=True)
    kind = document_kind(data.kind)
    context = build_context(db, settings, action)
    values = forms.validate(kind, prefill(kind, context, local_now()), complete=False)
    values.update(forms.validate(kind, data.fields, complete=False))
    variant, _title, _template = kind.variant_for(context["party"]["kind"])
    doc = Document(
        action_id=action.id,
        kind=kind.code,
        variant=variant,
        status=DocumentStatus.draft,
        fields=values,
        context=context,
        created_by=who.user_id,
        updated_by=who.user_id,
    )
    db.add(doc)
    record_change(db, _actor(who), "document.draft", doc)
    return doc


def _refuse_if_not_draft(doc: Document) -> None:
    if doc.status is DocumentStatus.issued:
        number = f"，文号为{doc.doc_number}" if doc.doc_number else ""
        raise Conflict(
            f"该文书已于 {doc.issue_date} 签发{number}。签发后不能修改；如有错误，请制作更正文书",
            "status",
        )
    if doc.status is DocumentStatus.discarded:
        raise Conflict("该草稿已作废，不能再修改或签发", "status")


def save_draft(
    db: Session, settings: Settings, document_id: int, fields: dict[str, Any], who: Principal
) -> Document:
    """Change the given fields of a draft (a null or empty value clears one)."""
    get_document(db, document_id, who, handling=True)
    doc = _lock(db, document_id)
    _refuse_if_not_draft(doc)
    kind = document_kind(doc.kind)
    if not isinstance(fields, dict):
        raise DomainError("文书内容应为“栏目: 值”的对象", "fields")
    checked = forms.validate(kind, fields, complete=False)
    merged = {k: v for k, v in doc.fields.items() if k not in fields}
    merged.update(checked)
    action = db.get(Action, doc.action_id)
    assert action is not None
    doc.fields = merged
    doc.context = build_context(db, settings, action)
    doc.revision += 1
    doc.updated_at = utcnow()
    doc.updated_by = who.user_id
    record_change(db, _actor(who), "document.save", doc)
    return doc


def discard_draft(db: Session, document_id: int, reason: str, who: Principal) -> Document:
    get_document(db, document_id, who, handling=True)
    doc = _lock(db, document_id)
    _refuse_if_not_draft(doc)
    doc.status = DocumentStatus.discarded
    doc.discard_reason = reason.strip()[:500]
    doc.updated_at = utcnow()
    doc.updated_by = who.user_id
    record_change(db, _actor(who), "document.discard", doc)
    return doc


def start_correction(
    db: Session, settings: Settings, document_id: int, data: CorrectionIn, who: Principal
) -> Document:
    """A draft that will replace an issued document when it is issued; it starts as a
    copy of the old fields (plus ``data.fields``) and states why."""
    original, action = get_document(db, document_id, who, handling=True)
    original = _lock(db, document_id)
    if original.status is not DocumentStatus.issued:
        raise Conflict("只有已签发的文书才能更正；草稿可直接修改", "status")
    newer = superseded_by(db, original)
    if newer is not None:
        raise Conflict(
            f"该文书已被更正（更正文书编号 {newer.id}），请对最新的文书进行更正", "status"
        )
    pending = open_correction(db, original)
    if pending is not None:
        raise Conflict(f"该文书已有更正草稿（编号 {pending.id}），请继续编辑该草稿", "status")
    kind = document_kind(original.kind)
    values = dict(original.fields)
    values.update(forms.validate(kind, data.fields, complete=False))
    doc = Document(
        action_id=original.action_id,
        kind=original.kind,
        variant=original.variant,
        status=DocumentStatus.draft,
        fields=values,
        context=build_context(db, settings, action),
        supersedes_id=original.id,
        correction_reason=data.reason,
        created_by=who.user_id,
        updated_by=who.user_id,
    )
    db.add(doc)
    record_change(db, _actor(who), "document.correction", doc)
    return doc


# ---- issuing ------------------------------------------------------------------------------


def _issue_checks(
    kind: DocumentKind, typed: dict[str, Any], context: dict[str, Any], on: date
) -> None:
    """Checks that need the party or today's date (the rest are in forms/kinds)."""
    if kind.code == "on_site_penalty_decision":
        problem = on_site_fine_problem(context["party"]["kind"], typed.get("fine_amount"))
        if problem:
            raise DomainError(problem, "fine_amount")
    deadline = typed.get("deadline")
    if kind.code == "rectification_order" and deadline is not None and deadline < on:
        raise DomainError("整改期限不能早于签发日期", "deadline")


def _earlier_documents(db: Session, doc: Document) -> list[EarlierDocument]:
    """The action's issued documents in force, other than ``doc`` and the one it corrects."""
    found = []
    for other in documents_of(db, doc.action_id):
        if other.id in (doc.id, doc.supersedes_id) or other.status is not DocumentStatus.issued:
            continue
        if other.issue_date is None or superseded_by(db, other) is not None:
            continue
        typed = forms.typed_values(document_kind(other.kind), other.fields)
        happened = event_day(other.kind, typed, other.issue_date)
        found.append(EarlierDocument(other.kind, title_of(other), other.doc_number, happened))
    return found


def _date_checks(db: Session, doc: Document, kind: DocumentKind, typed: dict[str, Any]) -> None:
    problem = date_problem(kind, typed, local_now(), _earlier_documents(db, doc))
    if problem:
        raise DomainError(problem[1], problem[0])


def _document_facts(doc: Document, original: Document | None, number: str | None) -> dict[str, Any]:
    correction = None
    if original is not None:
        correction = {
            "number": original.doc_number,
            "title": title_of(original),
            "reason": doc.correction_reason,
            "issue_date": original.issue_date,
        }
    return {
        "id": doc.id,
        "number": number,
        "issue_date": doc.issue_date,
        "issued_at": doc.issued_at.isoformat() if doc.issued_at else None,
        "correction": correction,
    }


def preview_html(
    db: Session, settings: Settings, doc: Document, store: BlobStore | None = None
) -> str:
    """The draft as it would print now (without 文号), marked as a draft; an issued
    document is shown as it was frozen."""
    kind = document_kind(doc.kind)
    original = db.get(Document, doc.supersedes_id) if doc.supersedes_id else None
    if doc.status is DocumentStatus.issued:
        context = doc.context
        number = doc.doc_number
    else:
        action = db.get(Action, doc.action_id)
        assert action is not None
        context = build_context(db, settings, action)
        number = None
    return render_html(
        kind,
        template=template_of(doc),
        title=title_of(doc),
        fields=forms.typed_values(kind, doc.fields),
        context=context,
        document=_document_facts(doc, original, number),
        draft=doc.status is not DocumentStatus.issued,
        images=signature_images(store, context),
    )


def issue(
    db: Session, settings: Settings, store: BlobStore, document_id: int, who: Principal
) -> Document:
    """Number, render, store and freeze the document; ledger the issue. Any refusal
    raises before a number is taken or rolls back with the transaction."""
    get_document(db, document_id, who, handling=True)
    doc = _lock(db, document_id)
    _refuse_if_not_draft(doc)
    kind = document_kind(doc.kind)
    action = db.get(Action, doc.action_id)
    assert action is not None
    context = build_context(db, settings, action)
    stored = forms.validate(kind, doc.fields, complete=True)
    typed = forms.typed_values(kind, stored)
    on = today()
    _issue_checks(kind, typed, context, on)
    _date_checks(db, doc, kind, typed)
    original = None
    if doc.supersedes_id is not None:
        original = _lock(db, doc.supersedes_id)
        if superseded_by(db, original) is not None:
            raise Conflict("原文书已被另一份更正文书更正，本更正草稿不能再签发", "status")

    counter = None
    number = None
    pattern = numbering.current_pattern(db, kind.code)
    if pattern is not None:
        counter = numbering.take_number(db, kind.code, on.year)
        number = format_number(pattern, on.year, counter.last)
    doc.issue_date = on
    doc.issued_at = utcnow()
    html = render_html(
        kind,
        template=template_of(doc),
        title=title_of(doc),
        fields=typed,
        context=context,
        document=_document_facts(doc, original, number),
        draft=False,
        images=signature_images(store, context),
    )
    pdf = render_pdf(html)
    blob = store_blob(db, store, io.BytesIO(pdf), who, settings.blob_max_bytes)

    doc.status = DocumentStatus.issued
    doc.fields = stored
    doc.context = context
    doc.doc_number = number
    doc.number_year = on.year if counter else None
    doc.number_seq = counter.last if counter else None
    doc.issued_by = who.user_id
    doc.pdf_digest = blob.digest
    doc.updated_at = doc.issued_at
    doc.updated_by = who.user_id
    try:
        if counter is not None:
            record_change(db, _actor(who), "document.number", counter)
        # The issue entry is the next one: this transaction holds the ledger lock now.
        doc.issue_entry = ledger.lock(db)
        record_change(db, _actor(who), "document.issue", doc)
    except IntegrityError as exc:
        raise Conflict(
            f"文号 {number} 与已有文书重复，请检查该文书种类的文号格式设置", "doc_number"
        ) from exc
    if ledger.lock(db) != doc.issue_entry + 1:  # pragma: no cover - a broken invariant
        raise RuntimeError("issue entry index mismatch")
    publish_verification(db, doc, original)
    return doc


# ---- the stored PDF and the print copy --------------------------------------------------------


def stored_pdf(store: BlobStore, doc: Document) -> bytes:
    """The issued PDF exactly as stored, after checking its digest."""
    if doc.status is not DocumentStatus.issued or doc.pdf_digest is None:
        raise Conflict("文书尚未签发，没有正式文本；请使用预览", "status")
    try:
        with store.open(doc.pdf_digest) as handle:
            data = handle.read()
    except BlobError as exc:
        raise DomainError(f"文书文件无法读取：{exc}") from exc
    algorithm, _hex = parse_digest(doc.pdf_digest)
    if hash_stream(io.BytesIO(data), algorithm)[0] != doc.pdf_digest:
        raise Conflict("存储的文书文件与登记的摘要不符，可能已被篡改，请联系管理员核查")
    return data


def print_copy(db: Session, store: BlobStore, doc: Document) -> bytes:
    """The stored PDF with the verification line on every page (see render.py)."""
    data = stored_pdf(store, doc)
    assert doc.pdf_digest is not None and doc.issue_entry is not None
    newer = superseded_by(db, doc)
    note = ""
    if newer is not None:
        note = f"本文书已被{newer.doc_number or '更正文书'}更正，已失效"
    return stamp_pdf(
        data, verification_lines(doc.pdf_digest, doc.issue_entry, doc.doc_number, note)
    )


# ---- service (送达) ----------------------------------------------------------------------


def _blob_exists(db: Session, digest: str | None, field: str) -> None:
    if digest is None:
        return
    if not is_valid_digest(digest) or db.get(StoredBlob, digest) is None:
        raise DomainError("引用的文件不存在", field)


def store_upload(
    db: Session, store: BlobStore, stream: BinaryIO, who: Principal, field: str
) -> str:
    try:
        row = store_blob(db, store, stream, who, MAX_RECEIPT_BYTES)
    except DomainError as exc:
        raise DomainError(exc.message, field) from exc
    return row.digest


def record_service(
    db: Session, document_id: int, data: ServiceIn, who: Principal
) -> DocumentService:
    doc, action = get_document(db, document_id, who, handling=True)
    if doc.status is not DocumentStatus.issued:
        raise Conflict("文书尚未签发，不能送达", "status")
    if doc.kind == "service_receipt":
        raise DomainError("文书送达回执本身不需要送达", "method")
    assert doc.issue_date is not None
    if data.receipt_document_id is not None:
        receipt = db.get(Document, data.receipt_document_id)
        if (
            receipt is None
            or receipt.action_id != action.id
            or receipt.kind != "service_receipt"
            or receipt.status is not DocumentStatus.issued
        ):
            raise DomainError("送达回执须是本案件已签发的《文书送达回执》", "receipt_document_id")
    _blob_exists(db, data.receipt_digest, "receipt_digest")
    _blob_exists(db, data.consent_digest, "consent_digest")
    problem = service_problem(
        ServiceFacts(
            method=data.method,
            served_on=data.served_on,
            issue_date=doc.issue_date,
            today=today(),
            has_receipt=data.receipt_document_id is not None or data.receipt_digest is not None,
            consent=data.consent,
            consent_evidence=bool(data.consent_evidence.strip() or data.consent_digest),
            note=data.note,
            place=data.place,
        )
    )
    if problem:
        raise DomainError(problem[1], problem[0])
    row = DocumentService(
        document_id=doc.id,
        method=data.method,
        served_on=data.served_on,
        recipient=data.recipient,
        place=data.place.strip(),
        receipt_document_id=data.receipt_document_id,
        receipt_digest=data.receipt_digest,
        consent=data.consent,
        consent_evidence=data.consent_evidence.strip(),
        consent_digest=data.consent_digest,
        note=data.note.strip(),
        recorded_by=who.user_id,
    )
    db.add(row)
    record_change(db, _actor(who), "document.serve", row)
    return row


def services_of(db: Session, document_id: int) -> list[DocumentService]:
    query = select(DocumentService).where(DocumentService.document_id == document_id)
    return list(db.scalars(query.order_by(DocumentService.served_on, DocumentService.id)))


@dataclass(frozen=True)
class ServiceDeadline:
    decided_on: date
    due: Due
    served_on: date | None
    state: ServiceState


def service_deadline(db: Session, doc: Document) -> ServiceDeadline | None:
    """The service deadline of an issued decision that has one (and is not replaced)."""
    kind = document_kind(doc.kind)
    if kind.service_limit is None or doc.status is not DocumentStatus.issued:
        return None
    if doc.issue_date is None or superseded_by(db, doc) is not None:
        return None
    due = limit_due(working_calendar(db), kind.service_limit, doc.issue_date)
    served = services_of(db, doc.id)
    served_on = served[0].served_on if served else None
    return ServiceDeadline(
        doc.issue_date, due, served_on, service_state(due.date, served_on, today())
    )


def unserved_decisions(db: Session, who: Principal) -> list[tuple[Document, ServiceDeadline]]:
    """Issued decisions with a service deadline that are not served yet, soonest first."""
    kinds = [k.code for k in KINDS.values() if k.service_limit]
    query = select(Document).where(
        Document.kind.in_(kinds),
        Document.status == DocumentStatus.issued,
        ~exists().where(DocumentService.document_id == Document.id),
    )
    out = []
    for doc in db.scalars(of_visible_actions(query, Document.action_id, who)):
        deadline = service_deadline(db, doc)
        if deadline is not None:
            out.append((doc, deadline))
    return sorted(out, key=lambda pair: pair[1].due.date)

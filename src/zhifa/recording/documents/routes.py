"""Pages (usable on a phone) and JSON API for documents, and the public verification
page. Every read of a document by a person is logged (调阅留痕)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import PDF_FILE, Config, Db, RecordId, render, require
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.validation import parse
from zhifa.enforcement import actions
from zhifa.enforcement.models import Action
from zhifa.enforcement.parties import get_party
from zhifa.recording.documents import forms, numbering, service
from zhifa.recording.documents.kinds import GROUPS, KINDS, FieldType, document_kind
from zhifa.recording.documents.models import (
    SERVICE_METHOD_LABELS,
    STATUS_LABELS,
    Document,
    DocumentService,
    DocumentStatus,
    ServiceMethod,
)
from zhifa.recording.documents.requirement import missing_documents
from zhifa.recording.documents.rules import SERVICE_STATE_LABELS, ServiceState

pages = APIRouter(prefix="/app/actions/{action_id}/documents", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["文书"])
public = APIRouter(include_in_schema=False)
party_pages = APIRouter(prefix="/app/parties/{party_id}/documents", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.document_write))]
Issuer = Annotated[Principal, Depends(require(Permission.document_issue))]
Admin = Annotated[Principal, Depends(require(Permission.unit_admin))]

NOTICES = {
    "created": "草稿已建立，请填写。",
    "saved": "草稿已保存。",
    "issued": "文书已签发：已编号、生成 PDF 并记入账本，此后不能再修改。",
    "discarded": "草稿已作废。",
    "correction": "更正草稿已建立；签发后原文书标记为“已更正”。",
    "served": "送达情况已记录。",
}


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _pdf_response(data: bytes, filename: str) -> Response:
    quoted = quote(filename)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"inline; filename=\"document.pdf\"; filename*=UTF-8''{quoted}",
            "Cache-Control": "no-store",
        },
    )


def _filename(doc: Document, suffix: str = "") -> str:
    number = doc.doc_number or f"编号{doc.id}"
    return f"{service.title_of(doc)}{number}{suffix}.pdf"


# ---- views shared by pages and API ----------------------------------------------------------


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


def _doc_of_action(db: Session, action_id: int, document_id: int, who: Principal) -> Document:
    doc, _action = service.get_document(db, document_id, who)
    if doc.action_id != action_id:
        raise NotFound("文书不存在")
    return doc


def _labels() -> dict[str, Any]:
    return {
        "kinds": KINDS,
        "groups": GROUPS,
        "status_labels": STATUS_LABELS,
        "method_labels": SERVICE_METHOD_LABELS,
        "state_labels": SERVICE_STATE_LABELS,
        "FieldType": FieldType,
        "title_of": service.title_of,
    }


# ---- pages --------------------------------------------------------------------------------


def _list_context(db: Session, action: Action) -> dict[str, Any]:
    docs = service.documents_of(db, action.id)
    corrected = {d.id for d in docs if service.superseded_by(db, d) is not None}
    step = actions.procedure_of(action).step(action.current_step)
    return {
        "action": action,
        "party": get_party(db, action.party_id).current,
        "docs": docs,
        "corrected": corrected,
        "step": step,
        "step_missing": missing_documents(db, action, step),
        "deadlines": {d.id: service.service_deadline(db, d) for d in docs},
    }


@pages.get("", response_class=HTMLResponse)
def document_list_page(request: Request, action_id: RecordId, db: Db, who: Reader) -> Response:
    action = actions.get_action(db, action_id, who)
    log_access(db, who, "document", None, f"案件 {action_id} 的文书列表")
    return render(
        request,
        "document_list.html",
        notice=_notice(request),
        **_list_context(db, action),
        **_labels(),
    )


@pages.get("/fragment", response_class=HTMLResponse)
def document_fragment(request: Request, action_id: RecordId, db: Db, who: Reader) -> Response:
    """The action page's 文书 section, loaded by htmx."""
    action = actions.get_action(db, action_id, who)
    log_access(db, who, "document", None, f"案件 {action_id} 的文书列表")
    return render(request, "document_fragment.html", **_list_context(db, action), **_labels())


@pages.post("", response_class=HTMLResponse)
async def document_new_submit(
    request: Request, action_id: RecordId, db: Db, who: Writer, settings: Config
) -> Response:
    form = await request.form()
    try:
        data = parse(service.DraftIn, {"kind": str(form.get("kind", ""))})
        doc = service.create_draft(db, settings, action_id, data, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        action = actions.get_action(db, action_id, who)
        return render(
            request,
            "document_list.html",
            exc.status_code,
            error=exc.message,
            **_list_context(db, action),
            **_labels(),
        )
    return RedirectResponse(
        f"/app/actions/{action_id}/documents/{doc.id}/edit?done=created", status_code=303
    )


def _detail(
    request: Request, db: Session, doc: Document, status: int = 200, **extra: Any
) -> Response:
    action = db.get(Action, doc.action_id)
    kind = document_kind(doc.kind)
    return render(
        request,
        "document_detail.html",
        status,
        doc=doc,
        action=action,
        kind=kind,
        values=forms.typed_values(kind, doc.fields),
        newer=service.superseded_by(db, doc),
        pending=service.open_correction(db, doc),
        original=db.get(Document, doc.supersedes_id) if doc.supersedes_id else None,
        services=service.services_of(db, doc.id),
        deadline=service.service_deadline(db, doc),
        notice=_notice(request),
        **_labels(),
        **extra,
    )


@pages.get("/{document_id}", response_class=HTMLResponse)
def document_page(
    request: Request, action_id: RecordId, document_id: RecordId, db: Db, who: Reader
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "查看文书")
    return _detail(request, db, doc)


def _form_fields(form: Any, doc: Document) -> dict[str, Any]:
    """What the edit form posted, for every field of the kind (blank clears)."""
    kind = document_kind(doc.kind)
    values: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.type is FieldType.boolean:
            values[spec.name] = form.get(spec.name) in ("on", "true", "1")
        else:
            values[spec.name] = str(form.get(spec.name, ""))
    return values


def _edit_form(
    request: Request, db: Session, doc: Document, status: int = 200, **extra: Any
) -> Response:
    kind = document_kind(doc.kind)
    return render(
        request,
        "document_form.html",
        status,
        doc=doc,
        kind=kind,
        values=extra.pop("values", None) or doc.fields,
        original=db.get(Document, doc.supersedes_id) if doc.supersedes_id else None,
        notice=_notice(request),
        **_labels(),
        **extra,
    )


@pages.get("/{document_id}/edit", response_class=HTMLResponse)
def document_edit_page(
    request: Request, action_id: RecordId, document_id: RecordId, db: Db, who: Writer
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "编辑文书草稿")
    if doc.status is not DocumentStatus.draft:
        return _detail(request, db, doc, 409, error="该文书不是草稿，不能修改")
    return _edit_form(request, db, doc)


@pages.post("/{document_id}/edit", response_class=HTMLResponse)
async def document_edit_submit(
    request: Request,
    action_id: RecordId,
    document_id: RecordId,
    db: Db,
    who: Writer,
    settings: Config,
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    form = await request.form()
    values = _form_fields(form, doc)
    try:
        service.save_draft(db, settings, document_id, values, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        doc = _doc_of_action(db, action_id, document_id, who)
        if doc.status is not DocumentStatus.draft:
            return _detail(request, db, doc, exc.status_code, error=exc.message)
        return _edit_form(
            request, db, doc, exc.status_code, values=values, error=exc.message, field=exc.field
        )
    target = "preview" if form.get("next") == "preview" else "edit"
    suffix = "" if target == "preview" else "?done=saved"
    return RedirectResponse(
        f"/app/actions/{action_id}/documents/{document_id}/{target}{suffix}", status_code=303
    )


@pages.get("/{document_id}/preview", response_class=HTMLResponse)
def document_preview_page(
    request: Request,
    action_id: RecordId,
    document_id: RecordId,
    db: Db,
    who: Reader,
    settings: Config,
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "预览文书")
    return render(
        request,
        "document_preview.html",
        doc=doc,
        action_id=action_id,
        html=service.preview_html(db, settings, doc),
        **_labels(),
    )


@pages.post("/{document_id}/issue", response_class=HTMLResponse)
def document_issue_submit(
    request: Request,
    action_id: RecordId,
    document_id: RecordId,
    db: Db,
    who: Issuer,
    settings: Config,
) -> Response:
    _doc_of_action(db, action_id, document_id, who)
    try:
        service.issue(db, settings, open_blob_store(settings), document_id, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        doc = _doc_of_action(db, action_id, document_id, who)
        names = {spec.name for spec in document_kind(doc.kind).fields}
        if doc.status is DocumentStatus.draft and exc.field in names:
            return _edit_form(request, db, doc, exc.status_code, error=exc.message, field=exc.field)
        return _detail(request, db, doc, exc.status_code, error=exc.message)
    return RedirectResponse(
        f"/app/actions/{action_id}/documents/{document_id}?done=issued", status_code=303
    )


@pages.post("/{document_id}/discard", response_class=HTMLResponse)
async def document_discard_submit(
    request: Request, action_id: RecordId, document_id: RecordId, db: Db, who: Writer
) -> Response:
    _doc_of_action(db, action_id, document_id, who)
    form = await request.form()
    try:
        data = parse(service.ReasonIn, {"reason": str(form.get("reason", ""))})
        service.discard_draft(db, document_id, data.reason, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        doc = _doc_of_action(db, action_id, document_id, who)
        return _detail(request, db, doc, exc.status_code, error=exc.message)
    return RedirectResponse(
        f"/app/actions/{action_id}/documents/{document_id}?done=discarded", status_code=303
    )


@pages.get("/{document_id}/correct", response_class=HTMLResponse)
def document_correct_page(
    request: Request, action_id: RecordId, document_id: RecordId, db: Db, who: Issuer
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "更正文书")
    return render(request, "document_correct.html", doc=doc, values={}, **_labels())


@pages.post("/{document_id}/correct", response_class=HTMLResponse)
async def document_correct_submit(
    request: Request,
    action_id: RecordId,
    document_id: RecordId,
    db: Db,
    who: Issuer,
    settings: Config,
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    form = await request.form()
    values = {"reason": str(form.get("reason", ""))}
    try:
        data = parse(service.CorrectionIn, values)
        new = service.start_correction(db, settings, document_id, data, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "document_correct.html",
            exc.status_code,
            doc=doc,
            values=values,
            error=exc.message,
            **_labels(),
        )
    return RedirectResponse(
        f"/app/actions/{action_id}/documents/{new.id}/edit?done=correction", status_code=303
    )


def _serve_form(
    request: Request, db: Session, doc: Document, status: int = 200, **extra: Any
) -> Response:
    receipts = service.effective(db, doc.action_id, "service_receipt")
    action = db.get(Action, doc.action_id)
    assert action is not None
    party = get_party(db, action.party_id).current
    values = extra.pop("values", None) or {
        "recipient": party.name,
        "place": party.address,
        "served_on": today().isoformat(),
        "method": "direct",
    }
    return render(
        request,
        "document_serve.html",
        status,
        doc=doc,
        receipts=receipts,
        values=values,
        deadline=service.service_deadline(db, doc),
        **_labels(),
        **extra,
    )


@pages.get("/{document_id}/serve", response_class=HTMLResponse)
def document_serve_page(
    request: Request, action_id: RecordId, document_id: RecordId, db: Db, who: Issuer
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "记录送达")
    return _serve_form(request, db, doc)


async def _upload(form: Any, name: str) -> UploadFile | None:
    upload = form.get(name)
    if isinstance(upload, UploadFile) and upload.filename:
        return upload
    return None


async def _service_input(
    db: Session, settings: Settings, form: Any, who: Principal
) -> service.ServiceIn:
    """A service record from a (multipart) form; uploaded files go into the blob store
    in the same transaction."""
    values: dict[str, Any] = {
        key: str(form.get(key, "")).strip()
        for key in (
            "method",
            "served_on",
            "recipient",
            "place",
            "receipt_document_id",
            "receipt_digest",
            "consent_evidence",
            "consent_digest",
            "note",
        )
    }
    values["consent"] = form.get("consent") in ("on", "true", "1")
    data = parse(service.ServiceIn, values)
    store = None
    for field, target in (("receipt_file", "receipt_digest"), ("consent_file", "consent_digest")):
        upload = await _upload(form, field)
        if upload is not None:
            store = store or open_blob_store(settings)
            raw = await upload.read(service.MAX_RECEIPT_BYTES + 1)
            digest = service.store_upload(db, store, io.BytesIO(raw), who, field)
            data = data.model_copy(update={target: digest})
    return data


@pages.post("/{document_id}/serve", response_class=HTMLResponse)
async def document_serve_submit(
    request: Request,
    action_id: RecordId,
    document_id: RecordId,
    db: Db,
    who: Issuer,
    settings: Config,
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    form = await request.form()
    try:
        data = await _service_input(db, settings, form, who)
        service.record_service(db, document_id, data, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        values = {key: form.get(key) for key in form if not isinstance(form.get(key), UploadFile)}
        return _serve_form(
            request, db, doc, exc.status_code, values=values, error=exc.message, field=exc.field
        )
    return RedirectResponse(
        f"/app/actions/{action_id}/documents/{document_id}?done=served", status_code=303
    )


@pages.get("/{document_id}/pdf")
def document_pdf_page(
    action_id: RecordId, document_id: RecordId, db: Db, who: Reader, settings: Config
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "下载文书 PDF")
    return _pdf_response(service.stored_pdf(open_blob_store(settings), doc), _filename(doc))


@pages.get("/{document_id}/print")
def document_print_page(
    action_id: RecordId, document_id: RecordId, db: Db, who: Reader, settings: Config
) -> Response:
    doc = _doc_of_action(db, action_id, document_id, who)
    log_access(db, who, "document", document_id, "打印文书")
    data = service.print_copy(db, open_blob_store(settings), doc)
    return _pdf_response(data, _filename(doc, "（打印件）"))


# ---- JSON API -----------------------------------------------------------------------------


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


@api.get("/document-kinds", summary="文书种类、栏目与文号格式")
def api_kinds(db: Db, who: Reader) -> list[KindOut]:
    patterns = numbering.all_patterns(db)
    return [
        KindOut(
            code=k.code,
            title=k.title,
            group=k.group,
            numbered=k.numbered,
            pattern=patterns[k.code],
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
        for k in KINDS.values()
    ]


class PatternIn(BaseModel):
    pattern: str
    reason: str


@api.put("/document-kinds/{code}/pattern", summary="设置文号格式（系统管理员）")
def api_set_pattern(code: str, data: PatternIn, db: Db, who: Admin) -> dict[str, str]:
    row = numbering.set_pattern(db, code, data.pattern, data.reason, who)
    db.commit()
    return {"kind": row.kind, "pattern": row.pattern}


@api.get("/actions/{action_id}/documents", summary="案件的文书（调阅留痕）")
def api_action_documents(action_id: RecordId, db: Db, who: Reader) -> list[DocumentOut]:
    actions.get_action(db, action_id, who)
    log_access(db, who, "document", None, f"案件 {action_id} 的文书列表", via="api")
    return [DocumentOut.of(db, d) for d in service.documents_of(db, action_id)]


@api.post("/actions/{action_id}/documents", status_code=201, summary="新建文书草稿（自动预填）")
def api_create_draft(
    action_id: RecordId, data: service.DraftIn, db: Db, who: Writer, settings: Config
) -> DocumentOut:
    doc = service.create_draft(db, settings, action_id, data, who)
    db.commit()
    return DocumentOut.of(db, doc)


class DueOut(BaseModel):
    document: DocumentOut
    party_name: str


@api.get("/documents/service-due", summary="待送达的处罚决定及送达期限")
def api_service_due(db: Db, who: Reader) -> list[DueOut]:
    rows = service.unserved_decisions(db, who)
    log_access(db, who, "document", None, "待送达文书列表", via="api")
    out = []
    for doc, _deadline in rows:
        action = db.get(Action, doc.action_id)
        assert action is not None
        out.append(
            DueOut(
                document=DocumentOut.of(db, doc),
                party_name=get_party(db, action.party_id).current.name,
            )
        )
    return out


@api.get("/documents/{document_id}", summary="文书详情（调阅留痕）")
def api_document(document_id: RecordId, db: Db, who: Reader) -> DocumentOut:
    doc, _action = service.get_document(db, document_id, who)
    log_access(db, who, "document", document_id, "查看文书", via="api")
    return DocumentOut.of(db, doc)


@api.patch("/documents/{document_id}", summary="修改文书草稿（签发后不可修改）")
def api_save_draft(
    document_id: RecordId, data: service.FieldsIn, db: Db, who: Writer, settings: Config
) -> DocumentOut:
    doc = service.save_draft(db, settings, document_id, data.fields, who)
    db.commit()
    return DocumentOut.of(db, doc)


@api.post("/documents/{document_id}/discard", summary="作废文书草稿")
def api_discard(document_id: RecordId, data: service.ReasonIn, db: Db, who: Writer) -> DocumentOut:
    doc = service.discard_draft(db, document_id, data.reason, who)
    db.commit()
    return DocumentOut.of(db, doc)


@api.post("/documents/{document_id}/issue", summary="签发文书（编文号、生成 PDF、冻结）")
def api_issue(document_id: RecordId, db: Db, who: Issuer, settings: Config) -> DocumentOut:
    doc = service.issue(db, settings, open_blob_store(settings), document_id, who)
    db.commit()
    return DocumentOut.of(db, doc)


@api.post(
    "/documents/{document_id}/corrections", status_code=201, summary="更正已签发的文书（新版本）"
)
def api_correct(
    document_id: RecordId, data: service.CorrectionIn, db: Db, who: Issuer, settings: Config
) -> DocumentOut:
    doc = service.start_correction(db, settings, document_id, data, who)
    db.commit()
    return DocumentOut.of(db, doc)


class ServiceList(BaseModel):
    deadline: DeadlineOut | None
    items: list[ServiceOut]


@api.get("/documents/{document_id}/service", summary="文书送达情况（调阅留痕）")
def api_services(document_id: RecordId, db: Db, who: Reader) -> ServiceList:
    doc, _action = service.get_document(db, document_id, who)
    log_access(db, who, "document", document_id, "查看送达情况", via="api")
    out = DocumentOut.of(db, doc)
    return ServiceList(
        deadline=out.service_deadline,
        items=[ServiceOut.of(r) for r in service.services_of(db, doc.id)],
    )


@api.post("/documents/{document_id}/service", status_code=201, summary="记录送达")
async def api_record_service(
    request: Request, document_id: RecordId, db: Db, who: Issuer, settings: Config
) -> ServiceOut:
    """JSON (凭证为已签发的送达回执或已存储文件的摘要) or multipart/form-data (可直接上传
    receipt_file、consent_file)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data = await _service_input(db, settings, await request.form(), who)
    else:
        try:
            body = await request.json()
        except ValueError:
            raise DomainError("请求体应为 JSON 对象", "body") from None
        if not isinstance(body, dict):
            raise DomainError("请求体应为 JSON 对象", "body")
        data = parse(service.ServiceIn, body)
    row = service.record_service(db, document_id, data, who)
    db.commit()
    return ServiceOut.of(row)


@api.get(
    "/documents/{document_id}/pdf",
    summary="已签发文书的 PDF 原件（调阅留痕）",
    response_class=Response,
    responses=PDF_FILE,
)
def api_pdf(document_id: RecordId, db: Db, who: Reader, settings: Config) -> Response:
    doc, _action = service.get_document(db, document_id, who)
    log_access(db, who, "document", document_id, "下载文书 PDF", via="api")
    return _pdf_response(service.stored_pdf(open_blob_store(settings), doc), _filename(doc))


@api.get(
    "/documents/{document_id}/print",
    summary="带核验行的打印件（调阅留痕）",
    response_class=Response,
    responses=PDF_FILE,
)
def api_print(document_id: RecordId, db: Db, who: Reader, settings: Config) -> Response:
    doc, _action = service.get_document(db, document_id, who)
    log_access(db, who, "document", document_id, "打印文书", via="api")
    data = service.print_copy(db, open_blob_store(settings), doc)
    return _pdf_response(data, _filename(doc, "（打印件）"))


@api.get("/documents/{document_id}/preview", response_class=HTMLResponse, summary="文书预览")
def api_preview(document_id: RecordId, db: Db, who: Reader, settings: Config) -> HTMLResponse:
    doc, _action = service.get_document(db, document_id, who)
    log_access(db, who, "document", document_id, "预览文书", via="api")
    return HTMLResponse(service.preview_html(db, settings, doc))


# ---- public verification (no login; nothing personal) --------------------------------------


@public.get("/verify/document", response_class=HTMLResponse)
def verify_page(request: Request, db: Db, settings: Config, digest: str = "") -> Response:
    result = None
    error = None
    status = 200
    if digest.strip():
        try:
            result = service.verify_digest(db, settings, digest)
            if result is None:
                status = 404
        except DomainError as exc:
            error, status = exc.message, exc.status_code
    return render(
        request,
        "document_verify.html",
        status,
        digest=digest.strip(),
        result=result,
        searched=bool(digest.strip()) and error is None,
        error=error,
    )


@party_pages.get("/fragment", response_class=HTMLResponse)
def party_documents_fragment(request: Request, party_id: RecordId, db: Db, who: Reader) -> Response:
    """The party page's 文书 section (集中储存): every document of the party's actions that
    this person may see, newest first."""
    visible, _ = actions.list_actions(db, who, party_id=party_id, page=1)
    log_access(db, who, "document", None, f"行政相对人 {party_id} 的文书")
    rows = [(a, d) for a in visible for d in service.documents_of(db, a.id)]
    rows.sort(key=lambda pair: pair[1].id, reverse=True)
    return render(request, "party_documents_fragment.html", rows=rows, **_labels())

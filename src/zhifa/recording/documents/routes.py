"""Pages (usable on a phone) and JSON API for documents, and the public verification
page. Every read of a document by a person is logged (调阅留痕)."""

from __future__ import annotations

import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import (
    PDF_FILE,
    Config,
    Db,
    RecordId,
    Tx,
    attempt,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.validation import parse
from zhifa.enforcement import actions
from zhifa.enforcement.models import Action
from zhifa.enforcement.parties import get_party
from zhifa.enforcement.resources import ActionOfPath
from zhifa.recording.documents import forms, numbering, service
from zhifa.recording.documents.kinds import GROUPS, KINDS, FieldType, document_kind
from zhifa.recording.documents.models import (
    SERVICE_METHOD_LABELS,
    STATUS_LABELS,
    Document,
    DocumentStatus,
)
from zhifa.recording.documents.requirement import missing_documents
from zhifa.recording.documents.rules import SERVICE_STATE_LABELS
from zhifa.recording.documents.schemas import (
    DocumentOut,
    DueOut,
    KindOut,
    PatternIn,
    ServiceList,
    ServiceOut,
)

pages = APIRouter(prefix="/app/actions/{action_id}/documents", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["文书"])
party_pages = APIRouter(prefix="/app/parties/{party_id}/documents", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.action_read))]
Writer = Annotated[Principal, Depends(require(Permission.document_write))]
Issuer = Annotated[Principal, Depends(require(Permission.document_issue))]
Admin = Annotated[Principal, Depends(require(Permission.unit_admin))]


# The records a path names, seen only as `get_action` lets the caller see them (one that is
# not theirs answers 404 like a missing one), under the route's own permission. Whether
# the caller may act in the case (handling) stays the service's check, so a page form it
# refuses is shown again with the message.


def action_to_draft(action_id: RecordId, db: Db, who: Writer) -> Action:
    """The action the path names, to draft a document in, if ``who`` may see it."""
    return actions.get_action(db, action_id, who)


def document_of_path(document_id: RecordId, db: Db, who: Reader) -> Document:
    """The document the path names, if ``who`` may see its action."""
    doc, _action = service.get_document(db, document_id, who)
    return doc


def _document_of_action(db: Session, action_id: int, document_id: int, who: Principal) -> Document:
    """The document, if it is one of the action the path names and ``who`` may see it."""
    doc, _action = service.get_document(db, document_id, who)
    if doc.action_id != action_id:
        raise NotFound("文书不存在")
    return doc


def document_of_action(action_id: RecordId, document_id: RecordId, db: Db, who: Reader) -> Document:
    return _document_of_action(db, action_id, document_id, who)


def document_to_write(action_id: RecordId, document_id: RecordId, db: Db, who: Writer) -> Document:
    return _document_of_action(db, action_id, document_id, who)


def document_to_issue(action_id: RecordId, document_id: RecordId, db: Db, who: Issuer) -> Document:
    return _document_of_action(db, action_id, document_id, who)


ActionToDraft = Annotated[Action, Depends(action_to_draft)]
DocumentOfPath = Annotated[Document, Depends(document_of_path)]
DocumentOfAction = Annotated[Document, Depends(document_of_action)]
DocumentToWrite = Annotated[Document, Depends(document_to_write)]
DocumentToIssue = Annotated[Document, Depends(document_to_issue)]

NOTICES = {
    "created": "草稿已建立，请填写。",
    "saved": "草稿已保存。",
    "issued": "文书已签发：已编号、生成 PDF 并记入账本，此后不能再修改。",
    "discarded": "草稿已作废。",
    "correction": "更正草稿已建立；签发后原文书标记为“已更正”。",
    "served": "送达情况已记录。",
}
SERVICE_FIELDS = (
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
SERVICE_FILES = (("receipt_file", "receipt_digest"), ("consent_file", "consent_digest"))


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


def _document_path(doc: Document, page: str = "") -> str:
    return f"/app/actions/{doc.action_id}/documents/{doc.id}{page}"


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
        **_labels(),
    }


@pages.get("", response_class=HTMLResponse)
def document_list_page(request: Request, who: Reader, action: ActionOfPath, db: Tx) -> Response:
    log_access(db, who, "document", None, f"案件 {action.id} 的文书列表")
    context = _list_context(db, action)
    return render(request, "document_list.html", notice=notice_of(request, NOTICES), **context)


@pages.get("/fragment", response_class=HTMLResponse)
def document_fragment(request: Request, who: Reader, action: ActionOfPath, db: Tx) -> Response:
    """The action page's 文书 section, loaded by htmx."""
    log_access(db, who, "document", None, f"案件 {action.id} 的文书列表")
    return render(request, "document_fragment.html", **_list_context(db, action))


@pages.post("", response_class=HTMLResponse)
async def document_new_submit(
    request: Request, who: Writer, action: ActionToDraft, db: Tx, settings: Config
) -> Response:
    kind, action_id = str((await request.form()).get("kind", "")), action.id
    return submit(
        request,
        db,
        lambda: service.create_draft(
            db, settings, action_id, parse(service.DraftIn, {"kind": kind}), who
        ),
        page="document_list.html",
        context=lambda: _list_context(db, actions.get_action(db, action_id, who)),
        then=lambda doc: redirect(_document_path(doc, "/edit"), "created"),
    )


def _detail_context(request: Request, db: Session, doc: Document) -> dict[str, Any]:
    kind = document_kind(doc.kind)
    return {
        "doc": doc,
        "action": db.get(Action, doc.action_id),
        "kind": kind,
        "values": forms.typed_values(kind, doc.fields),
        "newer": service.superseded_by(db, doc),
        "pending": service.open_correction(db, doc),
        "original": db.get(Document, doc.supersedes_id) if doc.supersedes_id else None,
        "services": service.services_of(db, doc.id),
        "deadline": service.service_deadline(db, doc),
        "notice": notice_of(request, NOTICES),
        **_labels(),
    }


def _edit_context(
    request: Request, db: Session, doc: Document, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "doc": doc,
        "kind": document_kind(doc.kind),
        "values": values or doc.fields,
        "original": db.get(Document, doc.supersedes_id) if doc.supersedes_id else None,
        "notice": notice_of(request, NOTICES),
        **_labels(),
    }


def _detail_page(request: Request, db: Session, doc: Document, exc: DomainError) -> Response:
    context = _detail_context(request, db, doc)
    return render(request, "document_detail.html", exc.status_code, error=exc.message, **context)


def _edit_page(
    request: Request,
    db: Session,
    doc: Document,
    exc: DomainError,
    values: dict[str, Any] | None = None,
) -> Response:
    context = _edit_context(request, db, doc, values)
    return render(
        request,
        "document_form.html",
        exc.status_code,
        error=exc.message,
        field=exc.field,
        **context,
    )


@pages.get("/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, who: Reader, doc: DocumentOfAction, db: Tx) -> Response:
    log_access(db, who, "document", doc.id, "查看文书")
    return render(request, "document_detail.html", **_detail_context(request, db, doc))


def _form_fields(form: FormData, doc: Document) -> dict[str, Any]:
    """What the edit form posted, for every field of the kind (blank clears)."""
    kind = document_kind(doc.kind)
    values: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.type is FieldType.boolean:
            values[spec.name] = form.get(spec.name) in ("on", "true", "1")
        else:
            values[spec.name] = str(form.get(spec.name, ""))
    return values


@pages.get("/{document_id}/edit", response_class=HTMLResponse)
def document_edit_page(request: Request, who: Writer, doc: DocumentToWrite, db: Tx) -> Response:
    log_access(db, who, "document", doc.id, "编辑文书草稿")
    if doc.status is not DocumentStatus.draft:
        context = _detail_context(request, db, doc)
        return render(
            request, "document_detail.html", 409, error="该文书不是草稿，不能修改", **context
        )
    return render(request, "document_form.html", **_edit_context(request, db, doc))


@pages.post("/{document_id}/edit", response_class=HTMLResponse)
async def document_edit_submit(
    request: Request, who: Writer, doc: DocumentToWrite, db: Tx, settings: Config
) -> Response:
    form = await request.form()
    values, action_id, document_id = _form_fields(form, doc), doc.action_id, doc.id
    preview = form.get("next") == "preview"

    def refused(exc: DomainError) -> Response:
        doc = _document_of_action(db, action_id, document_id, who)
        if doc.status is not DocumentStatus.draft:
            return _detail_page(request, db, doc, exc)
        return _edit_page(request, db, doc, exc, values)

    return attempt(
        db,
        lambda: service.save_draft(db, settings, document_id, values, who),
        refused=refused,
        then=lambda saved: (
            redirect(_document_path(saved, "/preview"))
            if preview
            else redirect(_document_path(saved, "/edit"), "saved")
        ),
    )


@pages.get("/{document_id}/preview", response_class=HTMLResponse)
def document_preview_page(
    request: Request, who: Reader, doc: DocumentOfAction, db: Tx, settings: Config
) -> Response:
    log_access(db, who, "document", doc.id, "预览文书")
    html = service.preview_html(db, settings, doc, open_blob_store(settings))
    context = {"doc": doc, "action_id": doc.action_id, "html": html, **_labels()}
    return render(request, "document_preview.html", **context)


@pages.post("/{document_id}/issue", response_class=HTMLResponse)
def document_issue_submit(
    request: Request, who: Issuer, doc: DocumentToIssue, db: Tx, settings: Config
) -> Response:
    action_id, document_id = doc.action_id, doc.id

    def refused(exc: DomainError) -> Response:
        """A field of the draft that stops the issue is shown in the form, marked."""
        doc = _document_of_action(db, action_id, document_id, who)
        names = {spec.name for spec in document_kind(doc.kind).fields}
        if doc.status is DocumentStatus.draft and exc.field in names:
            return _edit_page(request, db, doc, exc)
        return _detail_page(request, db, doc, exc)

    return attempt(
        db,
        lambda: service.issue(db, settings, open_blob_store(settings), document_id, who),
        refused=refused,
        then=lambda issued: redirect(_document_path(issued), "issued"),
    )


@pages.post("/{document_id}/discard", response_class=HTMLResponse)
async def document_discard_submit(
    request: Request, who: Writer, doc: DocumentToWrite, db: Tx
) -> Response:
    reason = str((await request.form()).get("reason", ""))
    action_id, document_id = doc.action_id, doc.id
    return submit(
        request,
        db,
        lambda: service.discard_draft(
            db, document_id, parse(service.ReasonIn, {"reason": reason}).reason, who
        ),
        page="document_detail.html",
        context=lambda: _detail_context(
            request, db, _document_of_action(db, action_id, document_id, who)
        ),
        then=lambda discarded: redirect(_document_path(discarded), "discarded"),
    )


@pages.get("/{document_id}/correct", response_class=HTMLResponse)
def document_correct_page(request: Request, who: Issuer, doc: DocumentToIssue, db: Tx) -> Response:
    log_access(db, who, "document", doc.id, "更正文书")
    return render(request, "document_correct.html", doc=doc, values={}, **_labels())


@pages.post("/{document_id}/correct", response_class=HTMLResponse)
async def document_correct_submit(
    request: Request, who: Issuer, doc: DocumentToIssue, db: Tx, settings: Config
) -> Response:
    values = {"reason": str((await request.form()).get("reason", ""))}
    action_id, document_id = doc.action_id, doc.id
    return submit(
        request,
        db,
        lambda: service.start_correction(
            db, settings, document_id, parse(service.CorrectionIn, values), who
        ),
        page="document_correct.html",
        context=lambda: {
            "doc": _document_of_action(db, action_id, document_id, who),
            "values": values,
            **_labels(),
        },
        then=lambda new: redirect(_document_path(new, "/edit"), "correction"),
    )


def _serve_context(
    db: Session, doc: Document, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    action = db.get(Action, doc.action_id)
    assert action is not None  # document.action_id is a foreign key
    party = get_party(db, action.party_id).current
    return {
        "doc": doc,
        "receipts": service.effective(db, doc.action_id, "service_receipt"),
        "values": values
        or {
            "recipient": party.name,
            "place": party.address,
            "served_on": today().isoformat(),
            "method": "direct",
        },
        "deadline": service.service_deadline(db, doc),
        **_labels(),
    }


@pages.get("/{document_id}/serve", response_class=HTMLResponse)
def document_serve_page(request: Request, who: Issuer, doc: DocumentToIssue, db: Tx) -> Response:
    log_access(db, who, "document", doc.id, "记录送达")
    return render(request, "document_serve.html", **_serve_context(db, doc))


async def _uploads(form: FormData) -> dict[str, bytes]:
    """The files a service form carries (receipt, consent), each read up to one byte past
    the limit, so that the service refuses one too large."""
    found = {}
    for name, _target in SERVICE_FILES:
        upload = form.get(name)
        if isinstance(upload, UploadFile) and upload.filename:
            found[name] = await upload.read(service.MAX_RECEIPT_BYTES + 1)
    return found


def _service_input(
    db: Session, settings: Settings, form: FormData, uploads: dict[str, bytes], who: Principal
) -> service.ServiceIn:
    """A service record from a (multipart) form; uploaded files go into the blob store
    in the same transaction."""
    values: dict[str, Any] = {key: str(form.get(key, "")).strip() for key in SERVICE_FIELDS}
    values["consent"] = form.get("consent") in ("on", "true", "1")
    data = parse(service.ServiceIn, values)
    store = open_blob_store(settings) if uploads else None
    for field, target in SERVICE_FILES:
        if field in uploads and store is not None:
            digest = service.store_upload(db, store, io.BytesIO(uploads[field]), who, field)
            data = data.model_copy(update={target: digest})
    return data


@pages.post("/{document_id}/serve", response_class=HTMLResponse)
async def document_serve_submit(
    request: Request, who: Issuer, doc: DocumentToIssue, db: Tx, settings: Config
) -> Response:
    form = await request.form()
    uploads, action_id, document_id = await _uploads(form), doc.action_id, doc.id

    def refused(exc: DomainError) -> Response:
        """The form again as it was filled in (without its files), the field marked."""
        doc = _document_of_action(db, action_id, document_id, who)
        values = {key: form.get(key) for key in form if not isinstance(form.get(key), UploadFile)}
        context = _serve_context(db, doc, values)
        return render(
            request,
            "document_serve.html",
            exc.status_code,
            error=exc.message,
            field=exc.field,
            **context,
        )

    return attempt(
        db,
        lambda: service.record_service(
            db, document_id, _service_input(db, settings, form, uploads, who), who
        ),
        refused=refused,
        then=lambda _: redirect(f"/app/actions/{action_id}/documents/{document_id}", "served"),
    )


@pages.get("/{document_id}/pdf")
def document_pdf_page(who: Reader, doc: DocumentOfAction, db: Tx, settings: Config) -> Response:
    log_access(db, who, "document", doc.id, "下载文书 PDF")
    return _pdf_response(service.stored_pdf(open_blob_store(settings), doc), _filename(doc))


@pages.get("/{document_id}/print")
def document_print_page(who: Reader, doc: DocumentOfAction, db: Tx, settings: Config) -> Response:
    log_access(db, who, "document", doc.id, "打印文书")
    data = service.print_copy(db, open_blob_store(settings), doc)
    return _pdf_response(data, _filename(doc, "（打印件）"))


# ---- JSON API -----------------------------------------------------------------------------


@api.get("/document-kinds", summary="文书种类、栏目与文号格式")
def api_kinds(db: Db, who: Reader) -> list[KindOut]:
    patterns = numbering.all_patterns(db)
    return [KindOut.of(k, patterns[k.code]) for k in KINDS.values()]


@api.put("/document-kinds/{code}/pattern", summary="设置文号格式（系统管理员）")
def api_set_pattern(code: str, data: PatternIn, db: Tx, who: Admin) -> dict[str, str]:
    row = numbering.set_pattern(db, code, data.pattern, data.reason, who)
    return {"kind": row.kind, "pattern": row.pattern}


@api.get("/actions/{action_id}/documents", summary="案件的文书（调阅留痕）")
def api_action_documents(who: Reader, action: ActionOfPath, db: Tx) -> list[DocumentOut]:
    log_access(db, who, "document", None, f"案件 {action.id} 的文书列表", via="api")
    return [DocumentOut.of(db, d) for d in service.documents_of(db, action.id)]


@api.post("/actions/{action_id}/documents", status_code=201, summary="新建文书草稿（自动预填）")
def api_create_draft(
    action_id: RecordId, data: service.DraftIn, db: Tx, who: Writer, settings: Config
) -> DocumentOut:
    return DocumentOut.of(db, service.create_draft(db, settings, action_id, data, who))


@api.get("/documents/service-due", summary="待送达的处罚决定及送达期限")
def api_service_due(db: Tx, who: Reader) -> list[DueOut]:
    rows = service.unserved_decisions(db, who)
    log_access(db, who, "document", None, "待送达文书列表", via="api")
    return [DueOut.of(db, doc) for doc, _deadline in rows]


@api.get("/documents/{document_id}", summary="文书详情（调阅留痕）")
def api_document(who: Reader, doc: DocumentOfPath, db: Tx) -> DocumentOut:
    log_access(db, who, "document", doc.id, "查看文书", via="api")
    return DocumentOut.of(db, doc)


@api.patch("/documents/{document_id}", summary="修改文书草稿（签发后不可修改）")
def api_save_draft(
    document_id: RecordId, data: service.FieldsIn, db: Tx, who: Writer, settings: Config
) -> DocumentOut:
    return DocumentOut.of(db, service.save_draft(db, settings, document_id, data.fields, who))


@api.post("/documents/{document_id}/discard", summary="作废文书草稿")
def api_discard(document_id: RecordId, data: service.ReasonIn, db: Tx, who: Writer) -> DocumentOut:
    return DocumentOut.of(db, service.discard_draft(db, document_id, data.reason, who))


@api.post("/documents/{document_id}/issue", summary="签发文书（编文号、生成 PDF、冻结）")
def api_issue(document_id: RecordId, db: Tx, who: Issuer, settings: Config) -> DocumentOut:
    doc = service.issue(db, settings, open_blob_store(settings), document_id, who)
    return DocumentOut.of(db, doc)


@api.post(
    "/documents/{document_id}/corrections", status_code=201, summary="更正已签发的文书（新版本）"
)
def api_correct(
    document_id: RecordId, data: service.CorrectionIn, db: Tx, who: Issuer, settings: Config
) -> DocumentOut:
    return DocumentOut.of(db, service.start_correction(db, settings, document_id, data, who))


@api.get("/documents/{document_id}/service", summary="文书送达情况（调阅留痕）")
def api_services(who: Reader, doc: DocumentOfPath, db: Tx) -> ServiceList:
    log_access(db, who, "document", doc.id, "查看送达情况", via="api")
    return ServiceList.of(db, doc)


async def _service_body(
    request: Request, db: Session, settings: Settings, who: Principal
) -> service.ServiceIn:
    """A service record as JSON, or as multipart/form-data with its files."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        return _service_input(db, settings, form, await _uploads(form), who)
    try:
        body = await request.json()
    except ValueError:
        raise DomainError("请求体应为 JSON 对象", "body") from None
    if not isinstance(body, dict):
        raise DomainError("请求体应为 JSON 对象", "body")
    return parse(service.ServiceIn, body)


@api.post("/documents/{document_id}/service", status_code=201, summary="记录送达")
async def api_record_service(
    request: Request, document_id: RecordId, db: Tx, who: Issuer, settings: Config
) -> ServiceOut:
    """JSON (凭证为已签发的送达回执或已存储文件的摘要) or multipart/form-data (可直接上传
    receipt_file、consent_file)."""
    data = await _service_body(request, db, settings, who)
    return ServiceOut.of(service.record_service(db, document_id, data, who))


@api.get(
    "/documents/{document_id}/pdf",
    summary="已签发文书的 PDF 原件（调阅留痕）",
    response_class=Response,
    responses=PDF_FILE,
)
def api_pdf(who: Reader, doc: DocumentOfPath, db: Tx, settings: Config) -> Response:
    log_access(db, who, "document", doc.id, "下载文书 PDF", via="api")
    return _pdf_response(service.stored_pdf(open_blob_store(settings), doc), _filename(doc))


@api.get(
    "/documents/{document_id}/print",
    summary="带核验行的打印件（调阅留痕）",
    response_class=Response,
    responses=PDF_FILE,
)
def api_print(who: Reader, doc: DocumentOfPath, db: Tx, settings: Config) -> Response:
    log_access(db, who, "document", doc.id, "打印文书", via="api")
    data = service.print_copy(db, open_blob_store(settings), doc)
    return _pdf_response(data, _filename(doc, "（打印件）"))


@api.get("/documents/{document_id}/preview", response_class=HTMLResponse, summary="文书预览")
def api_preview(who: Reader, doc: DocumentOfPath, db: Tx, settings: Config) -> HTMLResponse:
    log_access(db, who, "document", doc.id, "预览文书", via="api")
    return HTMLResponse(service.preview_html(db, settings, doc, open_blob_store(settings)))


# ---- public verification (no login; nothing personal) --------------------------------------


@party_pages.get("/fragment", response_class=HTMLResponse)
def party_documents_fragment(request: Request, party_id: RecordId, db: Tx, who: Reader) -> Response:
    """The party page's 文书 section (集中储存): every document of the party's actions that
    this person may see, newest first."""
    visible, _ = actions.list_actions(db, who, party_id=party_id, page=1)
    log_access(db, who, "document", None, f"行政相对人 {party_id} 的文书")
    rows = [(a, d) for a in visible for d in service.documents_of(db, a.id)]
    rows.sort(key=lambda pair: pair[1].id, reverse=True)
    return render(request, "party_documents_fragment.html", rows=rows, **_labels())

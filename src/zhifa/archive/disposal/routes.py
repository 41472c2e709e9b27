"""Pages of disposal: the due list with the form to make a batch, a batch's page with
each step's form, and its 销毁清册. Execution is the one route that removes content."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.archive.disposal import service
from zhifa.archive.disposal.due import expired
from zhifa.archive.disposal.forms import opinions_in
from zhifa.archive.disposal.rules import (
    BATCH_LABELS,
    ITEM_LABELS,
    OPINION_LABELS,
    OUTCOME_LABELS,
    TARGET_LABELS,
    BatchStatus,
    ItemState,
)
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    PDF_FILE,
    Config,
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/archive/disposal", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.archive_read))]
Preparer = Annotated[Principal, Depends(require(Permission.archive_dispose_prepare))]
Appraiser = Annotated[Principal, Depends(require(Permission.archive_dispose_appraise))]
Approver = Annotated[Principal, Depends(require(Permission.archive_dispose_approve))]
Witness = Annotated[Principal, Depends(require(Permission.archive_dispose_supervise))]
Executor = Annotated[Principal, Depends(require(Permission.archive_dispose_execute))]

NOTICES = {
    "created": "销毁批次已建立，请鉴定小组成员逐件给出鉴定意见。",
    "appraised": "鉴定意见已记录。",
    "decided": "审批意见已记录。",
    "witnessed": "监销确认已记录。",
    "executed": "销毁已执行，销毁清册已生成并永久保存。",
}
_LABELS = {
    "batch_labels": BATCH_LABELS,
    "item_labels": ITEM_LABELS,
    "opinion_labels": OPINION_LABELS,
    "outcome_labels": OUTCOME_LABELS,
    "target_labels": TARGET_LABELS,
    "proposed": ItemState.proposed,
    "statuses": BatchStatus,
}


def _due_context(db: Session, values: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "rows": expired(db, today()),
        "batches": service.batches(db),
        "today": today(),
        "values": values or {},
        **_LABELS,
    }


def _batch_context(db: Session, batch_id: int) -> dict[str, Any]:
    batch = service.get_batch(db, batch_id)
    return {
        "batch": batch,
        "opinions": service.opinions_of(db, batch.id),
        "witnesses": service.witnesses_of(db, batch.id),
        "outcomes": service.outcomes_of(db, batch),
        "names": service.names(db),
        **_LABELS,
    }


def _batch_path(batch_id: int) -> str:
    return f"/app/archive/disposal/batches/{batch_id}"


@pages.get("", response_class=HTMLResponse)
def due_page(request: Request, who: Reader, db: Db) -> Response:
    return render(
        request, "archive/disposal_due.html", notice=notice_of(request, NOTICES), **_due_context(db)
    )


@pages.post("/batches", response_class=HTMLResponse)
async def batch_create(request: Request, who: Preparer, db: Tx) -> Response:
    form = await request.form()
    values = {
        "due_items": [str(v) for v in form.getlist("due_items")],
        "note": str(form.get("note", "")),
    }
    return submit(
        request,
        db,
        lambda: service.create_batch(db, parse(service.BatchIn, values), who, today()),
        page="archive/disposal_due.html",
        context=lambda: _due_context(db, values),
        then=lambda batch: redirect(_batch_path(batch.id), "created"),
    )


@pages.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: RecordId, who: Reader, db: Db) -> Response:
    return render(
        request,
        "archive/disposal_batch.html",
        notice=notice_of(request, NOTICES),
        **_batch_context(db, batch_id),
    )


@pages.post("/batches/{batch_id}/opinions", response_class=HTMLResponse)
async def batch_appraise(
    request: Request, batch_id: RecordId, who: Appraiser, db: Tx, settings: Config
) -> Response:
    form = await form_values(request)
    return submit(
        request,
        db,
        lambda: service.appraise(
            db, open_blob_store(settings), batch_id, opinions_in(form), who, today()
        ),
        page="archive/disposal_batch.html",
        context=lambda: _batch_context(db, batch_id),
        then=lambda _b: redirect(_batch_path(batch_id), "appraised"),
    )


@pages.post("/batches/{batch_id}/decision", response_class=HTMLResponse)
async def batch_decide(request: Request, batch_id: RecordId, who: Approver, db: Tx) -> Response:
    values = await form_values(request, ("approve", "note"))
    return submit(
        request,
        db,
        lambda: service.decide(db, batch_id, parse(service.DecisionIn, values), who, today()),
        page="archive/disposal_batch.html",
        context=lambda: _batch_context(db, batch_id),
        then=lambda _b: redirect(_batch_path(batch_id), "decided"),
    )


@pages.post("/batches/{batch_id}/witness", response_class=HTMLResponse)
async def batch_witness(request: Request, batch_id: RecordId, who: Witness, db: Tx) -> Response:
    values = await form_values(request, ("witness_statement",))
    return submit(
        request,
        db,
        lambda: service.witness(db, batch_id, parse(service.WitnessIn, values), who, today()),
        page="archive/disposal_batch.html",
        context=lambda: _batch_context(db, batch_id),
        then=lambda _w: redirect(_batch_path(batch_id), "witnessed"),
    )


@pages.post("/batches/{batch_id}/execute", response_class=HTMLResponse)
def batch_execute(
    request: Request, batch_id: RecordId, who: Executor, db: Db, settings: Config
) -> Response:
    """Execution commits as it goes (each blob's outcome), in its own transactions."""
    factory = request.app.state.session_factory
    try:
        service.execute(factory, open_blob_store(settings), batch_id, who, today())
    except DomainError as exc:
        return render(
            request,
            "archive/disposal_batch.html",
            exc.status_code,
            error=exc.message,
            error_field=exc.field,
            **_batch_context(db, batch_id),
        )
    return redirect(_batch_path(batch_id), "executed")


@pages.get("/batches/{batch_id}/register.pdf", response_class=Response, responses=PDF_FILE)
def batch_register(batch_id: RecordId, who: Reader, db: Db, settings: Config) -> Response:
    log_access(db, who, "disposal_batch", batch_id, "下载销毁清册")
    pdf = service.register_of(open_blob_store(settings), service.get_batch(db, batch_id))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"attachment; filename=disposal-register-{batch_id}.pdf"},
    )

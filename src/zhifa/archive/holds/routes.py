"""Pages of holds: the list (those in force first) with the form to place one, and the
release of a hold."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.archive.holds import service
from zhifa.archive.holds.rules import HOLD_LABELS, TARGET_LABELS, HoldKind, HoldTarget
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.http import (
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

pages = APIRouter(prefix="/app/archive/holds", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.archive_read))]
Manager = Annotated[Principal, Depends(require(Permission.archive_hold_manage))]

NOTICES = {"placed": "保全已登记，所涉文件的存储锁定已延长。", "released": "保全已解除。"}
_FIELDS = ("hold_kind", "hold_target", "hold_target_id", "reason", "hold_reference")


_PREFILL = ("hold_target", "hold_target_id")


def _context(db: Session, values: dict[str, str] | None = None) -> dict[str, Any]:
    rows = service.holds(db)
    return {
        "holds": rows,
        "targets": {h.id: service.target_label(db, h.target_kind, h.target_id) for h in rows},
        "kinds": [(k.value, HOLD_LABELS[k]) for k in HoldKind],
        "target_kinds": [(k.value, TARGET_LABELS[k]) for k in HoldTarget],
        "hold_labels": HOLD_LABELS,
        "target_labels": TARGET_LABELS,
        "values": values or {},
    }


@pages.get("", response_class=HTMLResponse)
def holds_page(request: Request, who: Reader, db: Db) -> Response:
    # A link from the record to hold (the archive file's page, the due list) fills in
    # what it is, so nobody has to look up an internal number.
    prefill = {k: v for k, v in request.query_params.items() if k in _PREFILL}
    notice = notice_of(request, NOTICES)
    return render(request, "archive/holds.html", notice=notice, **_context(db, prefill))


@pages.post("", response_class=HTMLResponse)
async def hold_place(request: Request, who: Manager, db: Tx, settings: Config) -> Response:
    values = await form_values(request, _FIELDS)
    return submit(
        request,
        db,
        lambda: service.place(db, open_blob_store(settings), parse(service.HoldIn, values), who),
        page="archive/holds.html",
        context=lambda: _context(db, values),
        then=lambda _hold: redirect("/app/archive/holds", "placed"),
    )


@pages.post("/{hold_id}/release", response_class=HTMLResponse)
async def hold_release(request: Request, hold_id: RecordId, who: Manager, db: Tx) -> Response:
    values = await form_values(request, ("release_reason",))
    return submit(
        request,
        db,
        lambda: service.release(db, hold_id, parse(service.ReleaseIn, values), who),
        page="archive/holds.html",
        context=lambda: _context(db),
        then=lambda _hold: redirect("/app/archive/holds", "released"),
    )

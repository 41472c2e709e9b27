"""Pages and JSON API of 档案利用: 我的利用申请 (the list and the form), 利用审批, the
request's page (state, grant end, items, use log; decisions for approvers), and opening
an item under a live grant (查阅 in the browser, 复制 as a marked download)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from zhifa.archive.filing.models import ITEM_KIND_LABELS
from zhifa.archive.use import service
from zhifa.archive.use.models import ArchiveUseRequest
from zhifa.archive.use.rules import (
    APPROVER_LABELS,
    USE_KIND_HINTS,
    USE_KIND_LABELS,
    USE_MODE_LABELS,
    USE_STATE_LABELS,
    UseMode,
)
from zhifa.archive.use.schemas import RequestOut, UseOut
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.http import (
    Config,
    Db,
    RecordId,
    RecordIdQuery,
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

pages = APIRouter(prefix="/app/archive/use", include_in_schema=False)
api = APIRouter(prefix="/api/v1/archive/use", tags=["档案利用"])

Asker = Annotated[Principal, Depends(require(Permission.archive_use_request))]
Approver = Annotated[Principal, Depends(require(Permission.archive_use_approve))]

NOTICES = {
    "asked": "利用申请已提交，请等待审批。",
    "decided": "已审批。",
    "revoked": "已撤销利用授权。",
    "lent": "已登记借出。",
    "returned": "已登记归还。",
}
REQUEST_FIELDS = tuple(service.RequestIn.model_fields)
LABELS = {
    "kinds": USE_KIND_LABELS,
    "kind_hints": USE_KIND_HINTS,
    "states": USE_STATE_LABELS,
    "approvers": APPROVER_LABELS,
    "modes": USE_MODE_LABELS,
    "item_kinds": ITEM_KIND_LABELS,
}


def request_of_path(request_id: RecordId, db: Db, who: Asker) -> ArchiveUseRequest:
    return service.get_request(db, request_id, who)


RequestOfPath = Annotated[ArchiveUseRequest, Depends(request_of_path)]


def _request_form(form: dict[str, str]) -> service.RequestIn:
    """The page's fields as the API's body: item numbers typed as "1,3、5"."""
    numbers = form["item_nos"].replace("、", ",").replace("，", ",").replace(" ", ",")
    items = [n for n in numbers.split(",") if n]
    return parse(service.RequestIn, {**form, "file_id": form["file_id"] or None, "item_nos": items})


def _mine_context(db: Session, who: Principal, values: dict[str, str]) -> dict[str, Any]:
    return {
        "rows": service.my_requests(db, who),
        "files": service.files_to_ask_for(db, who),
        "values": values,
        "state_of": service.state,
        **LABELS,
    }


def _detail_context(db: Session, who: Principal, row: ArchiveUseRequest) -> dict[str, Any]:
    return {
        "row": row,
        "state": service.state(row),
        "items": service.items_of(row),
        "uses": service.uses_of(db, row),
        "names": service.names(db, row),
        "approver_may": service.may_act_on(row, who),
        **LABELS,
    }


# ---- pages ----------------------------------------------------------------------------


@pages.get("/requests", response_class=HTMLResponse)
def my_page(request: Request, db: Db, who: Asker, file: RecordIdQuery = None) -> Response:
    values = {"file_id": str(file or ""), "use_kind": "read"}
    notice = notice_of(request, NOTICES)
    return render(request, "archive_use/mine.html", notice=notice, **_mine_context(db, who, values))


@pages.post("/requests", response_class=HTMLResponse)
async def ask_submit(request: Request, db: Tx, who: Asker) -> Response:
    values = await form_values(request, REQUEST_FIELDS)
    return submit(
        request,
        db,
        lambda: service.make_request(db, _request_form(values), who),
        page="archive_use/mine.html",
        context=lambda: _mine_context(db, who, values),
        then=lambda row: redirect(f"/app/archive/use/requests/{row.id}", "asked"),
    )


@pages.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, db: Db, who: Asker, row: RequestOfPath) -> Response:
    notice = notice_of(request, NOTICES)
    return render(
        request, "archive_use/detail.html", notice=notice, **_detail_context(db, who, row)
    )


@pages.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, db: Db, who: Approver) -> Response:
    context = service.approvals(db, who)
    return render(
        request, "archive_use/approvals.html", state_of=service.state, **context, **LABELS
    )


async def _act(
    request: Request,
    db: Session,
    who: Principal,
    row: ArchiveUseRequest,
    change: Callable[[dict[str, str]], object],
    done: str,
) -> Response:
    """An approver's form on the request's page: refused, the page again with the message."""
    values = await form_values(request, ("approve", "note", "valid_until"))
    return submit(
        request,
        db,
        lambda: change(values),
        page="archive_use/detail.html",
        context=lambda: {**_detail_context(db, who, row), "values": values},
        then=lambda _: redirect(f"/app/archive/use/requests/{row.id}", done),
    )


def _decision(values: dict[str, str]) -> service.DecisionIn:
    return parse(service.DecisionIn, {**values, "valid_until": values["valid_until"] or None})


@pages.post("/requests/{request_id}/decision", response_class=HTMLResponse)
async def decide_submit(request: Request, db: Tx, who: Approver, row: RequestOfPath) -> Response:
    decide = lambda v: service.decide(db, row, _decision(v), who)  # noqa: E731
    return await _act(request, db, who, row, decide, "decided")


@pages.post("/requests/{request_id}/revoke", response_class=HTMLResponse)
async def revoke_submit(request: Request, db: Tx, who: Approver, row: RequestOfPath) -> Response:
    revoke = lambda v: service.revoke(db, row, parse(service.RevokeIn, v), who)  # noqa: E731
    return await _act(request, db, who, row, revoke, "revoked")


@pages.post("/requests/{request_id}/lend", response_class=HTMLResponse)
async def lend_submit(request: Request, db: Tx, who: Approver, row: RequestOfPath) -> Response:
    return await _act(request, db, who, row, lambda _: service.lend(db, row, who), "lent")


@pages.post("/requests/{request_id}/return", response_class=HTMLResponse)
async def return_submit(request: Request, db: Tx, who: Approver, row: RequestOfPath) -> Response:
    return await _act(request, db, who, row, lambda _: service.give_back(db, row, who), "returned")


@pages.get("/items/{item_id}")
def item_page(
    request: Request, item_id: RecordId, db: Tx, who: Asker, settings: Config
) -> Response:
    return _served(request, db, who, item_id, settings, UseMode.view, "page")


@pages.get("/items/{item_id}/copy")
def item_copy(
    request: Request, item_id: RecordId, db: Tx, who: Asker, settings: Config
) -> Response:
    return _served(request, db, who, item_id, settings, UseMode.copy, "page")


def _served(
    request: Request,
    db: Session,
    who: Principal,
    item_id: int,
    settings: Any,
    mode: UseMode,
    via: str,
) -> Response:
    """The item, or (a page) the refusal with the way to ask; the API gets the JSON 403."""
    store = open_blob_store(settings)
    try:
        served = service.use_item(db, store, who, item_id, mode, via)
    except service.NoGrant as refused:
        if via == "api":
            raise
        return render(
            request,
            "archive_use/denied.html",
            403,
            message=refused.message,
            file_id=refused.file_id,
        )
    return _file_response(served)


def _file_response(served: service.Served) -> Response:
    disposition = "attachment" if served.download else "inline"
    headers = {
        "Content-Disposition": (
            f"{disposition}; filename=\"archive\"; filename*=UTF-8''{quote(served.filename)}"
        ),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if isinstance(served.body, bytes):
        return Response(served.body, media_type=served.content_type, headers=headers)
    return StreamingResponse(served.body, media_type=served.content_type, headers=headers)


# ---- JSON API --------------------------------------------------------------------------


@api.get("/requests", summary="我的利用申请")
def api_mine(db: Db, who: Asker) -> list[RequestOut]:
    return [RequestOut.of(row) for row in service.my_requests(db, who)]


@api.post("/requests", status_code=201, summary="提出利用申请（查阅、复制、借出）")
def api_ask(data: service.RequestIn, db: Tx, who: Asker) -> RequestOut:
    return RequestOut.of(service.make_request(db, data, who))


@api.get("/requests/{request_id}", summary="利用申请的状态和授权截止时间")
def api_request(who: Asker, row: RequestOfPath) -> RequestOut:
    return RequestOut.of(row)


@api.get("/requests/{request_id}/uses", summary="利用申请下的利用记录")
def api_uses(db: Db, who: Asker, row: RequestOfPath) -> list[UseOut]:
    return [UseOut.of(use) for use in service.uses_of(db, row)]


@api.get("/approvals", summary="待我审批的利用申请")
def api_approvals(db: Db, who: Approver) -> list[RequestOut]:
    return [RequestOut.of(row) for row in service.to_decide(db, who)]


@api.post("/requests/{request_id}/decision", summary="审批利用申请（批准即授权至截止时间）")
def api_decide(data: service.DecisionIn, db: Tx, who: Approver, row: RequestOfPath) -> RequestOut:
    return RequestOut.of(service.decide(db, row, data, who))


@api.post("/requests/{request_id}/revoke", summary="提前撤销利用授权")
def api_revoke(data: service.RevokeIn, db: Tx, who: Approver, row: RequestOfPath) -> RequestOut:
    return RequestOut.of(service.revoke(db, row, data, who))


@api.post("/requests/{request_id}/lend", summary="登记借出")
def api_lend(db: Tx, who: Approver, row: RequestOfPath) -> RequestOut:
    return RequestOut.of(service.lend(db, row, who))


@api.post("/requests/{request_id}/return", summary="登记归还")
def api_return(db: Tx, who: Approver, row: RequestOfPath) -> RequestOut:
    return RequestOut.of(service.give_back(db, row, who))


@api.get(
    "/items/{item_id}/content",
    summary="在有效利用授权下打开卷内文件（copy=true 为复制：下载带水印的复制件）",
    response_class=Response,
)
def api_item(
    request: Request, item_id: RecordId, db: Tx, who: Asker, settings: Config, copy: bool = False
) -> Response:
    mode = UseMode.copy if copy else UseMode.view
    return _served(request, db, who, item_id, settings, mode, "api")

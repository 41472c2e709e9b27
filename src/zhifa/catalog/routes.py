"""Pages and JSON API for officers and their enforcement certificates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.catalog.schemas import CertificateOut, OfficerOut
from zhifa.core import certificates as officers
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.certificate_rules import STATE_LABELS
from zhifa.core.clock import today
from zhifa.core.http import (
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
from zhifa.core.models import CertificateStatus
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/officers", include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["执法人员与执法证"])

Reader = Annotated[Principal, Depends(require(Permission.officer_read))]
Writer = Annotated[Principal, Depends(require(Permission.certificate_write))]

STATUS_LABELS = {
    CertificateStatus.active: "在用",
    CertificateStatus.revoked: "已注销",
    CertificateStatus.suspended: "暂扣",
}
FIELDS = ("number", "issuing_authority", "scope", "valid_from", "valid_to", "status", "reason")
NOTICES = {"created": "执法证已登记。", "revised": "执法证已保存为新版本。"}


def officer_of_path(user_id: RecordId, db: Db, who: Reader) -> officers.OfficerView:
    """The officer the path names (404 when there is none)."""
    return officers.get_officer(db, user_id)


def certificate_of_path(certificate_id: RecordId, db: Db, who: Reader) -> officers.CertificateView:
    """The certificate the path names, at its current version (404 when there is none)."""
    return officers.get_certificate(db, certificate_id)


OfficerOfPath = Annotated[officers.OfficerView, Depends(officer_of_path)]
CertificateOfPath = Annotated[officers.CertificateView, Depends(certificate_of_path)]


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "state_labels": STATE_LABELS,
        "status_labels": STATUS_LABELS,
        "today": today(),
        **extra,
    }


def _form_context(db: Db, user_id: int, certificate_id: int | None, **extra: Any) -> dict[str, Any]:
    """The certificate form's records, read afresh (after a refused change was undone)."""
    view = officers.get_certificate(db, certificate_id) if certificate_id else None
    return _context(officer=officers.get_officer(db, user_id), view=view, **extra)


@pages.get("", response_class=HTMLResponse)
def officer_list_page(request: Request, db: Tx, who: Reader, q: str = "") -> Response:
    rows = officers.list_officers(db, q)
    log_access(db, who, "officer", None, f"执法人员列表 q={q[:50]}")
    return render(request, "officer_list.html", rows=rows, q=q, **_context())


@pages.get("/{user_id}", response_class=HTMLResponse)
def officer_page(request: Request, db: Tx, who: Reader, officer: OfficerOfPath) -> Response:
    log_access(db, who, "officer", officer.user.id, "查看执法人员")
    notice = notice_of(request, NOTICES)
    return render(request, "officer_detail.html", officer=officer, notice=notice, **_context())


@pages.get("/{user_id}/certificates/new", response_class=HTMLResponse)
def certificate_new_page(request: Request, who: Writer, officer: OfficerOfPath) -> Response:
    values = {"issuing_authority": "上海市人民政府", "scope": "安全生产", "status": "active"}
    return render(
        request, "certificate_form.html", officer=officer, view=None, values=values, **_context()
    )


@pages.post("/{user_id}/certificates/new", response_class=HTMLResponse)
async def certificate_new_submit(
    request: Request, db: Tx, who: Writer, officer: OfficerOfPath
) -> Response:
    user_id = officer.user.id
    values = await form_values(request, FIELDS)
    return submit(
        request,
        db,
        lambda: officers.issue_certificate(
            db, parse(officers.CertificateIn, {**values, "officer_id": user_id}), who
        ),
        page="certificate_form.html",
        context=lambda: _form_context(db, user_id, None, values=values),
        then=lambda _: redirect(f"/app/officers/{user_id}", "created"),
    )


@pages.get("/{user_id}/certificates/{certificate_id}", response_class=HTMLResponse)
def certificate_edit_page(
    request: Request, who: Writer, officer: OfficerOfPath, view: CertificateOfPath
) -> Response:
    values = {key: getattr(view.current, key, "") for key in FIELDS if key != "reason"}
    return render(
        request, "certificate_form.html", officer=officer, view=view, values=values, **_context()
    )


@pages.post("/{user_id}/certificates/{certificate_id}", response_class=HTMLResponse)
async def certificate_edit_submit(
    request: Request, db: Tx, who: Writer, officer: OfficerOfPath, view: CertificateOfPath
) -> Response:
    user_id, certificate_id = officer.user.id, view.certificate.id
    values = await form_values(request, FIELDS)
    return submit(
        request,
        db,
        lambda: officers.revise_certificate(
            db, certificate_id, parse(officers.CertificateRevision, values), who
        ),
        page="certificate_form.html",
        context=lambda: _form_context(db, user_id, certificate_id, values=values),
        then=lambda _: redirect(f"/app/officers/{user_id}", "revised"),
    )


# ---- JSON API ----------------------------------------------------------------------------


@api.get("/officers", summary="执法人员及其执法证")
def api_officers(db: Tx, who: Reader, q: str = "") -> list[OfficerOut]:
    rows = officers.list_officers(db, q)
    log_access(db, who, "officer", None, f"执法人员列表 q={q[:50]}", via="api")
    return [OfficerOut.of(o) for o in rows]


@api.get("/officers/{user_id}", summary="执法人员详情")
def api_officer(db: Tx, who: Reader, officer: OfficerOfPath) -> OfficerOut:
    log_access(db, who, "officer", officer.user.id, "查看执法人员", via="api")
    return OfficerOut.of(officer)


@api.post("/certificates", status_code=201, summary="登记执法证")
def api_certificate_create(data: officers.CertificateIn, db: Tx, who: Writer) -> CertificateOut:
    return CertificateOut.of(officers.issue_certificate(db, data, who))


@api.put("/certificates/{certificate_id}", summary="变更执法证（生成新版本）")
def api_certificate_revise(
    certificate_id: RecordId, data: officers.CertificateRevision, db: Tx, who: Writer
) -> CertificateOut:
    return CertificateOut.of(officers.revise_certificate(db, certificate_id, data, who))

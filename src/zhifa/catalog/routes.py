"""Pages and JSON API for officers and their enforcement certificates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from zhifa.core import certificates as officers
from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.certificate_rules import STATE_LABELS, CertificateState
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, RecordId, render, require
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


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "state_labels": STATE_LABELS,
        "status_labels": STATUS_LABELS,
        "today": today(),
        **extra,
    }


def _form_values(form: Any) -> dict[str, Any]:
    return {key: str(form.get(key, "")).strip() for key in FIELDS}


@pages.get("", response_class=HTMLResponse)
def officer_list_page(request: Request, db: Db, who: Reader, q: str = "") -> Response:
    rows = officers.list_officers(db, q)
    log_access(db, who, "officer", None, f"执法人员列表 q={q[:50]}")
    return render(request, "officer_list.html", rows=rows, q=q, **_context())


@pages.get("/{user_id}", response_class=HTMLResponse)
def officer_page(request: Request, user_id: RecordId, db: Db, who: Reader) -> Response:
    officer = officers.get_officer(db, user_id)
    log_access(db, who, "officer", user_id, "查看执法人员")
    return render(
        request,
        "officer_detail.html",
        officer=officer,
        notice=NOTICES.get(request.query_params.get("done", "")),
        **_context(),
    )


@pages.get("/{user_id}/certificates/new", response_class=HTMLResponse)
def certificate_new_page(request: Request, user_id: RecordId, db: Db, who: Writer) -> Response:
    officer = officers.get_officer(db, user_id)
    values = {"issuing_authority": "上海市人民政府", "scope": "安全生产", "status": "active"}
    return render(
        request, "certificate_form.html", officer=officer, view=None, values=values, **_context()
    )


@pages.post("/{user_id}/certificates/new", response_class=HTMLResponse)
async def certificate_new_submit(
    request: Request, user_id: RecordId, db: Db, who: Writer
) -> Response:
    officer = officers.get_officer(db, user_id)
    values = _form_values(await request.form())
    try:
        data = parse(officers.CertificateIn, {**values, "officer_id": user_id})
        officers.issue_certificate(db, data, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "certificate_form.html",
            exc.status_code,
            officer=officer,
            view=None,
            values=values,
            error=exc.message,
            **_context(),
        )
    return RedirectResponse(f"/app/officers/{user_id}?done=created", status_code=303)


@pages.get("/{user_id}/certificates/{certificate_id}", response_class=HTMLResponse)
def certificate_edit_page(
    request: Request, user_id: RecordId, certificate_id: RecordId, db: Db, who: Writer
) -> Response:
    officer = officers.get_officer(db, user_id)
    view = officers.get_certificate(db, certificate_id)
    values = {key: getattr(view.current, key, "") for key in FIELDS if key != "reason"}
    return render(
        request, "certificate_form.html", officer=officer, view=view, values=values, **_context()
    )


@pages.post("/{user_id}/certificates/{certificate_id}", response_class=HTMLResponse)
async def certificate_edit_submit(
    request: Request, user_id: RecordId, certificate_id: RecordId, db: Db, who: Writer
) -> Response:
    officer = officers.get_officer(db, user_id)
    view = officers.get_certificate(db, certificate_id)
    values = _form_values(await request.form())
    try:
        data = parse(officers.CertificateRevision, values)
        officers.revise_certificate(db, certificate_id, data, who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "certificate_form.html",
            exc.status_code,
            officer=officer,
            view=view,
            values=values,
            error=exc.message,
            **_context(),
        )
    return RedirectResponse(f"/app/officers/{user_id}?done=revised", status_code=303)


# ---- JSON API ----------------------------------------------------------------------------


class CertificateOut(BaseModel):
    id: int
    officer_id: int
    version: int
    number: str
    issuing_authority: str
    scope: str
    valid_from: date
    valid_to: date
    status: CertificateStatus
    state_today: CertificateState

    @classmethod
    def of(cls, view: officers.CertificateView) -> CertificateOut:
        c = view.current
        return cls(
            id=view.certificate.id,
            officer_id=view.certificate.officer_id,
            version=c.version,
            number=c.number,
            issuing_authority=c.issuing_authority,
            scope=c.scope,
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            status=c.status,
            state_today=view.state(today()),
        )


class OfficerOut(BaseModel):
    user_id: int
    username: str
    full_name: str
    unit: str | None
    certificates: list[CertificateOut]

    @classmethod
    def of(cls, officer: officers.OfficerView) -> OfficerOut:
        return cls(
            user_id=officer.user.id,
            username=officer.user.username,
            full_name=officer.user.full_name,
            unit=officer.user.unit.name if officer.user.unit else None,
            certificates=[CertificateOut.of(v) for v in officer.certificates],
        )


@api.get("/officers", summary="执法人员及其执法证")
def api_officers(db: Db, who: Reader, q: str = "") -> list[OfficerOut]:
    rows = officers.list_officers(db, q)
    log_access(db, who, "officer", None, f"执法人员列表 q={q[:50]}", via="api")
    return [OfficerOut.of(o) for o in rows]


@api.get("/officers/{user_id}", summary="执法人员详情")
def api_officer(user_id: RecordId, db: Db, who: Reader) -> OfficerOut:
    officer = officers.get_officer(db, user_id)
    log_access(db, who, "officer", user_id, "查看执法人员", via="api")
    return OfficerOut.of(officer)


@api.post("/certificates", status_code=201, summary="登记执法证")
def api_certificate_create(data: officers.CertificateIn, db: Db, who: Writer) -> CertificateOut:
    view = officers.issue_certificate(db, data, who)
    db.commit()
    return CertificateOut.of(view)


@api.put("/certificates/{certificate_id}", summary="变更执法证（生成新版本）")
def api_certificate_revise(
    certificate_id: RecordId, data: officers.CertificateRevision, db: Db, who: Writer
) -> CertificateOut:
    view = officers.revise_certificate(db, certificate_id, data, who)
    db.commit()
    return CertificateOut.of(view)

"""Pages and JSON API for parties (行政相对人)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, PageNumber, RecordId, render, require
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.enforcement import parties
from zhifa.enforcement.actions import list_actions
from zhifa.enforcement.masking import mask_address, mask_id_number
from zhifa.enforcement.models import (
    PARTY_KIND_LABELS,
    RISK_FLAGS,
    ActionStatus,
    PartyKind,
)
from zhifa.enforcement.steps import PROCEDURES

pages = APIRouter(prefix="/app/parties", include_in_schema=False)
api = APIRouter(prefix="/api/v1/parties", tags=["行政相对人"])

Reader = Annotated[Principal, Depends(require(Permission.party_read))]
Writer = Annotated[Principal, Depends(require(Permission.party_write))]

NOTICES = {"created": "已登记。", "revised": "已保存为新版本。"}
FORM_FIELDS = ("name", "uscc", "id_number", "legal_representative", "address", "industry", "phone")


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {key: str(form.get(key, "")).strip() for key in FORM_FIELDS}
    values["risk_flags"] = form.getlist("risk_flags")
    values["kind"] = str(form.get("kind", ""))
    values["reason"] = str(form.get("reason", "")).strip()
    return values


def _form_context(**extra: Any) -> dict[str, Any]:
    return {"risk_flags": RISK_FLAGS, "kind_labels": PARTY_KIND_LABELS, **extra}


def _filters(kind: str | None, risk: str | None) -> tuple[PartyKind | None, str | None]:
    try:
        kind_value = PartyKind(kind) if kind else None
    except ValueError:
        raise DomainError("类别取值无效", "kind") from None
    if risk and risk not in RISK_FLAGS:
        raise DomainError("风险标识取值无效", "risk")
    return kind_value, risk or None


@pages.get("", response_class=HTMLResponse)
def party_list_page(
    request: Request,
    db: Db,
    who: Reader,
    q: str = "",
    kind: str | None = None,
    risk: str | None = None,
    page: PageNumber = 1,
) -> Response:
    kind_value, risk_value = _filters(kind, risk)
    rows, total = parties.find_parties(db, text=q, kind=kind_value, risk_flag=risk_value, page=page)
    log_access(db, who, "party", None, f"列表查询 q={q[:50]} kind={kind} risk={risk}")
    return render(
        request,
        "party_list.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // parties.PAGE_SIZE)),
        q=q,
        kind=kind or "",
        risk=risk or "",
        mask_id_number=mask_id_number,
        mask_address=mask_address,
        notice=NOTICES.get(request.query_params.get("done", "")),
        **_form_context(),
    )


@pages.get("/new", response_class=HTMLResponse)
def party_new_page(request: Request, who: Writer) -> Response:
    return render(
        request, "party_form.html", view=None, values={"kind": "enterprise"}, **_form_context()
    )


@pages.post("/new", response_class=HTMLResponse)
async def party_new_submit(request: Request, db: Db, who: Writer) -> Response:
    values = _form_values(await request.form())
    try:
        view = parties.register_party(db, parse(parties.PartyIn, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "party_form.html",
            exc.status_code,
            view=None,
            values=values,
            error=exc.message,
            error_field=exc.field,
            **_form_context(),
        )
    return RedirectResponse(f"/app/parties/{view.party.id}?done=created", status_code=303)


@pages.get("/{party_id}", response_class=HTMLResponse)
def party_page(request: Request, party_id: RecordId, db: Db, who: Reader) -> Response:
    view = parties.get_party(db, party_id)
    details = parties.party_for(db, party_id, who)
    log_access(db, who, "party", party_id, "查看详情" if details.full else "查看详情（已脱敏）")
    party_actions, action_total = list_actions(db, who, party_id=party_id)
    return render(
        request,
        "party_detail.html",
        view=view,
        details=details,
        versions=list(reversed(view.party.versions)) if details.full else [],
        party_actions=party_actions,
        action_total=action_total,
        procedures=PROCEDURES,
        action_status_labels={ActionStatus.open: "办理中", ActionStatus.closed: "已办结"},
        notice=NOTICES.get(request.query_params.get("done", "")),
        **_form_context(),
    )


@pages.get("/{party_id}/edit", response_class=HTMLResponse)
def party_edit_page(request: Request, party_id: RecordId, db: Db, who: Writer) -> Response:
    view = parties.check_may_revise(db, party_id, who)
    log_access(db, who, "party", party_id, "编辑")
    values = {key: getattr(view.current, key) or "" for key in FORM_FIELDS}
    values["risk_flags"] = view.current.risk_flags
    values["kind"] = view.party.kind
    return render(request, "party_form.html", view=view, values=values, **_form_context())


@pages.post("/{party_id}/edit", response_class=HTMLResponse)
async def party_edit_submit(request: Request, party_id: RecordId, db: Db, who: Writer) -> Response:
    view = parties.check_may_revise(db, party_id, who)
    values = _form_values(await request.form())
    values["kind"] = view.party.kind
    try:
        parties.revise_party(db, party_id, parse(parties.PartyRevision, values), who)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return render(
            request,
            "party_form.html",
            exc.status_code,
            view=view,
            values=values,
            error=exc.message,
            error_field=exc.field,
            **_form_context(),
        )
    return RedirectResponse(f"/app/parties/{party_id}?done=revised", status_code=303)


# ---- JSON API ----------------------------------------------------------------------------


class PartyOut(BaseModel):
    id: int
    kind: PartyKind
    version: int
    name: str
    uscc: str | None
    id_number: str | None
    legal_representative: str | None
    address: str
    industry: str
    phone: str | None
    risk_flags: list[str]

    @classmethod
    def of(cls, view: parties.PartyView, *, full: bool) -> PartyOut:
        details = asdict(parties.shown(view, full=full))
        del details["full"]
        return cls(
            id=view.party.id,
            kind=view.party.kind,
            version=view.current.version,
            risk_flags=view.current.risk_flags,
            **details,
        )


class PartyPage(BaseModel):
    total: int
    page: int
    items: list[PartyOut]


@api.get("", summary="查询行政相对人（身份证号、电话、个人地址脱敏）")
def api_party_list(
    db: Db,
    who: Reader,
    q: str = "",
    kind: PartyKind | None = None,
    risk: str | None = None,
    page: PageNumber = 1,
) -> PartyPage:
    kind_value, risk_value = _filters(kind, risk)
    rows, total = parties.find_parties(db, text=q, kind=kind_value, risk_flag=risk_value, page=page)
    log_access(db, who, "party", None, f"列表查询 q={q[:50]}", via="api")
    return PartyPage(total=total, page=page, items=[PartyOut.of(r, full=False) for r in rows])


@api.post("", status_code=201, summary="登记行政相对人")
def api_party_create(data: parties.PartyIn, db: Db, who: Writer) -> PartyOut:
    view = parties.register_party(db, data, who)
    db.commit()
    return PartyOut.of(view, full=True)


@api.get("/{party_id}", summary="行政相对人详情（调阅留痕；非本人承办案件的当事人脱敏）")
def api_party_get(party_id: RecordId, db: Db, who: Reader) -> PartyOut:
    view = parties.get_party(db, party_id)
    full = parties.party_for(db, party_id, who).full
    log_access(db, who, "party", party_id, "查看详情" if full else "查看详情（已脱敏）", via="api")
    return PartyOut.of(view, full=full)


@api.put("/{party_id}", summary="修改行政相对人（生成新版本）")
def api_party_revise(
    party_id: RecordId, data: parties.PartyRevision, db: Db, who: Writer
) -> PartyOut:
    view = parties.revise_party(db, party_id, data, who)
    db.commit()
    return PartyOut.of(view, full=True)

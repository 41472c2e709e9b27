"""Pages and JSON API for parties (行政相对人). Every reader may look a party up; the
identity number, phone and a person's address are masked unless the caller handles (or
was granted) one of the party's actions, and only such a caller may change them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from zhifa.core.access import log_access
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.http import (
    Db,
    PageNumber,
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
from zhifa.enforcement import parties
from zhifa.enforcement.actions import list_actions
from zhifa.enforcement.identifiers import party_kind_label
from zhifa.enforcement.masking import mask_address, mask_id_number
from zhifa.enforcement.models import (
    PARTY_KIND_LABELS,
    RISK_FLAGS,
    ActionStatus,
    PartyKind,
)
from zhifa.enforcement.schemas import PartyOut, PartyPage
from zhifa.enforcement.steps import PROCEDURES

pages = APIRouter(prefix="/app/parties", include_in_schema=False)
api = APIRouter(prefix="/api/v1/parties", tags=["行政相对人"])

Reader = Annotated[Principal, Depends(require(Permission.party_read))]
Writer = Annotated[Principal, Depends(require(Permission.party_write))]

NOTICES = {"created": "已登记。", "revised": "已保存为新版本。"}
FORM_FIELDS = ("name", "uscc", "id_number", "legal_representative", "address", "industry", "phone")


def party_of_path(party_id: RecordId, db: Db, who: Reader) -> parties.PartyView:
    """The party the path names (404 when there is none). Open to every reader: what of
    it they see in full is `parties.party_for`'s decision."""
    return parties.get_party(db, party_id)


def party_to_revise(party_id: RecordId, db: Db, who: Writer) -> parties.PartyView:
    """The party the path names, if ``who`` may change it: only those who may see its
    full details (403 for the others, 404 when there is none)."""
    return parties.check_may_revise(db, party_id, who)


PartyOfPath = Annotated[parties.PartyView, Depends(party_of_path)]
PartyToRevise = Annotated[parties.PartyView, Depends(party_to_revise)]


async def _party_values(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = await form_values(request, (*FORM_FIELDS, "reason"))
    values["risk_flags"] = form.getlist("risk_flags")
    values["kind"] = str(form.get("kind", ""))
    return values


def _form_context(**extra: Any) -> dict[str, Any]:
    return {
        "risk_flags": RISK_FLAGS,
        "kind_labels": PARTY_KIND_LABELS,
        "kind_label": party_kind_label,
        **extra,
    }


def _filters(kind: str | None, risk: str | None) -> tuple[PartyKind | None, str | None]:
    try:
        kind_value = PartyKind(kind) if kind else None
    except ValueError:
        raise DomainError("类别取值无效", "kind") from None
    if risk and risk not in RISK_FLAGS:
        raise DomainError("风险标识取值无效", "risk")
    return kind_value, risk or None


def _read_purpose(details: parties.PartyShown) -> str:
    return "查看详情" if details.full else "查看详情（已脱敏）"


# ---- pages -------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def party_list_page(
    request: Request,
    db: Tx,
    who: Reader,
    q: str = "",
    kind: str | None = None,
    risk: str | None = None,
    page: PageNumber = 1,
) -> Response:
    kind_value, risk_value = _filters(kind, risk)
    rows, total = parties.find_parties(
        db, text=q, kind=kind_value, risk_flag=risk_value, page=page, who=who
    )
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
        notice=notice_of(request, NOTICES),
        **_form_context(),
    )


@pages.get("/new", response_class=HTMLResponse)
def party_new_page(request: Request, who: Writer) -> Response:
    return render(
        request, "party_form.html", view=None, values={"kind": "enterprise"}, **_form_context()
    )


@pages.post("/new", response_class=HTMLResponse)
async def party_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await _party_values(request)
    return submit(
        request,
        db,
        lambda: parties.register_party(db, parse(parties.PartyIn, values), who),
        page="party_form.html",
        context=lambda: _form_context(view=None, values=values),
        then=lambda view: redirect(f"/app/parties/{view.party.id}", "created"),
    )


@pages.get("/{party_id}", response_class=HTMLResponse)
def party_page(request: Request, who: Reader, view: PartyOfPath, db: Tx) -> Response:
    party_id = view.party.id
    details = parties.party_for(db, party_id, who)
    log_access(db, who, "party", party_id, _read_purpose(details))
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
        notice=notice_of(request, NOTICES),
        **_form_context(),
    )


@pages.get("/{party_id}/edit", response_class=HTMLResponse)
def party_edit_page(request: Request, who: Writer, view: PartyToRevise, db: Tx) -> Response:
    log_access(db, who, "party", view.party.id, "编辑")
    values = {key: getattr(view.current, key) or "" for key in FORM_FIELDS}
    values["risk_flags"] = view.current.risk_flags
    values["kind"] = view.party.kind
    return render(request, "party_form.html", view=view, values=values, **_form_context())


@pages.post("/{party_id}/edit", response_class=HTMLResponse)
async def party_edit_submit(request: Request, who: Writer, view: PartyToRevise, db: Tx) -> Response:
    party_id = view.party.id
    values = {**await _party_values(request), "kind": view.party.kind}
    return submit(
        request,
        db,
        lambda: parties.revise_party(db, party_id, parse(parties.PartyRevision, values), who),
        page="party_form.html",
        context=lambda: _form_context(view=parties.get_party(db, party_id), values=values),
        then=lambda _: redirect(f"/app/parties/{party_id}", "revised"),
    )


# ---- JSON API ----------------------------------------------------------------------------


@api.get("", summary="查询行政相对人（身份证号、电话、个人地址脱敏）")
def api_party_list(
    db: Tx,
    who: Reader,
    q: str = "",
    kind: PartyKind | None = None,
    risk: str | None = None,
    page: PageNumber = 1,
) -> PartyPage:
    kind_value, risk_value = _filters(kind, risk)
    rows, total = parties.find_parties(
        db, text=q, kind=kind_value, risk_flag=risk_value, page=page, who=who
    )
    log_access(db, who, "party", None, f"列表查询 q={q[:50]}", via="api")
    return PartyPage(total=total, page=page, items=[PartyOut.of(r, full=False) for r in rows])


@api.post("", status_code=201, summary="登记行政相对人")
def api_party_create(data: parties.PartyIn, db: Tx, who: Writer) -> PartyOut:
    return PartyOut.of(parties.register_party(db, data, who), full=True)


@api.get("/{party_id}", summary="行政相对人详情（调阅留痕；非本人承办案件的当事人脱敏）")
def api_party_get(who: Reader, view: PartyOfPath, db: Tx) -> PartyOut:
    details = parties.party_for(db, view.party.id, who)
    log_access(db, who, "party", view.party.id, _read_purpose(details), via="api")
    return PartyOut.of(view, full=details.full)


@api.put("/{party_id}", summary="修改行政相对人（生成新版本）")
def api_party_revise(
    who: Writer, view: PartyToRevise, data: parties.PartyRevision, db: Tx
) -> PartyOut:
    return PartyOut.of(parties.revise_party(db, view.party.id, data, who), full=True)

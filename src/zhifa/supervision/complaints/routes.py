"""The legal section's complaint pages (/app/supervision/complaints): the list by tab
(待受理 / 办理中 / 已答复 / 逾期), the entry of a letter, call or visit, and the case page
with its timeline and the forms of each step; a leader signs or returns the answer and
approves an extension on the same page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.core.auth import Principal
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
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse
from zhifa.supervision.complaints import rules, service
from zhifa.supervision.complaints.rules import Tab

pages = APIRouter(prefix="/app/supervision/complaints", include_in_schema=False)

Reader = Annotated[Principal, Depends(require(Permission.complaint_read))]
Handler = Annotated[Principal, Depends(require(Permission.complaint_handle))]
Signer = Annotated[Principal, Depends(require(Permission.complaint_sign))]

NOTICES = {
    "entered": "已登记投诉举报，受理告知期限已按时限规则表计算。",
    "accept": "已受理，办理期限自今日起算。",
    "reject": "已作出不予受理的决定，投诉人可凭受理编号查看理由。",
    "assign": "已指派承办人。",
    "link": "已关联记录。",
    "findings": "已保存调查情况。",
    "propose": "答复已提交局领导签发。",
    "sign": "答复已签发，投诉人可凭受理编号查看。",
    "return": "答复已退回承办人修改。",
    "extend": "已批准延长办理期限。",
}
_ENTRY_FIELDS = (
    "received_via",
    "received_on",
    "matter",
    "complaint_text",
    "complainant_name",
    "complainant_phone",
)


def _list_context(db: Session, tab: Tab) -> dict[str, Any]:
    day = today()
    return {
        "tab": tab,
        "tabs": rules.TAB_LABELS,
        "counts": service.counts(db, day),
        "rows": service.listed(db, tab, day),
        "day": day,
        "status_labels": rules.STATUS_LABELS,
        "channel_labels": rules.CHANNEL_LABELS,
    }


@pages.get("", response_class=HTMLResponse)
def complaint_list(request: Request, who: Reader, db: Db, tab: Tab = Tab.waiting) -> Response:
    context = _list_context(db, tab)
    return render(request, "supervision/complaints.html", **context)


def _entry_context(values: dict[str, str] | None = None) -> dict[str, Any]:
    channels = [(c.value, rules.CHANNEL_LABELS[c]) for c in rules.STAFF_CHANNELS]
    return {"values": values or {"received_on": today().isoformat()}, "channels": channels}


@pages.get("/new", response_class=HTMLResponse)
def complaint_new(request: Request, who: Handler) -> Response:
    return render(request, "supervision/complaint_new.html", **_entry_context())


@pages.post("", response_class=HTMLResponse)
async def complaint_enter(request: Request, who: Handler, db: Tx) -> Response:
    values = await form_values(request, _ENTRY_FIELDS)
    return submit(
        request,
        db,
        lambda: service.enter(db, who, parse(service.StaffIn, values)),
        page="supervision/complaint_new.html",
        context=lambda: _entry_context(values),
        then=lambda row: redirect(f"/app/supervision/complaints/{row.id}", "entered"),
    )


def _case_context(db: Session, who: Principal, complaint_id: int) -> dict[str, Any]:
    return {
        "case": service.read(db, who, complaint_id),
        "day": today(),
        "status_labels": rules.STATUS_LABELS,
        "channel_labels": rules.CHANNEL_LABELS,
        "link_kinds": rules.LINK_LABELS,
        "tabs": rules.TAB_LABELS,
        "overdue": rules.is_overdue,
        "event_labels": rules.EVENT_LABELS,
    }


@pages.get("/{complaint_id}", response_class=HTMLResponse)
def complaint_page(request: Request, complaint_id: RecordId, who: Reader, db: Db) -> Response:
    notice = notice_of(request, NOTICES)
    context = _case_context(db, who, complaint_id)
    return render(request, "supervision/complaint.html", notice=notice, **context)


async def _step(
    request: Request,
    db: Session,
    who: Principal,
    complaint_id: int,
    step: str,
    change: Callable[[dict[str, str]], object],
) -> Response:
    """One step of the case page: the posted fields, the change, the page again with the
    refusal beside its field or a redirect with the step's notice."""
    values = await form_values(request)
    return submit(
        request,
        db,
        lambda: change(values),
        page="supervision/complaint.html",
        context=lambda: {**_case_context(db, who, complaint_id), "values": values},
        then=lambda _row: redirect(f"/app/supervision/complaints/{complaint_id}", step),
    )


@pages.post("/{complaint_id}/accept", response_class=HTMLResponse)
async def accept(request: Request, complaint_id: RecordId, who: Handler, db: Tx) -> Response:
    return await _step(
        request, db, who, complaint_id, "accept", lambda _v: service.accept(db, complaint_id, who)
    )


@pages.post("/{complaint_id}/reject", response_class=HTMLResponse)
async def reject(request: Request, complaint_id: RecordId, who: Handler, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "reject",
        lambda v: service.reject(db, complaint_id, who, parse(service.ReasonIn, v)),
    )


@pages.post("/{complaint_id}/assign", response_class=HTMLResponse)
async def assign(request: Request, complaint_id: RecordId, who: Handler, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "assign",
        lambda v: service.assign(db, complaint_id, who, parse(service.AssignIn, v)),
    )


@pages.post("/{complaint_id}/link", response_class=HTMLResponse)
async def link(request: Request, complaint_id: RecordId, who: Handler, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "link",
        lambda v: service.link(db, complaint_id, who, parse(service.LinkIn, v)),
    )


@pages.post("/{complaint_id}/findings", response_class=HTMLResponse)
async def findings(request: Request, complaint_id: RecordId, who: Handler, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "findings",
        lambda v: service.record_findings(db, complaint_id, who, parse(service.FindingsIn, v)),
    )


@pages.post("/{complaint_id}/propose", response_class=HTMLResponse)
async def propose(request: Request, complaint_id: RecordId, who: Handler, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "propose",
        lambda v: service.propose(db, complaint_id, who, parse(service.AnswerIn, v)),
    )


@pages.post("/{complaint_id}/sign", response_class=HTMLResponse)
async def sign(request: Request, complaint_id: RecordId, who: Signer, db: Tx) -> Response:
    return await _step(
        request, db, who, complaint_id, "sign", lambda _v: service.sign(db, complaint_id, who)
    )


@pages.post("/{complaint_id}/return", response_class=HTMLResponse)
async def send_back(request: Request, complaint_id: RecordId, who: Signer, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "return",
        lambda v: service.send_back(db, complaint_id, who, parse(service.ReasonIn, v)),
    )


@pages.post("/{complaint_id}/extend", response_class=HTMLResponse)
async def extend(request: Request, complaint_id: RecordId, who: Signer, db: Tx) -> Response:
    return await _step(
        request,
        db,
        who,
        complaint_id,
        "extend",
        lambda v: service.extend(db, complaint_id, who, parse(service.ExtendIn, v)),
    )

"""Corrections, withdrawals and updates over HTTP.

- `public` (no login, for the portal): the written correction request form
  (/corrections/new?p=<public id>), its submission and the status page
  (/corrections/<receipt number>). These read and write only the portal's tables,
  ``correction_request``, the blob registry and the ledger.
- `pages` (/app/publicity/…) and `api` (/api/v1/publicity/…): the legal section's
  correction cases, withdrawals and updates.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import select
from starlette.datastructures import UploadFile

from zhifa.blobs import BlobStore
from zhifa.core.access import client_key, log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from zhifa.core.http import BodyRecordId, Config, Db, RecordId, record_id_or_none, render, require
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.spreadsheet import FORMULA_STARTS
from zhifa.core.validation import FIELD_LABELS, describe
from zhifa.publicity import corrections, public_form, rules, service, withdrawals
from zhifa.publicity.models import (
    CASE_STATUS_LABELS,
    PUBLICATION_STATUS_LABELS,
    TASK_STATUS_LABELS,
    WITHDRAWAL_CAUSE_LABELS,
    CaseStatus,
    CorrectionRequest,
    Publication,
    PublicationUpdate,
    Withdrawal,
    WithdrawalCause,
)
from zhifa.publicity.portal import decisions as portal_store

public = APIRouter(include_in_schema=False)
pages = APIRouter(prefix="/app/publicity", include_in_schema=False)
api = APIRouter(prefix="/api/v1/publicity", tags=["事后公示：更正、撤下、更新"])

Reader = Annotated[Principal, Depends(require(Permission.publication_read))]
Reviewer = Annotated[Principal, Depends(require(Permission.publication_review))]
Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]

LABELS = {
    "p": "公示信息编号",
    "name": "姓名或名称",
    "contact": "联系方式",
    "what_is_wrong": "需要更正的内容",
    "obligation_id": "公示义务",
    "summary": "更正说明",
    "reason": "理由",
    "cause": "情形",
    "occurred_on": "生效日期",
    "decision_ref": "决定文书文号",
}


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate at the edge with this feature's field names in the message."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = describe(exc)
        field = error.field or ""
        shared = FIELD_LABELS.get(field, field)
        label = LABELS.get(field)
        message = error.message.replace(shared, label, 1) if label and shared else error.message
        raise InvalidInput(message, error.field) from exc


# ---- shapes ------------------------------------------------------------------------------------

_MOBILE = r"1[3-9]\d{9}"
_LANDLINE = r"0\d{2,3}-?\d{7,8}"
_EMAIL = r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+"


class RequestIn(BaseModel):
    p: BodyRecordId
    name: str = Field(min_length=1, max_length=100)
    contact: str = Field(min_length=1, max_length=200)
    what_is_wrong: str = Field(min_length=1, max_length=5000)

    @field_validator("name", "contact", "what_is_wrong", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if value[:1] in FORMULA_STARTS:  # no name starts so; a spreadsheet would run it
            raise ValueError("不能以 =、+、-、@ 或制表符、换行开头")
        return value

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        plain = value.replace(" ", "")
        if not any(re.fullmatch(p, plain) for p in (_MOBILE, _LANDLINE, _EMAIL)):
            raise ValueError("请填写手机号码、固定电话（如 021-12345678）或电子邮箱")
        return plain


class StaffCaseIn(BaseModel):
    obligation_id: BodyRecordId
    what_is_wrong: str = Field(min_length=1, max_length=5000)


class ProposalIn(BaseModel):
    edits: dict[str, str] = Field(default_factory=dict)
    rebuild: bool = False
    summary: str = Field(min_length=1, max_length=1000)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class ChangeIn(BaseModel):
    cause: WithdrawalCause
    occurred_on: date
    reason: str = Field(min_length=1, max_length=1000)
    decision_ref: str = Field(min_length=1, max_length=200)


def _case_json(row: CorrectionRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "receipt_number": row.receipt_number,
        "obligation_id": row.obligation_id,
        "source": row.source,
        "requester_name": row.requester_name,
        "contact": row.contact,
        "what_is_wrong": row.what_is_wrong,
        "evidence_digest": row.evidence_digest,
        "evidence_type": row.evidence_type,
        "received_on": row.received_on.isoformat(),
        "limit_code": row.limit_code,
        "due_on": row.due_on.isoformat(),
        "due_provisional": row.due_provisional,
        "status": row.status.value,
        "handler_id": row.handler_id,
        "proposed_by": row.proposed_by,
        "decided_by": row.decided_by,
        "decided_on": row.decided_on.isoformat() if row.decided_on else None,
        "decision_reason": row.decision_reason,
        "new_publication_id": row.new_publication_id,
    }


def _task_json(row: Withdrawal | PublicationUpdate) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "obligation_id": row.obligation_id,
        "decision_ref": row.decision_ref,
        "occurred_on": row.occurred_on.isoformat(),
        "limit_code": row.limit_code,
        "due_on": row.due_on.isoformat(),
        "due_provisional": row.due_provisional,
        "basis": row.basis,
        "responsible_id": row.responsible_id,
        "unit_id": row.unit_id,
        "status": row.status.value,
        "done_on": row.done_on.isoformat() if row.done_on else None,
    }
    if isinstance(row, Withdrawal):
        data |= {
            "cause": row.cause.value,
            "reason": row.reason,
            "publication_id": row.publication_id,
        }
    else:
        data |= {"withdrawal_id": row.withdrawal_id, "new_publication_id": row.new_publication_id}
    return data


def _pub_json(pub: Publication) -> dict[str, Any]:
    return {
        "id": pub.id,
        "obligation_id": pub.obligation_id,
        "version": pub.version,
        "supersedes_id": pub.supersedes_id,
        "status": pub.status.value,
        "correction_note": pub.correction_note,
        "digest": pub.digest,
        "ledger_index": pub.ledger_index,
        "snapshot": service.snapshot_as_of(pub),
    }


# ---- the public form ---------------------------------------------------------------------------


def _store(settings: Settings) -> BlobStore:
    return open_blob_store(settings)


def _form_page(
    request: Request,
    db: Db,
    settings: Settings,
    values: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> Response:
    public_id = record_id_or_none(values.get("p", "")) or 0
    entry = portal_store.entry(db, public_id) if public_id > 0 else None
    token = public_form.new_csrf()
    response = render(
        request,
        "correction_new.html",
        status,
        entry=entry,
        values=values,
        error=error,
        challenge=public_form.new_challenge(settings.resolved_secret_key()),
        form_csrf=token,
        max_mb=settings.correction_evidence_max_bytes / 1024**2,
        evidence_types="、".join(corrections.EVIDENCE_TYPES.values()),
    )
    response.set_cookie(
        public_form.CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/corrections",
    )
    return response


@public.get("/corrections/new", response_class=HTMLResponse)
def correction_form(request: Request, db: Db, settings: Config, p: str = "") -> Response:
    values = {"p": p}
    if not corrections.publicly_shown(db, record_id_or_none(p) or 0):
        message = "要求更正的公示信息不存在或已不在公示中，请从公示详情页的“申请更正”进入"
        return _form_page(request, db, settings, values, message, 404)
    return _form_page(request, db, settings, values)


async def _evidence(upload: object, max_bytes: int) -> corrections.Evidence | None:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(max_bytes + 1)
    return corrections.evidence_of(data, max_bytes)


@public.post("/corrections", response_class=HTMLResponse)
async def correction_submit(request: Request, db: Db, settings: Config) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        if not public_form.csrf_ok(
            request.cookies.get(public_form.CSRF_COOKIE, ""), values.get("csrf_token", "")
        ):
            raise Forbidden("表单已失效（CSRF 校验失败），请刷新页面后重新填写")
        if values.get("website"):  # a field people do not see: only robots fill it
            raise DomainError("提交未通过校验，请刷新页面后重新填写")
        problem = public_form.answer_challenge(
            db,
            settings.resolved_secret_key(),
            values.get("challenge", ""),
            values.get("answer", ""),
        )
        db.commit()  # the question is spent even if this request is refused below
        if problem:
            raise DomainError(problem, "answer")
        data = _parse(RequestIn, values)
        evidence = await _evidence(form.get("evidence"), settings.correction_evidence_max_bytes)
        intake = corrections.Intake(data.p, data.name, data.contact, data.what_is_wrong)
        client = client_key(settings.resolved_secret_key(), "correction-client")
        case = corrections.receive(db, _store(settings), settings, intake, evidence, client)
        db.commit()
    except DomainError as exc:
        db.rollback()
        return _form_page(request, db, settings, values, exc.message, exc.status_code)
    return RedirectResponse(f"/corrections/{case.receipt_number}?new=1", status_code=303)


@public.get("/corrections/{receipt}", response_class=HTMLResponse)
def correction_status(request: Request, db: Db, receipt: str, new: str = "") -> Response:
    case = corrections.by_receipt(db, receipt.strip().upper())
    return render(
        request,
        "correction_status.html",
        case=case,
        entry=portal_store.entry(db, case.obligation_id),
        is_new=new == "1",
        name=corrections.masked_name(case.requester_name),
        contact=corrections.masked_contact(case.contact),
        labels=CASE_STATUS_LABELS,
        evidence_labels=corrections.EVIDENCE_TYPES,
    )


# ---- staff: correction cases -------------------------------------------------------------------

NOTICES = {
    "opened": "已登记更正案件。",
    "proposed": "已拟定更正后的新版本，待另一名有发布权限的人员批准发布。",
    "corrected": "已发布更正后的新版本。",
    "rejected": "已作出不予更正的决定。",
    "registered": "已登记，撤下或更新期限已按时限规则表计算。",
    "withdrawn": "已撤下。",
    "update_proposed": "已按变更后的决定生成新版本，待另一名有发布权限的人员批准发布。",
    "updated": "已发布变更后的决定。",
}


async def _form(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def _back(path: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?done={done}", status_code=303)


def _status(value: str | None) -> CaseStatus | None:
    if not value:
        return None
    try:
        return CaseStatus(value)
    except ValueError:
        raise DomainError("状态取值无效", "status") from None


def _users(db: Db) -> dict[int, str]:
    return {u.id: u.full_name for u in db.scalars(select(User))}


@pages.get("/corrections", response_class=HTMLResponse)
def cases_page(request: Request, db: Db, who: Reviewer, status: str | None = None) -> Response:
    wanted = _status(status)
    # The list names the requesters: a read of their personal data.
    log_access(db, who, "correction_request", None, f"更正案件列表 status={status}")
    return render(
        request,
        "correction_list.html",
        cases=corrections.list_cases(db, wanted),
        labels=CASE_STATUS_LABELS,
        status=wanted.value if wanted else "",
        users=_users(db),
    )


def _diff(db: Db, draft: Publication | None) -> list[tuple[str, str, str]]:
    if draft is None or draft.supersedes_id is None:
        return []
    base = service.get_publication(db, draft.supersedes_id)
    return corrections.changes(base.snapshot, draft.snapshot)


@pages.get("/corrections/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, db: Db, who: Reviewer, case_id: RecordId) -> Response:
    case = corrections.get_case(db, case_id)
    log_access(db, who, "correction_request", case.id, "核实处理更正要求")
    current = corrections.current_version(db, case.obligation_id)
    draft = (
        service.get_publication(db, case.new_publication_id) if case.new_publication_id else None
    )
    return render(
        request,
        "correction_case.html",
        case=case,
        ob=service.get_obligation(db, case.obligation_id),
        current=current,
        draft=draft,
        diff=_diff(db, draft),
        fixed=corrections.FIXED_ITEMS,
        labels=CASE_STATUS_LABELS,
        pub_labels=PUBLICATION_STATUS_LABELS,
        kinds=rules.KIND_LABELS,
        users=_users(db),
        notice=NOTICES.get(request.query_params.get("done", "")),
    )


@pages.get("/corrections/{case_id}/evidence")
def case_evidence(db: Db, settings: Config, who: Reviewer, case_id: RecordId) -> Response:
    case = corrections.get_case(db, case_id)
    if not case.evidence_digest:
        raise NotFound("该更正要求没有附证明材料")
    log_access(db, who, "correction_request", case.id, "查看更正要求的证明材料")
    stream = _store(settings).open(case.evidence_digest)
    try:
        data = stream.read()
    finally:
        stream.close()
    disposition = f'attachment; filename="evidence-{case.receipt_number}"'
    return Response(
        data, media_type=case.evidence_type, headers={"content-disposition": disposition}
    )


@pages.post("/corrections")
async def staff_case_form(request: Request, db: Db, who: Reviewer) -> Response:
    data = _parse(StaffCaseIn, await _form(request))
    case = corrections.open_by_staff(db, data.obligation_id, who, data.what_is_wrong)
    db.commit()
    return _back(f"/app/publicity/corrections/{case.id}", "opened")


def _edits(form: dict[str, str], current: Publication | None) -> dict[str, str]:
    """The items whose value the form changed."""
    if current is None:
        return {}
    now = {i["key"]: str(i["value"]) for i in current.snapshot["items"]}
    return {
        key[5:]: value.strip()
        for key, value in form.items()
        if key.startswith("item_") and key[5:] in now and value.strip() != now[key[5:]]
    }


@pages.post("/corrections/{case_id}/propose")
async def propose_form(
    request: Request, db: Db, settings: Config, who: Reviewer, case_id: RecordId
) -> Response:
    form = await _form(request)
    case = corrections.get_case(db, case_id)
    edits = _edits(form, corrections.current_version(db, case.obligation_id))
    corrections.propose(
        db,
        settings,
        case_id,
        who,
        edits=edits,
        rebuild=form.get("rebuild") == "1",
        summary=form.get("summary", ""),
    )
    db.commit()
    return _back(f"/app/publicity/corrections/{case_id}", "proposed")


@pages.post("/corrections/{case_id}/approve")
def approve_form(db: Db, who: Publisher, case_id: RecordId) -> Response:
    corrections.approve(db, case_id, who)
    db.commit()
    return _back(f"/app/publicity/corrections/{case_id}", "corrected")


@pages.post("/corrections/{case_id}/reject")
async def reject_form(request: Request, db: Db, who: Reviewer, case_id: RecordId) -> Response:
    data = _parse(ReasonIn, await _form(request))
    corrections.reject(db, case_id, who, data.reason)
    db.commit()
    return _back(f"/app/publicity/corrections/{case_id}", "rejected")


# ---- staff: withdrawals and updates ------------------------------------------------------------


def _change(data: ChangeIn) -> withdrawals.Change:
    return withdrawals.Change(data.cause, data.occurred_on, data.reason, data.decision_ref)


@pages.get("/obligations/{obligation_id}/changes", response_class=HTMLResponse)
def change_page(request: Request, db: Db, who: Reader, obligation_id: RecordId) -> Response:
    ob = service.obligation_for(db, obligation_id, who)
    found_withdrawals, found_updates = withdrawals.of_obligation(db, ob.id)
    return render(
        request,
        "withdrawal_new.html",
        ob=ob,
        kinds=rules.KIND_LABELS,
        causes=WITHDRAWAL_CAUSE_LABELS,
        withdrawals=found_withdrawals,
        updates=found_updates,
        task_labels=TASK_STATUS_LABELS,
        current=corrections.current_version(db, ob.id),
    )


@pages.post("/obligations/{obligation_id}/changes")
async def change_form(request: Request, db: Db, who: Reviewer, obligation_id: RecordId) -> Response:
    data = _parse(ChangeIn, await _form(request))
    withdrawal, update = withdrawals.register(db, obligation_id, who, _change(data))
    db.commit()
    if withdrawal is not None:
        return _back(f"/app/publicity/withdrawals/{withdrawal.id}", "registered")
    assert update is not None
    return _back(f"/app/publicity/updates/{update.id}", "registered")


def _task_page(
    request: Request, db: Db, who: Principal, row: Withdrawal | PublicationUpdate, template: str
) -> Response:
    ob = service.obligation_for(db, row.obligation_id, who)
    new_pub = getattr(row, "new_publication_id", None)
    draft = service.get_publication(db, new_pub) if new_pub else None
    return render(
        request,
        template,
        row=row,
        ob=ob,
        kinds=rules.KIND_LABELS,
        causes=WITHDRAWAL_CAUSE_LABELS,
        task_labels=TASK_STATUS_LABELS,
        pub_labels=PUBLICATION_STATUS_LABELS,
        current=corrections.current_version(db, ob.id),
        draft=draft,
        diff=_diff(db, draft),
        users=_users(db),
        notice=NOTICES.get(request.query_params.get("done", "")),
    )


@pages.get("/withdrawals/{withdrawal_id}", response_class=HTMLResponse)
def withdrawal_page(request: Request, db: Db, who: Reader, withdrawal_id: RecordId) -> Response:
    row = withdrawals.get_withdrawal(db, withdrawal_id)
    return _task_page(request, db, who, row, "withdrawal_page.html")


@pages.post("/withdrawals/{withdrawal_id}/perform")
def perform_form(db: Db, who: Publisher, withdrawal_id: RecordId) -> Response:
    withdrawals.perform(db, withdrawal_id, who)
    db.commit()
    return _back(f"/app/publicity/withdrawals/{withdrawal_id}", "withdrawn")


@pages.get("/updates/{update_id}", response_class=HTMLResponse)
def update_page(request: Request, db: Db, who: Reader, update_id: RecordId) -> Response:
    row = withdrawals.get_update(db, update_id)
    return _task_page(request, db, who, row, "withdrawal_update.html")


@pages.post("/updates/{update_id}/propose")
def update_propose_form(db: Db, settings: Config, who: Reviewer, update_id: RecordId) -> Response:
    withdrawals.propose_update(db, settings, update_id, who)
    db.commit()
    return _back(f"/app/publicity/updates/{update_id}", "update_proposed")


@pages.post("/updates/{update_id}/approve")
def update_approve_form(db: Db, who: Publisher, update_id: RecordId) -> Response:
    withdrawals.approve_update(db, update_id, who)
    db.commit()
    return _back(f"/app/publicity/updates/{update_id}", "updated")


# ---- JSON API ----------------------------------------------------------------------------------


@api.get("/corrections")
def api_cases(db: Db, who: Reviewer, status: str | None = None) -> list[dict[str, Any]]:
    cases = corrections.list_cases(db, _status(status))
    log_access(db, who, "correction_request", None, f"更正案件列表 status={status}", via="api")
    return [_case_json(c) for c in cases]


@api.get("/corrections/{case_id}")
def api_case(db: Db, who: Reviewer, case_id: RecordId) -> dict[str, Any]:
    case = corrections.get_case(db, case_id)
    log_access(db, who, "correction_request", case.id, "核实处理更正要求", via="api")
    return _case_json(case)


@api.post("/corrections", status_code=201)
def api_open_case(db: Db, who: Reviewer, data: StaffCaseIn) -> dict[str, Any]:
    case = corrections.open_by_staff(db, data.obligation_id, who, data.what_is_wrong)
    db.commit()
    return _case_json(case)


@api.post("/corrections/{case_id}/proposal")
def api_propose(
    db: Db, settings: Config, who: Reviewer, case_id: RecordId, data: ProposalIn
) -> dict[str, Any]:
    pub = corrections.propose(
        db, settings, case_id, who, edits=data.edits, rebuild=data.rebuild, summary=data.summary
    )
    db.commit()
    return _pub_json(pub)


@api.post("/corrections/{case_id}/approve")
def api_approve(db: Db, who: Publisher, case_id: RecordId) -> dict[str, Any]:
    pub = corrections.approve(db, case_id, who)
    db.commit()
    return _pub_json(pub)


@api.post("/corrections/{case_id}/reject")
def api_reject(db: Db, who: Reviewer, case_id: RecordId, data: ReasonIn) -> dict[str, Any]:
    case = corrections.reject(db, case_id, who, data.reason)
    db.commit()
    return _case_json(case)


@api.post("/obligations/{obligation_id}/changes", status_code=201)
def api_register(db: Db, who: Reviewer, obligation_id: RecordId, data: ChangeIn) -> dict[str, Any]:
    withdrawal, update = withdrawals.register(db, obligation_id, who, _change(data))
    db.commit()
    return {
        "withdrawal": _task_json(withdrawal) if withdrawal else None,
        "update": _task_json(update) if update else None,
    }


@api.get("/withdrawals/{withdrawal_id}")
def api_withdrawal(db: Db, who: Reader, withdrawal_id: RecordId) -> dict[str, Any]:
    return _task_json(withdrawals.get_withdrawal(db, withdrawal_id))


@api.post("/withdrawals/{withdrawal_id}/perform")
def api_perform(db: Db, who: Publisher, withdrawal_id: RecordId) -> dict[str, Any]:
    row = withdrawals.perform(db, withdrawal_id, who)
    db.commit()
    return _task_json(row)


@api.get("/updates/{update_id}")
def api_update(db: Db, who: Reader, update_id: RecordId) -> dict[str, Any]:
    return _task_json(withdrawals.get_update(db, update_id))


@api.post("/updates/{update_id}/proposal")
def api_update_propose(
    db: Db, settings: Config, who: Reviewer, update_id: RecordId
) -> dict[str, Any]:
    pub = withdrawals.propose_update(db, settings, update_id, who)
    db.commit()
    return _pub_json(pub)


@api.post("/updates/{update_id}/approve")
def api_update_approve(db: Db, who: Publisher, update_id: RecordId) -> dict[str, Any]:
    pub = withdrawals.approve_update(db, update_id, who)
    db.commit()
    return _pub_json(pub)

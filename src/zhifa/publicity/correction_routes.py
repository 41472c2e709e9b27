"""Corrections, withdrawals and updates over HTTP.

- `public` (no login, for the portal): the written correction request form
  (/corrections/new?p=<public id>), its submission and the status page
  (/corrections/<receipt number>). These read and write only the portal's tables,
  ``correction_request``, the blob registry and the ledger.
- `pages` (/app/publicity/…) and `api` (/api/v1/publicity/…): the legal section's
  correction requests, withdrawals and updates.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.core.access import client_key, log_access
from zhifa.core.auth import Principal
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import DomainError, InvalidInput, NotFound
from zhifa.core.http import (
    Config,
    Db,
    RecordId,
    Tx,
    form_values,
    notice_of,
    record_id_or_none,
    redirect,
    render,
    require,
    submit,
)
from zhifa.core.models import User
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.time_limits import limit
from zhifa.core.validation import FIELD_LABELS, describe
from zhifa.publicity import corrections, public_form, rules, service, withdrawals
from zhifa.publicity.models import (
    CORRECTION_STATUS_LABELS,
    PUBLICATION_STATUS_LABELS,
    TASK_STATUS_LABELS,
    WITHDRAWAL_CAUSE_LABELS,
    CorrectionRequest,
    CorrectionStatus,
    Publication,
    PublicationObligation,
    PublicationUpdate,
    Withdrawal,
)
from zhifa.publicity.portal import decisions as portal_store
from zhifa.publicity.portal import subjects as portal_subjects
from zhifa.publicity.routes import ObligationOfPath, obligation_view
from zhifa.publicity.schemas import (
    ChangeIn,
    ChangeOut,
    CorrectionOut,
    HolderIn,
    HoldingOut,
    ProposalIn,
    PublicationUpdateOut,
    ReasonIn,
    RequestIn,
    StaffCorrectionIn,
    VersionOut,
    WithdrawalOut,
)

public = APIRouter(include_in_schema=False)
pages = APIRouter(prefix="/app/publicity", include_in_schema=False)
api = APIRouter(prefix="/api/v1/publicity", tags=["事后公示：更正、撤下、更新"])

Reader = Annotated[Principal, Depends(require(Permission.publication_read))]
Reviewer = Annotated[Principal, Depends(require(Permission.publication_review))]
Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]


def correction_of_path(correction_id: RecordId, db: Db, who: Reviewer) -> CorrectionRequest:
    """The correction request the path names (404 when there is none)."""
    return corrections.get_correction(db, correction_id)


def withdrawal_of_path(withdrawal_id: RecordId, db: Db, who: Reader) -> Withdrawal:
    """The withdrawal the path names (404 when there is none)."""
    return withdrawals.get_withdrawal(db, withdrawal_id)


def update_of_path(update_id: RecordId, db: Db, who: Reader) -> PublicationUpdate:
    """The update the path names (404 when there is none)."""
    return withdrawals.get_update(db, update_id)


CorrectionOfPath = Annotated[CorrectionRequest, Depends(correction_of_path)]
WithdrawalOfPath = Annotated[Withdrawal, Depends(withdrawal_of_path)]
UpdateOfPath = Annotated[PublicationUpdate, Depends(update_of_path)]

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


def _message(error: InvalidInput) -> str:
    """A refusal's message with this feature's name for its field."""
    field = error.field or ""
    shared = FIELD_LABELS.get(field, field)
    label = LABELS.get(field)
    return error.message.replace(shared, label, 1) if label and shared else error.message


def _parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate at the edge with this feature's field names in the message."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = describe(exc)
        raise InvalidInput(_message(error), error.field) from exc


def _field_errors(model: type[BaseModel], data: dict[str, Any]) -> dict[str, str]:
    """Every field `model` refuses in `data`, each with its message (the first per field)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        found: dict[str, str] = {}
        for one in exc.errors():
            error = describe([one])
            found.setdefault(error.field or "", _message(error))
        return found
    return {}


# ---- the public form ---------------------------------------------------------------------------

# The fields a requester sees; a refusal of any other (the hidden public id, the form's
# guards, the rate limit) is said above the form.
FORM_FIELDS = ("name", "contact", "what_is_wrong", "evidence", "answer")
RECEIPT_FORMAT = "受理编号的格式为 GZ-年份-8位字母或数字，例如 GZ-2026-7K3M9QXA，请核对后重新输入"
# Refusals of the question's token itself: the next page asks a new question.
_TOKEN_REFUSALS = (public_form.INVALID, public_form.EXPIRED, public_form.SPENT)


def _form_page(
    request: Request,
    db: Session,
    settings: Settings,
    values: dict[str, str],
    refusal: DomainError | None = None,
) -> Response:
    """The form, filled with what was typed; a refusal's messages beside their fields. The
    question stays the same after any refusal but one of its token (the answer too, which
    is no secret)."""
    public_id = record_id_or_none(values.get("p", "")) or 0
    entry = portal_store.entry(db, public_id) if public_id > 0 else None
    errors = getattr(refusal, "fields", None) or (
        {refusal.field or "": refusal.message} if refusal else {}
    )
    keep = refusal is not None and refusal.message not in _TOKEN_REFUSALS
    secret = settings.resolved_secret_key()
    token = public_form.new_csrf()
    response = render(
        request,
        "correction_new.html",
        refusal.status_code if refusal else 200,
        entry=entry,
        values=values,
        errors={k: v for k, v in errors.items() if k in FORM_FIELDS},
        error=next((v for k, v in errors.items() if k not in FORM_FIELDS), None),
        answer=values.get("answer", "") if keep else "",
        challenge=public_form.new_challenge(
            secret, again=values.get("challenge", "") if keep else ""
        ),
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
        return _form_page(request, db, settings, values, NotFound(message))
    return _form_page(request, db, settings, values)


def _receive(
    request: Request, db: Session, settings: Settings, values: dict[str, str], upload: bytes | None
) -> CorrectionRequest:
    """The guards of the form without login, then the intake. A genuine question is spent by
    its answer even when the request is refused after it: the intake runs in a savepoint,
    so a refusal undoes only the intake and the spent question is committed with the
    answer. The typed fields and the answer are judged together: every refusal at once."""
    cookie = request.cookies.get(public_form.CSRF_COOKIE, "")
    secret = settings.resolved_secret_key()
    public_form.check_guards(db, secret, cookie, values, _field_errors(RequestIn, values))
    with db.begin_nested():
        data = _parse(RequestIn, values)
        max_bytes = settings.correction_evidence_max_bytes
        evidence = None if upload is None else corrections.evidence_of(upload, max_bytes)
        intake = corrections.Intake(data.p, data.name, data.contact, data.what_is_wrong)
        client = client_key(secret, "correction-client")
        return corrections.receive(
            db, open_blob_store(settings), settings, intake, evidence, client
        )


@public.post("/corrections", response_class=HTMLResponse)
async def correction_submit(request: Request, db: Tx, settings: Config) -> Response:
    values = await form_values(request, trim=False)
    upload = await public_form.evidence_upload(request, settings.correction_evidence_max_bytes)
    try:
        correction = _receive(request, db, settings, values, upload)
    except DomainError as exc:
        return _form_page(request, db, settings, values, exc)
    return redirect(f"/corrections/{correction.receipt_number}?new=1")


def _status_page(
    request: Request, db: Session, settings: Settings, receipt: str, is_new: bool = False
) -> Response:
    """A request's state by its receipt number: status words, dates and the bureau's answer;
    nothing the requester typed, no personal data. Each lookup counts in the public
    lookups' window (`portal_subjects.take_lookup`, shared with the certificate lookup)."""
    client = client_key(settings.resolved_secret_key(), "lookup-client")
    if not portal_subjects.take_lookup(db, client, settings.certificate_lookups_per_window):
        return render(
            request, "error.html", 429, heading="查询过于频繁", message="请十分钟后再试。"
        )
    try:
        correction = corrections.by_receipt(db, receipt.strip().upper())
    except NotFound as exc:
        return _lookup_page(request, receipt, exc)
    return render(
        request,
        "correction_status.html",
        correction=correction,
        entry=portal_store.entry(db, correction.obligation_id),
        is_new=is_new,
        labels=CORRECTION_STATUS_LABELS,
    )


_LOOKS_LIKE_RECEIPT = re.compile(r"GZ-[0-9A-Z-]{0,17}")


def _lookup_page(request: Request, typed: str, refusal: DomainError | None = None) -> Response:
    """The lookup form; after a refusal it shows what was typed only when that looks like
    a receipt number (a phone number or password typed by mistake is not shown back)."""
    number = typed.strip().upper()
    return render(
        request,
        "correction_lookup.html",
        refusal.status_code if refusal else 200,
        number=number if _LOOKS_LIKE_RECEIPT.fullmatch(number) else "",
        error=refusal.message if refusal else "",
    )


@public.get("/corrections", response_class=HTMLResponse, summary="更正申请处理情况查询")
def correction_lookup(request: Request, db: Tx, settings: Config, receipt: str = "") -> Response:
    if not receipt.strip():
        return _lookup_page(request, "")
    if not corrections.RECEIPT_RE.fullmatch(receipt.strip().upper()):
        return _lookup_page(request, receipt, InvalidInput(RECEIPT_FORMAT, "receipt"))
    return _status_page(request, db, settings, receipt)


@public.get("/corrections/{receipt}", response_class=HTMLResponse)
def correction_status(
    request: Request, db: Tx, settings: Config, receipt: str, new: str = ""
) -> Response:
    return _status_page(request, db, settings, receipt, is_new=new == "1")


# ---- staff: correction requests ----------------------------------------------------------------

NOTICES = {
    "opened": "已登记更正申请。",
    "proposed": "已拟定更正后的新版本，待另一名有发布权限的人员批准发布。",
    "corrected": "已发布更正后的新版本。",
    "rejected": "已作出不予更正的决定。",
    "registered": "已登记，撤下或更新期限已按时限规则表计算。",
    "withdrawn": "已撤下。",
    "update_proposed": "已按变更后的决定生成新版本，待另一名有发布权限的人员批准发布。",
    "updated": "已发布变更后的决定。",
    "claimed": "已认领，该更正申请由您承办。",
    "assigned": "已指派承办人。",
    "default_set": "已设置新更正申请的默认承办人。",
}


def _status(value: str | None) -> CorrectionStatus | None:
    if not value:
        return None
    try:
        return CorrectionStatus(value)
    except ValueError:
        raise DomainError("状态取值无效", "status") from None


def _users(db: Session) -> dict[int, str]:
    return {u.id: u.full_name for u in db.scalars(select(User))}


def _diff(db: Session, draft: Publication | None) -> list[tuple[str, str, str]]:
    if draft is None or draft.supersedes_id is None:
        return []
    base = service.get_publication(db, draft.supersedes_id)
    return corrections.changes(base.snapshot, draft.snapshot)


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


def _holder(value: str | None) -> corrections.Holder | None:
    if not value:
        return None
    try:
        return corrections.Holder(value)
    except ValueError:
        raise DomainError("承办筛选取值无效（我的/未认领）", "holder") from None


def _desk(
    db: Session, who: Principal, status: str | None = None, holder: str | None = None
) -> dict[str, Any]:
    """The list page's context: new requests handed out first, then the list, filtered."""
    wanted, held = _status(status), _holder(holder)
    corrections.hand_out(db)
    # The list names the requesters: a read of their personal data.
    words = "、".join(
        w
        for w in (
            CORRECTION_STATUS_LABELS.get(wanted) if wanted else "",
            corrections.HOLDER_LABELS.get(held) if held else "",
        )
        if w
    )
    log_access(db, who, "correction_request", None, f"更正申请列表（{words or '全部'}）")
    return {
        "corrections": corrections.list_corrections(db, wanted, held, who),
        "labels": CORRECTION_STATUS_LABELS,
        "status": wanted.value if wanted else "",
        "holder": held.value if held else "",
        "holders": corrections.HOLDER_LABELS,
        "users": _users(db),
        "section": corrections.legal_section(db),
        "default_holder": corrections.default_holder(db),
        "me": who.user_id,
    }


@pages.get("/corrections", response_class=HTMLResponse)
def corrections_page(
    request: Request, db: Tx, who: Reviewer, status: str | None = None, holder: str | None = None
) -> Response:
    context = _desk(db, who, status, holder)
    return render(request, "correction_list.html", notice=notice_of(request, NOTICES), **context)


def _back_to_list(
    request: Request, db: Session, who: Principal, change: Any, done: str
) -> Response:
    return submit(
        request,
        db,
        change,
        page="correction_list.html",
        context=lambda: _desk(db, who),
        then=lambda _: redirect("/app/publicity/corrections", done),
    )


@pages.post("/corrections/{correction_id}/claim")
def claim_form(request: Request, db: Tx, who: Reviewer, correction_id: RecordId) -> Response:
    return _back_to_list(
        request, db, who, lambda: corrections.claim(db, correction_id, who), "claimed"
    )


@pages.post("/corrections/{correction_id}/assign")
async def assign_form(request: Request, db: Tx, who: Reviewer, correction_id: RecordId) -> Response:
    data = _parse(HolderIn, _holder_form(await form_values(request, ("user_id",))))
    return _back_to_list(
        request,
        db,
        who,
        lambda: corrections.assign(db, correction_id, who, data.user_id),
        "assigned",
    )


@pages.post("/corrections/default-holder")
async def default_holder_form(request: Request, db: Tx, who: Reviewer) -> Response:
    data = _parse(HolderIn, _holder_form(await form_values(request, ("user_id",))))
    return _back_to_list(
        request,
        db,
        who,
        lambda: corrections.set_default_holder(db, who, data.user_id),
        "default_set",
    )


def _holder_form(form: dict[str, str]) -> dict[str, Any]:
    if not form["user_id"]:
        raise InvalidInput("请选择法制宣传科的承办人", "user_id")
    return form


def _correction_view(db: Session, correction: CorrectionRequest, **extra: Any) -> dict[str, Any]:
    new_pub = correction.new_publication_id
    draft = service.get_publication(db, new_pub) if new_pub else None
    return {
        "correction": correction,
        "ob": service.get_obligation(db, correction.obligation_id),
        "current": corrections.current_version(db, correction.obligation_id),
        "draft": draft,
        "diff": _diff(db, draft),
        "fixed": corrections.FIXED_ITEMS,
        "labels": CORRECTION_STATUS_LABELS,
        "pub_labels": PUBLICATION_STATUS_LABELS,
        "kinds": rules.KIND_LABELS,
        "users": _users(db),
        "limit_title": limit(correction.limit_code).title,
        "values": {},
        **extra,
    }


@pages.get("/corrections/{correction_id}", response_class=HTMLResponse)
def correction_page(
    request: Request, who: Reviewer, correction: CorrectionOfPath, db: Tx
) -> Response:
    log_access(db, who, "correction_request", correction.id, "核实处理更正要求")
    view = _correction_view(db, correction, notice=notice_of(request, NOTICES))
    return render(request, "correction_request.html", **view)


@pages.get("/corrections/{correction_id}/evidence")
def correction_evidence(
    settings: Config, who: Reviewer, correction: CorrectionOfPath, db: Tx
) -> Response:
    if not correction.evidence_digest:
        raise NotFound("该更正要求没有附证明材料")
    log_access(db, who, "correction_request", correction.id, "查看更正要求的证明材料")
    with open_blob_store(settings).open(correction.evidence_digest) as stream:
        data = stream.read()
    disposition = f'attachment; filename="evidence-{correction.receipt_number}"'
    return Response(
        data, media_type=correction.evidence_type, headers={"content-disposition": disposition}
    )


# A refused form is shown again (`submit`) with the message beside its field and what was
# typed kept.


@pages.post("/corrections", response_class=HTMLResponse)
async def staff_correction_form(request: Request, db: Tx, who: Reviewer) -> Response:
    form = await form_values(request, ("obligation_id", "what_is_wrong"), trim=False)

    def change() -> CorrectionRequest:
        data = _parse(StaffCorrectionIn, form)
        return corrections.open_by_staff(db, data.obligation_id, who, data.what_is_wrong)

    def context() -> dict[str, Any]:
        ob = service.obligation_for(db, record_id_or_none(form["obligation_id"]) or 0, who)
        return obligation_view(db, ob, staff=form, refused="staff")

    return submit(
        request,
        db,
        change,
        page="publicity_obligation.html",
        context=context,
        then=lambda row: redirect(f"/app/publicity/corrections/{row.id}", "opened"),
    )


@pages.post("/corrections/{correction_id}/propose", response_class=HTMLResponse)
async def propose_form(
    request: Request, settings: Config, who: Reviewer, correction: CorrectionOfPath, db: Tx
) -> Response:
    form = await form_values(request, trim=False)
    edits = _edits(form, corrections.current_version(db, correction.obligation_id))
    rebuild, summary = form.get("rebuild") == "1", form.get("summary", "")
    return submit(
        request,
        db,
        lambda: corrections.propose(
            db, settings, correction.id, who, edits=edits, rebuild=rebuild, summary=summary
        ),
        page="correction_request.html",
        context=lambda: _correction_view(db, correction, values=form, refused="propose"),
        then=lambda _: redirect(f"/app/publicity/corrections/{correction.id}", "proposed"),
    )


@pages.post("/corrections/{correction_id}/approve", response_class=HTMLResponse)
def approve_form(
    request: Request, db: Tx, who: Publisher, correction: CorrectionOfPath
) -> Response:
    return submit(
        request,
        db,
        lambda: corrections.approve(db, correction.id, who),
        page="correction_request.html",
        context=lambda: _correction_view(db, correction, refused="approve"),
        then=lambda _: redirect(f"/app/publicity/corrections/{correction.id}", "corrected"),
    )


@pages.post("/corrections/{correction_id}/reject", response_class=HTMLResponse)
async def reject_form(
    request: Request, db: Tx, who: Reviewer, correction: CorrectionOfPath
) -> Response:
    form = await form_values(request, ("reason",), trim=False)
    return submit(
        request,
        db,
        lambda: corrections.reject(db, correction.id, who, _parse(ReasonIn, form).reason),
        page="correction_request.html",
        context=lambda: _correction_view(db, correction, values=form, refused="reject"),
        then=lambda _: redirect(f"/app/publicity/corrections/{correction.id}", "rejected"),
    )


# ---- staff: withdrawals and updates ------------------------------------------------------------


def _change(data: ChangeIn) -> withdrawals.Change:
    return withdrawals.Change(data.cause, data.occurred_on, data.reason, data.decision_ref)


def _change_view(db: Session, ob: PublicationObligation, **extra: Any) -> dict[str, Any]:
    found_withdrawals, found_updates = withdrawals.of_obligation(db, ob.id)
    return {
        "ob": ob,
        "kinds": rules.KIND_LABELS,
        "causes": WITHDRAWAL_CAUSE_LABELS,
        "withdrawals": found_withdrawals,
        "updates": found_updates,
        "task_labels": TASK_STATUS_LABELS,
        "current": corrections.current_version(db, ob.id),
        "values": {},
        **extra,
    }


@pages.get("/obligations/{obligation_id}/changes", response_class=HTMLResponse)
def change_page(request: Request, who: Reader, ob: ObligationOfPath, db: Db) -> Response:
    return render(request, "withdrawal_new.html", **_change_view(db, ob))


def _registered(pair: tuple[Withdrawal | None, PublicationUpdate | None]) -> Response:
    withdrawal, update = pair
    if withdrawal is not None:
        return redirect(f"/app/publicity/withdrawals/{withdrawal.id}", "registered")
    assert update is not None
    return redirect(f"/app/publicity/updates/{update.id}", "registered")


@pages.post("/obligations/{obligation_id}/changes", response_class=HTMLResponse)
async def change_form(request: Request, db: Tx, who: Reviewer, ob: ObligationOfPath) -> Response:
    form = await form_values(request, trim=False)
    return submit(
        request,
        db,
        lambda: withdrawals.register(db, ob.id, who, _change(_parse(ChangeIn, form))),
        page="withdrawal_new.html",
        context=lambda: _change_view(db, ob, values=form),
        then=_registered,
    )


def _task_view(
    db: Session, who: Principal, row: Withdrawal | PublicationUpdate, **extra: Any
) -> dict[str, Any]:
    ob = service.obligation_for(db, row.obligation_id, who)
    new_pub = getattr(row, "new_publication_id", None)
    draft = service.get_publication(db, new_pub) if new_pub else None
    return {
        "row": row,
        "ob": ob,
        "kinds": rules.KIND_LABELS,
        "causes": WITHDRAWAL_CAUSE_LABELS,
        "task_labels": TASK_STATUS_LABELS,
        "pub_labels": PUBLICATION_STATUS_LABELS,
        "current": corrections.current_version(db, ob.id),
        "draft": draft,
        "diff": _diff(db, draft),
        "users": _users(db),
        **extra,
    }


@pages.get("/withdrawals/{withdrawal_id}", response_class=HTMLResponse)
def withdrawal_page(request: Request, who: Reader, row: WithdrawalOfPath, db: Db) -> Response:
    view = _task_view(db, who, row, notice=notice_of(request, NOTICES))
    return render(request, "withdrawal_page.html", **view)


@pages.post("/withdrawals/{withdrawal_id}/perform", response_class=HTMLResponse)
def perform_form(request: Request, db: Tx, who: Publisher, row: WithdrawalOfPath) -> Response:
    return submit(
        request,
        db,
        lambda: withdrawals.perform(db, row.id, who),
        page="withdrawal_page.html",
        context=lambda: _task_view(db, who, row),
        then=lambda done: redirect(f"/app/publicity/withdrawals/{done.id}", "withdrawn"),
    )


@pages.get("/updates/{update_id}", response_class=HTMLResponse)
def update_page(request: Request, who: Reader, row: UpdateOfPath, db: Db) -> Response:
    view = _task_view(db, who, row, notice=notice_of(request, NOTICES))
    return render(request, "withdrawal_update.html", **view)


@pages.post("/updates/{update_id}/propose", response_class=HTMLResponse)
def update_propose_form(
    request: Request, db: Tx, settings: Config, who: Reviewer, row: UpdateOfPath
) -> Response:
    return submit(
        request,
        db,
        lambda: withdrawals.propose_update(db, settings, row.id, who),
        page="withdrawal_update.html",
        context=lambda: _task_view(db, who, row),
        then=lambda _: redirect(f"/app/publicity/updates/{row.id}", "update_proposed"),
    )


@pages.post("/updates/{update_id}/approve", response_class=HTMLResponse)
def update_approve_form(request: Request, db: Tx, who: Publisher, row: UpdateOfPath) -> Response:
    return submit(
        request,
        db,
        lambda: withdrawals.approve_update(db, row.id, who),
        page="withdrawal_update.html",
        context=lambda: _task_view(db, who, row),
        then=lambda _: redirect(f"/app/publicity/updates/{row.id}", "updated"),
    )


# ---- JSON API ----------------------------------------------------------------------------------


@api.get("/corrections")
def api_corrections(
    db: Tx, who: Reviewer, status: str | None = None, holder: str | None = None
) -> list[CorrectionOut]:
    found = _desk(db, who, status, holder)["corrections"]
    return [CorrectionOut.model_validate(c) for c in found]


@api.post("/corrections/{correction_id}/claim")
def api_claim(db: Tx, who: Reviewer, correction_id: RecordId) -> HoldingOut:
    return HoldingOut.model_validate(corrections.claim(db, correction_id, who))


@api.post("/corrections/{correction_id}/assign")
def api_assign(db: Tx, who: Reviewer, correction_id: RecordId, data: HolderIn) -> HoldingOut:
    return HoldingOut.model_validate(corrections.assign(db, correction_id, who, data.user_id))


@api.put("/corrections/default-holder")
def api_default_holder(db: Tx, who: Reviewer, data: HolderIn) -> dict[str, int | None]:
    desk = corrections.set_default_holder(db, who, data.user_id)
    return {"default_holder_id": desk.default_holder_id}


@api.get("/corrections/{correction_id}")
def api_correction(who: Reviewer, correction: CorrectionOfPath, db: Tx) -> CorrectionOut:
    log_access(db, who, "correction_request", correction.id, "核实处理更正要求", via="api")
    return CorrectionOut.model_validate(correction)


@api.post("/corrections", status_code=201)
def api_open_correction(db: Tx, who: Reviewer, data: StaffCorrectionIn) -> CorrectionOut:
    correction = corrections.open_by_staff(db, data.obligation_id, who, data.what_is_wrong)
    return CorrectionOut.model_validate(correction)


@api.post("/corrections/{correction_id}/proposal")
def api_propose(
    db: Tx, settings: Config, who: Reviewer, correction_id: RecordId, data: ProposalIn
) -> VersionOut:
    pub = corrections.propose(
        db,
        settings,
        correction_id,
        who,
        edits=data.edits,
        rebuild=data.rebuild,
        summary=data.summary,
    )
    return VersionOut.of(pub)


@api.post("/corrections/{correction_id}/approve")
def api_approve(db: Tx, who: Publisher, correction_id: RecordId) -> VersionOut:
    return VersionOut.of(corrections.approve(db, correction_id, who))


@api.post("/corrections/{correction_id}/reject")
def api_reject(db: Tx, who: Reviewer, correction_id: RecordId, data: ReasonIn) -> CorrectionOut:
    return CorrectionOut.model_validate(corrections.reject(db, correction_id, who, data.reason))


@api.post("/obligations/{obligation_id}/changes", status_code=201)
def api_register(db: Tx, who: Reviewer, obligation_id: RecordId, data: ChangeIn) -> ChangeOut:
    withdrawal, update = withdrawals.register(db, obligation_id, who, _change(data))
    return ChangeOut(
        withdrawal=WithdrawalOut.model_validate(withdrawal) if withdrawal else None,
        update=PublicationUpdateOut.model_validate(update) if update else None,
    )


@api.get("/withdrawals/{withdrawal_id}")
def api_withdrawal(who: Reader, row: WithdrawalOfPath) -> WithdrawalOut:
    return WithdrawalOut.model_validate(row)


@api.post("/withdrawals/{withdrawal_id}/perform")
def api_perform(db: Tx, who: Publisher, withdrawal_id: RecordId) -> WithdrawalOut:
    return WithdrawalOut.model_validate(withdrawals.perform(db, withdrawal_id, who))


@api.get("/updates/{update_id}")
def api_update(who: Reader, row: UpdateOfPath) -> PublicationUpdateOut:
    return PublicationUpdateOut.model_validate(row)


@api.post("/updates/{update_id}/proposal")
def api_update_propose(db: Tx, settings: Config, who: Reviewer, update_id: RecordId) -> VersionOut:
    return VersionOut.of(withdrawals.propose_update(db, settings, update_id, who))


@api.post("/updates/{update_id}/approve")
def api_update_approve(db: Tx, who: Publisher, update_id: RecordId) -> VersionOut:
    return VersionOut.of(withdrawals.approve_update(db, update_id, who))

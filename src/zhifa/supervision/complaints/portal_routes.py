"""The public complaint form (no login; the portal-only process serves it too): /complaints/new
(from a publication's page with ``?p=<public id>``, or blank to name the matter in words),
its submission, and the state by receipt number (/complaints, /complaints/<receipt>).

The same guards as the correction form (`publicity.public_form`: CSRF, the hidden field,
the question spent by its answer; `publicity.corrections`: submissions per hour, evidence
bytes per day, evidence sniffed by its bytes). The status page shows the state, the dates
and the answer's public part: never the complainant's name, phone or text."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhifa.core.access import client_key
from zhifa.core.blobstore import open_blob_store
from zhifa.core.errors import DomainError, InvalidInput, NotFound
from zhifa.core.http import Config, Db, Tx, form_values, record_id_or_none, redirect, render
from zhifa.core.settings import Settings
from zhifa.core.validation import describe, parse
from zhifa.publicity import corrections, public_form
from zhifa.publicity.portal import decisions as portal_store
from zhifa.publicity.portal import subjects as portal_subjects
from zhifa.supervision.complaints import rules, service
from zhifa.supervision.complaints.models import Complaint

public = APIRouter(include_in_schema=False)

CSRF_COOKIE = "zhifa_complaint_csrf"
FORM_FIELDS = (
    "matter",
    "complaint_text",
    "complainant_name",
    "complainant_phone",
    "evidence",
    "answer",
)
_TOKEN_REFUSALS = (public_form.INVALID, public_form.EXPIRED, public_form.SPENT)
_LOOKS_LIKE_RECEIPT = re.compile(r"TS-[0-9A-Z-]{0,17}")


def _field_errors(values: dict[str, str]) -> dict[str, str]:
    """Every field the form's model refuses, each with its first message."""
    try:
        service.PublicIn.model_validate(values)
    except ValidationError as exc:
        found: dict[str, str] = {}
        for one in exc.errors():
            error = describe([one])
            found.setdefault(error.field or "", error.message)
        return found
    return {}


def _form_page(
    request: Request,
    db: Session,
    settings: Settings,
    values: dict[str, str],
    refusal: DomainError | None = None,
) -> Response:
    """The form, filled with what was typed; a refusal's messages beside their fields."""
    public_id = record_id_or_none(values.get("p", "")) or 0
    entry = portal_store.entry(db, public_id) if public_id > 0 else None
    errors: dict[str, str] = getattr(refusal, "fields", None) or (
        {refusal.field or "": refusal.message} if refusal else {}
    )
    keep = refusal is not None and refusal.message not in _TOKEN_REFUSALS
    token = public_form.new_csrf()
    response = render(
        request,
        "supervision/complaint_public_new.html",
        refusal.status_code if refusal else 200,
        entry=entry,
        values=values,
        errors={k: v for k, v in errors.items() if k in FORM_FIELDS},
        error=next((v for k, v in errors.items() if k not in FORM_FIELDS), None),
        answer=values.get("answer", "") if keep else "",
        challenge=public_form.new_challenge(
            settings.resolved_secret_key(), again=values.get("challenge", "") if keep else ""
        ),
        form_csrf=token,
        max_mb=settings.correction_evidence_max_bytes / 1024**2,
        evidence_types="、".join(corrections.EVIDENCE_TYPES.values()),
    )
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/complaints",
    )
    return response


@public.get("/complaints/new", response_class=HTMLResponse)
def complaint_form(request: Request, db: Db, settings: Config, p: str = "") -> Response:
    values = {"p": p}
    if p and not corrections.publicly_shown(db, record_id_or_none(p) or 0):
        refusal = NotFound("所投诉的公示信息不存在或已不在公示中，请写明投诉的执法事项", "p")
        return _form_page(request, db, settings, {}, refusal)
    return _form_page(request, db, settings, values)


def _receive(
    request: Request, db: Session, settings: Settings, values: dict[str, Any], upload: bytes | None
) -> Complaint:
    """The guards, then the intake in a savepoint: a refusal after the question was
    answered undoes only the intake (the spent question is committed)."""
    secret = settings.resolved_secret_key()
    cookie = request.cookies.get(CSRF_COOKIE, "")
    public_form.check_guards(db, secret, cookie, values, _field_errors(values))
    with db.begin_nested():
        data = parse(service.PublicIn, values)
        max_bytes = settings.correction_evidence_max_bytes
        evidence = None if upload is None else corrections.evidence_of(upload, max_bytes)
        client = client_key(secret, "complaint-client")
        store = open_blob_store(settings)
        return service.receive(db, store, settings, data, evidence, client)


@public.post("/complaints", response_class=HTMLResponse)
async def complaint_submit(request: Request, db: Tx, settings: Config) -> Response:
    values = await form_values(request, trim=False)
    upload = await public_form.evidence_upload(request, settings.correction_evidence_max_bytes)
    try:
        complaint = _receive(request, db, settings, values, upload)
    except DomainError as exc:
        return _form_page(request, db, settings, values, exc)
    return redirect(f"/complaints/{complaint.receipt_number}?new=1")


def _lookup_page(request: Request, typed: str, refusal: DomainError | None = None) -> Response:
    """The lookup form; what was typed is shown back only when it looks like a receipt."""
    number = typed.strip().upper()
    return render(
        request,
        "supervision/complaint_lookup.html",
        refusal.status_code if refusal else 200,
        number=number if _LOOKS_LIKE_RECEIPT.fullmatch(number) else "",
        error=refusal.message if refusal else "",
    )


def _status_page(
    request: Request, db: Session, settings: Settings, receipt: str, is_new: bool = False
) -> Response:
    """The state by receipt number; each lookup counts in the public lookups' window."""
    client = client_key(settings.resolved_secret_key(), "lookup-client")
    if not portal_subjects.take_lookup(db, client, settings.certificate_lookups_per_window):
        return render(
            request, "error.html", 429, heading="查询过于频繁", message="请十分钟后再试。"
        )
    try:
        complaint = service.by_receipt(db, receipt.strip().upper())
    except NotFound as exc:
        return _lookup_page(request, receipt, exc)
    return render(
        request,
        "supervision/complaint_status.html",
        complaint=complaint,
        is_new=is_new,
        labels=rules.STATUS_LABELS,
    )


@public.get("/complaints", response_class=HTMLResponse)
def complaint_lookup(request: Request, db: Tx, settings: Config, receipt: str = "") -> Response:
    if not receipt.strip():
        return _lookup_page(request, "")
    if not rules.RECEIPT_RE.fullmatch(receipt.strip().upper()):
        return _lookup_page(request, receipt, InvalidInput(rules.RECEIPT_FORMAT, "receipt"))
    return _status_page(request, db, settings, receipt)


@public.get("/complaints/{receipt}", response_class=HTMLResponse)
def complaint_status(
    request: Request, db: Tx, settings: Config, receipt: str, new: str = ""
) -> Response:
    return _status_page(request, db, settings, receipt, is_new=new == "1")

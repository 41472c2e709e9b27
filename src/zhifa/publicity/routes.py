"""Pages (/app/publicity) and JSON API (/api/v1/publicity) of 事后公示: the deadline
board, drafts and their preview, review, publishing, exemptions, expiry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.http import Db, RecordId, RecordIdQuery, get_settings, render, require
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.core.settings import Settings
from zhifa.core.time_limits import limit
from zhifa.publicity import rules, service
from zhifa.publicity.duties import DUTY_LABELS, DutyKind
from zhifa.publicity.models import (
    EXEMPTION_STATUS_LABELS,
    OBLIGATION_STATUS_LABELS,
    PUBLICATION_STATUS_LABELS,
    Publication,
    PublicationExemption,
    PublicationObligation,
)

pages = APIRouter(prefix="/app/publicity", include_in_schema=False)
api = APIRouter(prefix="/api/v1/publicity", tags=["事后公示"])

Conf = Annotated[Settings, Depends(get_settings)]
Reader = Annotated[Principal, Depends(require(Permission.publication_read))]
Reviewer = Annotated[Principal, Depends(require(Permission.publication_review))]
Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]


# ---- JSON shapes -------------------------------------------------------------------------------


class DraftIn(BaseModel):
    severity: str | None = Field(default=None, max_length=20)
    # not a legal limit: a sanity bound; rules.period_problem checks the rule's range
    months: int | None = Field(default=None, ge=1, le=120)


class ReviewIn(BaseModel):
    note: str = Field(default="", max_length=500)


class ExemptionIn(BaseModel):
    reason: str = Field(max_length=1000)
    basis: str = Field(max_length=500)


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=500)


def _obligation_json(ob: PublicationObligation) -> dict[str, Any]:
    return {
        "id": ob.id,
        "action_id": ob.action_id,
        "document_id": ob.document_id,
        "kind": ob.kind,
        "decided_on": ob.decided_on.isoformat(),
        "limit_code": ob.limit_code,
        "due_on": ob.due_on.isoformat(),
        "due_provisional": ob.due_provisional,
        "basis": ob.basis,
        "responsible_id": ob.responsible_id,
        "unit_id": ob.unit_id,
        "status": ob.status.value,
        "completed_on": ob.completed_on.isoformat() if ob.completed_on else None,
    }


def _publication_json(pub: Publication) -> dict[str, Any]:
    return {
        "id": pub.id,
        "obligation_id": pub.obligation_id,
        "version": pub.version,
        "kind": pub.kind,
        "status": pub.status.value,
        "severity": pub.severity,
        "period_code": pub.period_code,
        "period_months": pub.period_months,
        "public_until": pub.public_until.isoformat() if pub.public_until else None,
        "snapshot": service.snapshot_as_of(pub),
        "snapshot_json": pub.snapshot_json,
        "digest": pub.digest,
        "reviewed_digest": pub.reviewed_digest,
        "ledger_index": pub.ledger_index,
        "published_at": pub.published_at.isoformat() if pub.published_at else None,
        "ended_at": pub.ended_at.isoformat() if pub.ended_at else None,
        "end_reason": pub.end_reason,
    }


def _exemption_json(row: PublicationExemption) -> dict[str, Any]:
    return {
        "id": row.id,
        "obligation_id": row.obligation_id,
        "reason": row.reason,
        "basis": row.basis,
        "requested_by": row.requested_by,
        "status": row.status.value,
        "decided_by": row.decided_by,
        "decision_note": row.decision_note,
    }


def _state(value: str | None) -> rules.BoardState | None:
    if not value:
        return None
    try:
        return rules.BoardState(value)
    except ValueError:
        raise DomainError("状态取值无效（未到期/临期/已逾期/已完成）", "state") from None


def _kind(value: str | None) -> str | None:
    if value and value not in rules.KIND_LABELS:
        raise DomainError("类别取值无效（penalty/compulsion/license）", "kind")
    return value or None


def _task(value: str | None) -> DutyKind | None:
    if not value:
        return None
    try:
        return DutyKind(value)
    except ValueError:
        words = "/".join(k.value for k in DutyKind)
        raise DomainError(f"事项取值无效（{words}）", "task") from None


# ---- API ---------------------------------------------------------------------------------------


@api.get("/obligations")
def api_obligations(
    db: Db,
    who: Reader,
    unit_id: RecordIdQuery = None,
    kind: str | None = None,
    person_id: RecordIdQuery = None,
    state: str | None = None,
) -> list[dict[str, Any]]:
    wanted_state, wanted_kind = _state(state), _kind(kind)
    service.refresh(db)
    rows = service.board(
        db,
        unit_id=unit_id,
        kind=wanted_kind,
        person_id=person_id,
        state=wanted_state,
        task=DutyKind.publication,
        who=who,
    )
    return [
        {**_obligation_json(r.obligation), "state": r.state.value, "days_left": r.days_left}
        for r in rows
        if r.obligation is not None
    ]


@api.get("/obligations/{obligation_id}")
def api_obligation(db: Db, who: Reader, obligation_id: RecordId) -> dict[str, Any]:
    return _obligation_json(service.obligation_for(db, obligation_id, who))


@api.post("/obligations/{obligation_id}/draft", status_code=201)
def api_draft(
    db: Db, settings: Conf, who: Reviewer, obligation_id: RecordId, data: DraftIn
) -> dict[str, Any]:
    pub = service.prepare_draft(
        db, settings, obligation_id, who, severity=data.severity, months=data.months
    )
    db.commit()
    return _publication_json(pub)


@api.get("/publications/{publication_id}")
def api_publication(db: Db, who: Reader, publication_id: RecordId) -> dict[str, Any]:
    return _publication_json(service.publication_for(db, publication_id, who))


@api.put("/publications/{publication_id}")
def api_revise(
    db: Db, settings: Conf, who: Reviewer, publication_id: RecordId, data: DraftIn
) -> dict[str, Any]:
    pub = service.revise_draft(
        db, settings, publication_id, who, severity=data.severity, months=data.months
    )
    db.commit()
    return _publication_json(pub)


@api.post("/publications/{publication_id}/review")
def api_review(db: Db, who: Reviewer, publication_id: RecordId, data: ReviewIn) -> dict[str, Any]:
    pub = service.review(db, publication_id, who, data.note)
    db.commit()
    return _publication_json(pub)


@api.post("/publications/{publication_id}/publish")
def api_publish(db: Db, who: Publisher, publication_id: RecordId) -> dict[str, Any]:
    pub = service.publish(db, publication_id, who)
    db.commit()
    return _publication_json(pub)


@api.post("/obligations/{obligation_id}/exemptions", status_code=201)
def api_exemption(
    db: Db, who: Reviewer, obligation_id: RecordId, data: ExemptionIn
) -> dict[str, Any]:
    row = service.request_exemption(db, obligation_id, who, data.reason, data.basis)
    db.commit()
    return _exemption_json(row)


@api.post("/exemptions/{exemption_id}/decision")
def api_exemption_decision(
    db: Db, who: Publisher, exemption_id: RecordId, data: DecisionIn
) -> dict[str, Any]:
    row = service.decide_exemption(db, exemption_id, who, approve=data.approve, note=data.note)
    db.commit()
    return _exemption_json(row)


@api.post("/expire")
def api_expire(db: Db, who: Publisher) -> dict[str, int]:
    created, expired = service.refresh(db)
    return {"obligations_created": created, "expired": expired}


# ---- pages -------------------------------------------------------------------------------------

NOTICES = {
    "drafted": "已生成公示草稿。",
    "reviewed": "已审核。",
    "published": "已发布。",
    "requested": "已提交不予公开申请，待另一名有发布权限的人员批准。",
    "decided": "已处理不予公开申请。",
}


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError("筛选条件取值无效") from None


@pages.get("", response_class=HTMLResponse)
def board_page(
    request: Request,
    db: Db,
    who: Reader,
    unit: str | None = None,
    kind: str | None = None,
    person: str | None = None,
    state: str | None = None,
    task: str | None = None,
) -> Response:
    wanted_state, wanted_kind = _state(state), _kind(kind)
    unit_id, person_id = _int(unit), _int(person)
    wanted_task = _task(task)
    service.refresh(db)
    rows = service.board(
        db,
        unit_id=unit_id,
        kind=wanted_kind,
        person_id=person_id,
        state=wanted_state,
        task=wanted_task,
        who=who,
    )
    units = list(db.scalars(select(Unit).order_by(Unit.id)))
    people_ids = service.board_people(db)
    people = [u for u in db.scalars(select(User).order_by(User.id)) if u.id in people_ids]
    return render(
        request,
        "publicity_board.html",
        rows=rows,
        units=units,
        people=people,
        kinds=rules.KIND_LABELS,
        states=list(rules.BoardState),
        unit=unit_id,
        kind=wanted_kind or "",
        person=person_id,
        state=wanted_state.value if wanted_state else "",
        tasks=DUTY_LABELS,
        task=wanted_task.value if wanted_task else "",
        soon=rules.DUE_SOON_WORKING_DAYS,
        period_rules=rules.PERIOD_RULES,
        severity_labels=rules.SEVERITY_LABELS,
    )


@pages.get("/obligations/{obligation_id}", response_class=HTMLResponse)
def obligation_page(request: Request, db: Db, who: Reader, obligation_id: RecordId) -> Response:
    ob = service.obligation_for(db, obligation_id, who)
    pubs = list(
        db.scalars(
            select(Publication)
            .where(Publication.obligation_id == ob.id)
            .order_by(Publication.version)
        )
    )
    users = {u.id: u.full_name for u in db.scalars(select(User))}
    return render(
        request,
        "publicity_obligation.html",
        ob=ob,
        limit_row=limit(ob.limit_code),
        publications=pubs,
        exemptions=service.exemptions_of(db, ob.id),
        users=users,
        kinds=rules.KIND_LABELS,
        ob_labels=OBLIGATION_STATUS_LABELS,
        pub_labels=PUBLICATION_STATUS_LABELS,
        ex_labels=EXEMPTION_STATUS_LABELS,
        severities=[r for r in rules.PERIOD_RULES if r.kind == ob.kind],
        severity_labels=rules.SEVERITY_LABELS,
        notice=NOTICES.get(request.query_params.get("done", "")),
    )


@pages.get("/publications/{publication_id}", response_class=HTMLResponse)
def publication_page(request: Request, db: Db, who: Reader, publication_id: RecordId) -> Response:
    pub = service.publication_for(db, publication_id, who)
    users = {u.id: u.full_name for u in db.scalars(select(User))}
    return render(
        request,
        "publicity_preview.html",
        pub=pub,
        snapshot=service.snapshot_as_of(pub),
        users=users,
        pub_labels=PUBLICATION_STATUS_LABELS,
        severity_labels={s.value: label for s, label in rules.SEVERITY_LABELS.items()},
        notice=NOTICES.get(request.query_params.get("done", "")),
    )


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


def _back(path: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?done={done}", status_code=303)


@pages.post("/obligations/{obligation_id}/draft")
async def draft_form(
    request: Request, db: Db, settings: Conf, who: Reviewer, obligation_id: RecordId
) -> Response:
    form = await _form(request)
    months = _int(form.get("months"))
    pub = service.prepare_draft(
        db, settings, obligation_id, who, severity=form.get("severity") or None, months=months
    )
    db.commit()
    return _back(f"/app/publicity/publications/{pub.id}", "drafted")


@pages.post("/publications/{publication_id}/review")
async def review_form(
    request: Request, db: Db, who: Reviewer, publication_id: RecordId
) -> Response:
    form = await _form(request)
    service.review(db, publication_id, who, form.get("note", ""))
    db.commit()
    return _back(f"/app/publicity/publications/{publication_id}", "reviewed")


@pages.post("/publications/{publication_id}/publish")
def publish_form(db: Db, who: Publisher, publication_id: RecordId) -> Response:
    service.publish(db, publication_id, who)
    db.commit()
    return _back(f"/app/publicity/publications/{publication_id}", "published")


@pages.post("/obligations/{obligation_id}/exemptions")
async def exemption_form(
    request: Request, db: Db, who: Reviewer, obligation_id: RecordId
) -> Response:
    form = await _form(request)
    service.request_exemption(db, obligation_id, who, form.get("reason", ""), form.get("basis", ""))
    db.commit()
    return _back(f"/app/publicity/obligations/{obligation_id}", "requested")


@pages.post("/exemptions/{exemption_id}/decision")
async def exemption_decision_form(
    request: Request, db: Db, who: Publisher, exemption_id: RecordId
) -> Response:
    form = await _form(request)
    row = service.decide_exemption(
        db, exemption_id, who, approve=form.get("approve") == "1", note=form.get("note", "")
    )
    db.commit()
    return _back(f"/app/publicity/obligations/{row.obligation_id}", "decided")

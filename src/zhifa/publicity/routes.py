"""Pages (/app/publicity) and JSON API (/api/v1/publicity) of 事后公示: the deadline
board, drafts and their preview, review, publishing, exemptions, expiry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from zhifa.core.auth import Principal
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.errors import DomainError
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
from zhifa.core.models import Unit, User
from zhifa.core.permissions import Permission
from zhifa.core.time_limits import limit
from zhifa.publicity import credit, duties, rules, service
from zhifa.publicity.duties import DUTY_LABELS, DutyKind
from zhifa.publicity.models import (
    EXEMPTION_STATUS_LABELS,
    OBLIGATION_STATUS_LABELS,
    PUBLICATION_STATUS_LABELS,
    Publication,
    PublicationExemption,
    PublicationObligation,
)
from zhifa.publicity.recompute import recomputed_on_board
from zhifa.publicity.schemas import (
    BoardObligationOut,
    CreditRepairIn,
    CreditRepairOut,
    DecisionIn,
    DraftIn,
    ExemptionIn,
    ExemptionOut,
    ObligationOut,
    PublicationOut,
    ReviewIn,
)

pages = APIRouter(prefix="/app/publicity", include_in_schema=False)
api = APIRouter(prefix="/api/v1/publicity", tags=["事后公示"])

Reader = Annotated[Principal, Depends(require(Permission.publication_read))]
Reviewer = Annotated[Principal, Depends(require(Permission.publication_review))]
Publisher = Annotated[Principal, Depends(require(Permission.publication_publish))]


def obligation_of_path(obligation_id: RecordId, db: Db, who: Reader) -> PublicationObligation:
    """The publication duty the path names, if the caller may read it (else 404)."""
    return service.obligation_for(db, obligation_id, who)


def publication_of_path(publication_id: RecordId, db: Db, who: Reader) -> Publication:
    """The publication the path names, if the caller may read it (else 404)."""
    return service.publication_for(db, publication_id, who)


def exemption_of_path(exemption_id: RecordId, db: Db, who: Reader) -> PublicationExemption:
    """The exemption request the path names, if the caller may read it (else 404)."""
    return service.exemption_for(db, exemption_id, who)


ObligationOfPath = Annotated[PublicationObligation, Depends(obligation_of_path)]
ExemptionOfPath = Annotated[PublicationExemption, Depends(exemption_of_path)]
PublicationOfPath = Annotated[Publication, Depends(publication_of_path)]


# ---- query parameters --------------------------------------------------------------------------


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


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise DomainError("筛选条件取值无效") from None


# ---- API ---------------------------------------------------------------------------------------


@api.get("/obligations")
def api_obligations(
    db: Tx,
    who: Reader,
    unit_id: RecordIdQuery = None,
    kind: str | None = None,
    person_id: RecordIdQuery = None,
    state: str | None = None,
) -> list[BoardObligationOut]:
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
    return [BoardObligationOut.of(r) for r in rows if r.obligation is not None]


@api.get("/obligations/{obligation_id}")
def api_obligation(who: Reader, ob: ObligationOfPath) -> ObligationOut:
    return ObligationOut.model_validate(ob)


@api.post("/obligations/{obligation_id}/draft", status_code=201)
def api_draft(
    db: Tx, settings: Config, who: Reviewer, obligation_id: RecordId, data: DraftIn
) -> PublicationOut:
    pub = service.prepare_draft(db, settings, obligation_id, who, **data.choices())
    return PublicationOut.of(db, pub)


@api.get("/publications/{publication_id}")
def api_publication(who: Reader, pub: PublicationOfPath, db: Db) -> PublicationOut:
    return PublicationOut.of(db, pub)


@api.put("/publications/{publication_id}")
def api_revise(
    db: Tx, settings: Config, who: Reviewer, publication_id: RecordId, data: DraftIn
) -> PublicationOut:
    pub = service.revise_draft(db, settings, publication_id, who, **data.choices())
    return PublicationOut.of(db, pub)


@api.post("/publications/{publication_id}/review")
def api_review(db: Tx, who: Reviewer, publication_id: RecordId, data: ReviewIn) -> PublicationOut:
    return PublicationOut.of(db, service.review(db, publication_id, who, data.note))


@api.post("/publications/{publication_id}/publish")
def api_publish(db: Tx, who: Publisher, publication_id: RecordId) -> PublicationOut:
    return PublicationOut.of(db, service.publish(db, publication_id, who))


@api.post("/publications/{publication_id}/credit-repair", status_code=201)
def api_credit_repair(
    db: Tx, who: Publisher, publication_id: RecordId, data: CreditRepairIn
) -> CreditRepairOut:
    row = credit.record_repair(db, publication_id, who, **data.model_dump())
    return CreditRepairOut.model_validate(row)


@api.post("/obligations/{obligation_id}/exemptions", status_code=201)
def api_exemption(
    db: Tx, who: Reviewer, obligation_id: RecordId, data: ExemptionIn
) -> ExemptionOut:
    row = service.request_exemption(db, obligation_id, who, data.reason, data.basis)
    return ExemptionOut.model_validate(row)


@api.post("/exemptions/{exemption_id}/decision")
def api_exemption_decision(
    db: Tx, who: Publisher, exemption_id: RecordId, data: DecisionIn
) -> ExemptionOut:
    row = service.decide_exemption(db, exemption_id, who, approve=data.approve, note=data.note)
    return ExemptionOut.model_validate(row)


@api.post("/expire")
def api_expire(db: Tx, who: Publisher) -> dict[str, int]:
    created, expired = service.refresh(db)
    return {"obligations_created": created, "expired": expired}


# ---- pages -------------------------------------------------------------------------------------

NOTICES = {
    "drafted": "已生成公示草稿。",
    "reviewed": "已审核。",
    "published": "已发布。",
    "requested": "已提交不予公开申请，待另一名有发布权限的人员批准。",
    "decided": "已处理不予公开申请。",
    "repaired": "已记录信用修复，信用中国的信用公示终止；门户网站的公示至公示截止期。",
}


def _shown(value: str | None) -> tuple[rules.BoardState | None, bool]:
    """The board's state filter: one state, every state (全部), or by default the unfinished."""
    if value == duties.ALL_STATES:
        return None, True
    return _state(value), False


@pages.get("", response_class=HTMLResponse)
def board_page(
    request: Request,
    db: Tx,
    who: Reader,
    unit: str | None = None,
    kind: str | None = None,
    person: str | None = None,
    state: str | None = None,
    task: str | None = None,
) -> Response:
    (wanted_state, everything), wanted_kind = _shown(state), _kind(kind)
    unit_id, person_id = _int(unit), _int(person)
    wanted_task = _task(task)
    service.refresh(db)
    rows = service.board(
        db, unit_id=unit_id, kind=wanted_kind, person_id=person_id, task=wanted_task, who=who
    )
    units = list(db.scalars(select(Unit).order_by(Unit.id)))
    people_ids = service.board_people(db)
    people = [u for u in db.scalars(select(User).order_by(User.id)) if u.id in people_ids]
    return render(
        request,
        "publicity_board.html",
        view=duties.board_view(rows, wanted_state, everything),
        recomputed=recomputed_on_board(db, rows),
        done_late=duties.done_late,
        started_on=duties.platform_started_on(db),
        units=units,
        people=people,
        kinds=rules.KIND_LABELS,
        states=[*rules.BoardState, duties.ALL_STATES],
        unit=unit_id,
        kind=wanted_kind or "",
        person=person_id,
        state=state if state == duties.ALL_STATES else (wanted_state or ""),
        tasks=DUTY_LABELS,
        task=wanted_task.value if wanted_task else "",
        soon=rules.DUE_SOON_WORKING_DAYS,
        period_rules=rules.PERIOD_RULES,
        severity_labels=rules.SEVERITY_LABELS,
    )


def _user_names(db: Db) -> dict[int, str]:
    return {u.id: u.full_name for u in db.scalars(select(User))}


def obligation_view(db: Db, ob: PublicationObligation, **extra: Any) -> dict[str, Any]:
    """What the obligation page shows: its versions, exemptions and the draft form. The
    severity has no default: each choice is explained with the dates it gives this
    decision (公示截止期, 最早可申请信用修复日)."""
    pubs = db.scalars(
        select(Publication).where(Publication.obligation_id == ob.id).order_by(Publication.version)
    )
    calendar = working_calendar(db)
    choices = [
        (
            r,
            rules.public_until(calendar, r, ob.decided_on),
            rules.credit_window(calendar, r, ob.decided_on),
        )
        for r in rules.rules_of(ob.kind)
    ]
    return {
        "ob": ob,
        "limit_row": limit(ob.limit_code),
        "publications": list(pubs),
        "exemptions": service.exemptions_of(db, ob.id),
        "users": _user_names(db),
        "kinds": rules.KIND_LABELS,
        "ob_labels": OBLIGATION_STATUS_LABELS,
        "pub_labels": PUBLICATION_STATUS_LABELS,
        "ex_labels": EXEMPTION_STATUS_LABELS,
        "choices": choices,
        "severity_labels": rules.SEVERITY_LABELS,
        "values": {},
        **extra,
    }


def _publication_view(db: Db, pub: Publication, **extra: Any) -> dict[str, Any]:
    return {
        "pub": pub,
        "snapshot": service.snapshot_as_of(pub),
        "users": _user_names(db),
        "pub_labels": PUBLICATION_STATUS_LABELS,
        "severity_labels": {s.value: label for s, label in rules.SEVERITY_LABELS.items()},
        "credit": credit.credit_status(db, pub),
        "today": today(),
        **extra,
    }


@pages.get("/obligations/{obligation_id}", response_class=HTMLResponse)
def obligation_page(request: Request, who: Reader, ob: ObligationOfPath, db: Db) -> Response:
    view = obligation_view(db, ob, notice=notice_of(request, NOTICES))
    return render(request, "publicity_obligation.html", **view)


@pages.get("/publications/{publication_id}", response_class=HTMLResponse)
def publication_page(request: Request, who: Reader, pub: PublicationOfPath, db: Db) -> Response:
    view = _publication_view(db, pub, notice=notice_of(request, NOTICES))
    return render(request, "publicity_preview.html", **view)


# A refused form is shown again (`submit`) with the message beside its field and what was
# typed kept; a refusal about a published item names that item's row in the preview.


@pages.post("/obligations/{obligation_id}/draft", response_class=HTMLResponse)
async def draft_form(
    request: Request, db: Tx, settings: Config, who: Reviewer, ob: ObligationOfPath
) -> Response:
    form = await form_values(request, ("severity", "credit_necessity"))
    return submit(
        request,
        db,
        lambda: service.prepare_draft(
            db,
            settings,
            ob.id,
            who,
            severity=form["severity"],
            credit_necessity=form["credit_necessity"],
        ),
        page="publicity_obligation.html",
        context=lambda: obligation_view(db, ob, values=form, refused="draft"),
        then=lambda pub: redirect(f"/app/publicity/publications/{pub.id}", "drafted"),
    )


@pages.post("/publications/{publication_id}/credit-repair", response_class=HTMLResponse)
async def credit_repair_form(
    request: Request, db: Tx, who: Publisher, pub: PublicationOfPath
) -> Response:
    form = await form_values(request, ("decided_by", "decided_on", "reference", "reason"))
    return submit(
        request,
        db,
        lambda: credit.record_repair(db, pub.id, who, **CreditRepairIn.of_form(form)),
        page="publicity_preview.html",
        context=lambda: _publication_view(db, pub, repair_values=form, refused="repair"),
        then=lambda row: redirect(f"/app/publicity/publications/{row.publication_id}", "repaired"),
    )


@pages.post("/publications/{publication_id}/review", response_class=HTMLResponse)
async def review_form(request: Request, db: Tx, who: Reviewer, pub: PublicationOfPath) -> Response:
    form = await form_values(request, ("note",))
    return submit(
        request,
        db,
        lambda: service.review(db, pub.id, who, form["note"]),
        page="publicity_preview.html",
        context=lambda: _publication_view(db, pub, values=form),
        then=lambda row: redirect(f"/app/publicity/publications/{row.id}", "reviewed"),
    )


@pages.post("/publications/{publication_id}/publish", response_class=HTMLResponse)
def publish_form(request: Request, db: Tx, who: Publisher, pub: PublicationOfPath) -> Response:
    return submit(
        request,
        db,
        lambda: service.publish(db, pub.id, who),
        page="publicity_preview.html",
        context=lambda: _publication_view(db, pub),
        then=lambda row: redirect(f"/app/publicity/publications/{row.id}", "published"),
    )


@pages.post("/obligations/{obligation_id}/exemptions", response_class=HTMLResponse)
async def exemption_form(request: Request, db: Tx, who: Reviewer, ob: ObligationOfPath) -> Response:
    form = await form_values(request, ("reason", "basis"))
    return submit(
        request,
        db,
        lambda: service.request_exemption(db, ob.id, who, form["reason"], form["basis"]),
        page="publicity_obligation.html",
        context=lambda: obligation_view(db, ob, exemption=form, refused="exemption"),
        then=lambda row: redirect(f"/app/publicity/obligations/{row.obligation_id}", "requested"),
    )


@pages.post("/exemptions/{exemption_id}/decision", response_class=HTMLResponse)
async def exemption_decision_form(
    request: Request, db: Tx, who: Publisher, row: ExemptionOfPath
) -> Response:
    form = await form_values(request, ("approve", "note"))
    approve = form["approve"] == "1"
    ob = service.get_obligation(db, row.obligation_id)
    return submit(
        request,
        db,
        lambda: service.decide_exemption(db, row.id, who, approve=approve, note=form["note"]),
        page="publicity_obligation.html",
        context=lambda: obligation_view(db, ob, decision=form, refused=f"decision-{row.id}"),
        then=lambda done: redirect(f"/app/publicity/obligations/{done.obligation_id}", "decided"),
    )

"""Pages and JSON API of 归档范围和保管期限表: the version in force, the history of
versions, proposing a new version (the archivist, all rows at once) and a leader's
approval or return."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhifa.archive.retention import forms, rules
from zhifa.archive.retention import service as retention
from zhifa.archive.retention.models import SCHEDULE_STATUS_LABELS, RetentionSchedule
from zhifa.archive.retention.schemas import ScheduleOut
from zhifa.core.auth import Principal
from zhifa.core.errors import NotFound
from zhifa.core.http import Db, RecordId, Tx, form_values, notice_of, redirect, render, require
from zhifa.core.http import submit as submit_form
from zhifa.core.permissions import Permission
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/archive/schedule", include_in_schema=False)
api = APIRouter(prefix="/api/v1/archive/schedules", tags=["档案：保管期限表"])

Reader = Annotated[Principal, Depends(require(Permission.archive_read))]
Writer = Annotated[Principal, Depends(require(Permission.archive_schedule_write))]
Approver = Annotated[Principal, Depends(require(Permission.archive_schedule_approve))]

NOTICES = {
    "proposed": "新版本已提出，待领导审批；批准前仍按现行版本执行。",
    "approved": "已批准：自即日起按此版本确定保管期限。",
    "rejected": "已退回，理由已记录。",
}


def schedule_of_path(schedule_id: RecordId, db: Db, who: Reader) -> RetentionSchedule:
    """The version the path names (404 when there is none)."""
    return retention.get_schedule(db, schedule_id)


ScheduleOfPath = Annotated[RetentionSchedule, Depends(schedule_of_path)]


def _labels() -> dict[str, Any]:
    return {
        "class_labels": rules.CLASS_LABELS,
        "start_labels": rules.START_LABELS,
        "status_labels": SCHEDULE_STATUS_LABELS,
        "period_of": lambda rule: rules.Period(rule.period_kind, rule.period_n),
    }


def _context(db: Session, request: Request, **extra: Any) -> dict[str, Any]:
    versions = retention.versions(db)
    return {
        "in_force": retention.in_force(db),
        "versions": versions,
        "pending": next((v for v in versions if v.status == "proposed"), None),
        "people": retention.people(db),
        "notice": notice_of(request, NOTICES),
        **_labels(),
        **extra,
    }


def _form_context(db: Session, values: dict[str, str]) -> dict[str, Any]:
    in_force = retention.in_force(db)
    return {
        "values": values,
        "classes": list(enumerate(forms.CLASSES)),
        "in_force": in_force,
        "period_kinds": rules.PERIOD_KIND_LABELS,
        "start_events": rules.StartEvent,
        "row_field": retention.row_field,
        **_labels(),
    }


def _prefilled(db: Session) -> dict[str, str]:
    in_force = retention.in_force(db)
    return forms.prefill(retention.rows_of(in_force).values() if in_force else ())


# ---- pages -----------------------------------------------------------------------------------


@pages.get("", response_class=HTMLResponse)
def schedule_page(request: Request, db: Db, who: Reader) -> Response:
    return render(request, "archive/schedule.html", **_context(db, request))


@pages.get("/new", response_class=HTMLResponse)
def schedule_new_page(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "archive/schedule_form.html", **_form_context(db, _prefilled(db)))


@pages.post("/new", response_class=HTMLResponse)
async def schedule_new_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await form_values(request, forms.FORM_KEYS)
    return submit_form(
        request,
        db,
        lambda: retention.propose(db, forms.schedule_in(values), who),
        page="archive/schedule_form.html",
        context=lambda: _form_context(db, values),
        then=lambda schedule: redirect(f"/app/archive/schedule/{schedule.id}", "proposed"),
    )


@pages.get("/{schedule_id}", response_class=HTMLResponse)
def version_page(request: Request, db: Db, who: Reader, schedule: ScheduleOfPath) -> Response:
    return render(request, "archive/schedule_version.html", **_context(db, request, shown=schedule))


@pages.post("/{schedule_id}/decision", response_class=HTMLResponse)
async def decision_submit(
    request: Request, db: Tx, who: Approver, schedule: ScheduleOfPath
) -> Response:
    values, schedule_id = await form_values(request, ("approve", "note")), schedule.id
    return submit_form(
        request,
        db,
        lambda: retention.decide(db, schedule, parse(retention.DecisionIn, values), who),
        page="archive/schedule_version.html",
        context=lambda: _context(
            db, request, shown=retention.get_schedule(db, schedule_id), values=values
        ),
        then=lambda done: redirect(f"/app/archive/schedule/{schedule_id}", done.status.value),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get("", summary="保管期限表的各个版本（新版本在前）")
def api_versions(db: Db, who: Reader) -> list[ScheduleOut]:
    return [ScheduleOut.of(s) for s in retention.versions(db)]


@api.get("/in-force", summary="现行保管期限表（最新批准的版本）")
def api_in_force(db: Db, who: Reader) -> ScheduleOut:
    schedule = retention.in_force(db)
    if schedule is None:
        raise NotFound("保管期限表尚未经领导批准")
    return ScheduleOut.of(schedule)


@api.post("", status_code=201, summary="提出保管期限表的新版本（覆盖每一类记录，待领导审批）")
def api_propose(data: retention.ScheduleIn, db: Tx, who: Writer) -> ScheduleOut:
    return ScheduleOut.of(retention.propose(db, data, who))


@api.get("/{schedule_id}", summary="保管期限表的一个版本")
def api_version(who: Reader, schedule: ScheduleOfPath) -> ScheduleOut:
    return ScheduleOut.of(schedule)


@api.post("/{schedule_id}/decision", summary="领导批准或退回（退回须写明理由；提出人不能审批）")
def api_decide(
    data: retention.DecisionIn, db: Tx, who: Approver, schedule: ScheduleOfPath
) -> ScheduleOut:
    return ScheduleOut.of(retention.decide(db, schedule, data, who))

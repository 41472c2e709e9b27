"""Pages and JSON API of the catalogue's update obligations (公示办法 第八条): the list,
one obligation with its "checked, no change needed" form, the obligations of a law
change, and registering an organisation change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog.models import LawChange
from zhifa.catalog.rules import CHANGE_LABELS
from zhifa.catalog.updates import service as updates
from zhifa.catalog.updates.models import (
    CAUSE_LABELS,
    STATUS_LABELS,
    CatalogueUpdate,
    OrganisationChange,
    UpdateStatus,
)
from zhifa.catalog.updates.schemas import OrganisationChangeOut, UnchangedIn, UpdateOut
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.http import (
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
from zhifa.core.models import Unit
from zhifa.core.permissions import Permission
from zhifa.core.time_limits import limit
from zhifa.core.validation import parse

pages = APIRouter(prefix="/app/catalog", include_in_schema=False)
api = APIRouter(prefix="/api/v1/catalog", tags=["事前公示更新"])

Reader = Annotated[Principal, Depends(require(Permission.catalog_read))]
Writer = Annotated[Principal, Depends(require(Permission.catalog_write))]

NOTICES = {
    "unchanged": "已记录：已核对，无需修改。",
    "registered": "机构设置变化已登记，受影响的公示信息已列为更新义务。",
}
ORGANISATION_FIELDS = ("approval_number", "approved_on", "description")


def labels(db: Session, **extra: Any) -> dict[str, Any]:
    """What the update templates need besides their rows (also used by the law page)."""
    return {
        "cause_labels": CAUSE_LABELS,
        "update_status_labels": STATUS_LABELS,
        "target_labels": updates.TARGET_LABELS,
        "units_by_id": {u.id: u.name for u in db.scalars(select(Unit))},
        **extra,
    }


def _status(value: str) -> UpdateStatus | None:
    if not value:
        return None
    try:
        return UpdateStatus(value)
    except ValueError:
        raise DomainError("状态取值无效（open/published/unchanged）", "status") from None


def update_of_path(update_id: RecordId, db: Db, who: Reader) -> CatalogueUpdate:
    """The update obligation the path names (404 when there is none)."""
    return updates.get_update(db, update_id)


def law_change_of_path(change_id: RecordId, db: Db, who: Reader) -> LawChange:
    """The law change the path names (404 when there is none)."""
    change = db.get(LawChange, change_id)
    if change is None:
        raise NotFound("法规变更记录不存在")
    return change


def organisation_change_of_path(change_id: RecordId, db: Db, who: Reader) -> OrganisationChange:
    """The organisation change the path names (404 when there is none)."""
    change = db.get(OrganisationChange, change_id)
    if change is None:
        raise NotFound("机构设置变化记录不存在")
    return change


UpdateOfPath = Annotated[CatalogueUpdate, Depends(update_of_path)]
LawChangeOfPath = Annotated[LawChange, Depends(law_change_of_path)]
OrganisationChangeOfPath = Annotated[OrganisationChange, Depends(organisation_change_of_path)]


def _units(db: Db) -> list[Unit]:
    return list(db.scalars(select(Unit).order_by(Unit.id)))


def _update_context(request: Request, db: Db, row: CatalogueUpdate, **extra: Any) -> dict[str, Any]:
    return {
        "row": row,
        "limit_row": limit(row.limit_code),
        "entry": updates.entry_link(db, row),
        "notice": notice_of(request, NOTICES),
        **labels(db, **extra),
    }


# ---- pages ---------------------------------------------------------------------------------


@pages.get("/updates", response_class=HTMLResponse)
def update_list_page(request: Request, db: Tx, who: Reader, status: str = "") -> Response:
    wanted = _status(status)
    updates.settle(db)
    rows = updates.updates_of(db, status=wanted)
    changes = list(db.scalars(select(OrganisationChange).order_by(OrganisationChange.id.desc())))
    return render(
        request,
        "update_list.html",
        rows=rows,
        status=status,
        organisation_changes=changes,
        **labels(db),
    )


@pages.get("/updates/{update_id}", response_class=HTMLResponse)
def update_page(request: Request, db: Db, who: Reader, row: UpdateOfPath) -> Response:
    return render(request, "update_detail.html", **_update_context(request, db, row))


@pages.post("/updates/{update_id}/unchanged", response_class=HTMLResponse)
async def update_unchanged_submit(
    request: Request, db: Tx, who: Writer, row: UpdateOfPath
) -> Response:
    update_id = row.id
    reason = str((await request.form()).get("reason", ""))  # the service trims it
    return submit(
        request,
        db,
        lambda: updates.record_unchanged(db, update_id, who, reason),
        page="update_detail.html",
        context=lambda: _update_context(
            request, db, updates.get_update(db, update_id), reason=reason
        ),
        then=lambda _: redirect(f"/app/catalog/updates/{update_id}", "unchanged"),
    )


@pages.get("/law-changes/{change_id}/updates", response_class=HTMLResponse)
def law_change_updates_page(
    request: Request, db: Db, who: Reader, change: LawChangeOfPath
) -> Response:
    return render(
        request,
        "update_law_change.html",
        change=change,
        change_label=CHANGE_LABELS[change.kind],
        rows=updates.updates_of(db, law_change_id=change.id),
        **labels(db),
    )


@pages.get("/organisation-changes/new", response_class=HTMLResponse)
def organisation_change_form(request: Request, db: Db, who: Writer) -> Response:
    return render(request, "update_organisation_form.html", values={}, chosen=[], units=_units(db))


@pages.post("/organisation-changes", response_class=HTMLResponse)
async def organisation_change_submit(request: Request, db: Tx, who: Writer) -> Response:
    values = await form_values(request, ORGANISATION_FIELDS)
    chosen = [str(v) for v in (await request.form()).getlist("unit_ids")]
    data = {**values, "approved_on": values["approved_on"] or None, "unit_ids": chosen}
    return submit(
        request,
        db,
        lambda: updates.register_organisation_change(
            db, parse(updates.OrganisationChangeIn, data), who
        ),
        page="update_organisation_form.html",
        context=lambda: {"values": values, "chosen": chosen, "units": _units(db)},
        then=lambda registered: redirect(
            f"/app/catalog/organisation-changes/{registered[0].id}", "registered"
        ),
    )


@pages.get("/organisation-changes/{change_id}", response_class=HTMLResponse)
def organisation_change_page(
    request: Request, db: Db, who: Reader, change: OrganisationChangeOfPath
) -> Response:
    names = {u.id: u.name for u in _units(db)}
    return render(
        request,
        "update_organisation.html",
        change=change,
        unit_names=[names.get(i, f"#{i}") for i in change.unit_ids],
        rows=updates.updates_of(db, organisation_change_id=change.id),
        notice=notice_of(request, NOTICES),
        **labels(db),
    )


# ---- JSON API --------------------------------------------------------------------------------


@api.get("/updates", summary="事前公示更新义务")
def api_updates(
    db: Tx,
    who: Reader,
    status: str = "",
    law_change_id: RecordIdQuery = None,
    organisation_change_id: RecordIdQuery = None,
) -> list[UpdateOut]:
    wanted = _status(status)
    updates.settle(db)
    rows = updates.updates_of(
        db,
        status=wanted,
        law_change_id=law_change_id,
        organisation_change_id=organisation_change_id,
    )
    return [UpdateOut.of(r) for r in rows]


@api.post("/updates/{update_id}/unchanged", summary="记录：已核对，无需修改")
def api_update_unchanged(update_id: RecordId, data: UnchangedIn, db: Tx, who: Writer) -> UpdateOut:
    return UpdateOut.of(updates.record_unchanged(db, update_id, who, data.reason))


@api.post("/organisation-changes", status_code=201, summary="登记机构设置变化（三定方案等）")
def api_organisation_change(
    data: updates.OrganisationChangeIn, db: Tx, who: Writer
) -> OrganisationChangeOut:
    change, rows = updates.register_organisation_change(db, data, who)
    return OrganisationChangeOut(id=change.id, updates=[UpdateOut.of(r) for r in rows])

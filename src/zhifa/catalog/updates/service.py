"""Update obligations of the 事前公示 catalogue (公示办法 第八条第一至三项): within 20
working days (the rule table's limits) of a change, every public entry it touches is
reviewed and published again.

- A law revised, repealed or replaced (`for_law_change`, called by
  `impact.record_law_change` in the transaction that saves the `LawChange`): one
  obligation per power item, guide and random-check item that cited it, listing the
  places cited; counted from the day the change takes effect.
- An organisation change (`register_organisation_change`: 三定方案 approval number and
  day, the units affected, what changed): every catalogue item whose responsible unit is
  affected, and the public certificate entry of every officer of those units; counted
  from the approval day.
- A certificate change (a new version: revoked, suspended, term or details changed): the
  officer's public entry; counted from the day it was recorded. core must not import the
  catalogue, so `core.certificates` calls the hooks registered in `CHANGE_HOOKS` inside
  the same transaction, and this module subscribes when it is imported (the app factory
  imports it through the catalogue's routes). A hook rather than a call from the route:
  every path that revises a certificate (form, JSON API, scripts) creates the obligation.
  A newly issued certificate is not an update: its first publication is the catalogue's.
- A changed decision is publicity's own `PublicationUpdate`.

An obligation is done when a public snapshot of its entry (``target_kind``, ``subject``,
as `publicity.public_snapshots` names them) is published at or after the obligation was
registered — noticed by the snapshot module's publish hook in the publishing transaction,
and caught up by `settle` before the board or the overdue report is read — or when staff
record that they checked the entry and nothing needs to change, with the reason. That
record is ledgered (`catalogue_update.unchanged`) but not published: the public entry
stays exactly as it was, and publishing a copy of it again would only add a version that
says nothing new. The done day is that day in Beijing time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog.items import service as items
from zhifa.catalog.laws.service import get_law
from zhifa.catalog.models import LawChange
from zhifa.catalog.rules import CHANGE_LABELS
from zhifa.catalog.updates.models import (
    CAUSE_LABELS,
    CatalogueUpdate,
    OrganisationChange,
    UpdateCause,
    UpdateStatus,
)
from zhifa.core import certificates
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.calendar import SHANGHAI
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import Certificate, Unit, User
from zhifa.core.time_limits import due, limit
from zhifa.core.validation import BodyRecordId
from zhifa.publicity import duties, public_snapshots
from zhifa.publicity.models import PublicSnapshot

LAW_LIMIT = "publicity.update_law_change"
ORGANISATION_LIMIT = "publicity.update_organisation"
CERTIFICATE_LIMIT = "publicity.update_certificate"

# LawChange.affected kinds -> the public snapshot kinds of the same entries
SNAPSHOT_KINDS = {
    "power_item": "power_item",
    "service_guide": "service_guide",
    "random_check": "random_check_item",
}
TARGET_LABELS = {
    "power_item": "权力事项",
    "service_guide": "办事指南",
    "random_check_item": "随机抽查事项",
    "officer": "执法人员公示信息",
}
_PAGES = {
    "power_item": "/app/catalog/power-items",
    "service_guide": "/app/catalog/guides",
    "random_check_item": "/app/catalog/random-checks",
}


@dataclass(frozen=True)
class Target:
    """One public entry to review."""

    kind: str  # public snapshot kind
    id: int  # the entity: power item, guide, random-check item, certificate
    subject: str  # public snapshot subject: item code or certificate number
    title: str
    unit_id: int | None
    review: str


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _open(
    db: Session,
    cause: UpdateCause,
    target: Target,
    started_on: date,
    code: str,
    who: Principal | None,
    **source: int | None,
) -> CatalogueUpdate:
    counted = due(working_calendar(db), code, started_on)
    row = CatalogueUpdate(
        cause=cause,
        target_kind=target.kind,
        target_id=target.id,
        subject=target.subject,
        title=target.title[:300],
        review=target.review,
        unit_id=target.unit_id,
        responsible_id=who.user_id if who else None,
        started_on=started_on,
        limit_code=code,
        due_on=counted.date,
        due_provisional=counted.provisional,
        basis=counted.basis[:1000],
        status=UpdateStatus.open,
        **source,
    )
    db.add(row)
    record_change(db, actor_name(who), "catalogue_update.open", row)
    return row


# ---- law changes ------------------------------------------------------------------------------


def _item_units(db: Session) -> dict[str, dict[int, int | None]]:
    """Responsible unit of each current catalogue entry, by snapshot kind and entity id."""
    power = {
        v.item.id: v.current.unit_id if v.current else None for v in items.list_power_items(db)
    }
    return {
        "power_item": power,
        "service_guide": {g.guide.id: power.get(g.item.id) for g in items.list_guides(db)},
        "random_check_item": {r.item.id: r.current.unit_id for r in items.list_random_checks(db)},
    }


def for_law_change(db: Session, change: LawChange, who: Principal | None) -> list[CatalogueUpdate]:
    """One obligation per entry the change recorded as citing the law."""
    db.flush()
    title = get_law(db, change.law_id).current.title
    what = CHANGE_LABELS[change.kind]
    units = _item_units(db)
    rows = []
    for entry in change.affected:
        kind = SNAPSHOT_KINDS[entry["kind"]]
        review = (
            f"《{title}》{what}（{change.effective_on} 起）：复核引用的{entry['cited']}，"
            f"更新{TARGET_LABELS[kind]}并重新公示。变更原因：{change.reason}"
        )
        target = Target(
            kind,
            entry["id"],
            entry["code"],
            f"{TARGET_LABELS[kind]} {entry['code']} {entry['name']}",
            units[kind].get(entry["id"]),
            review,
        )
        rows.append(
            _open(
                db,
                UpdateCause.law_change,
                target,
                change.effective_on,
                LAW_LIMIT,
                who,
                law_change_id=change.id,
            )
        )
    return rows


# ---- organisation changes ---------------------------------------------------------------------


class OrganisationChangeIn(BaseModel):
    approval_number: str = Field(min_length=1, max_length=100)
    approved_on: date
    unit_ids: list[BodyRecordId] = Field(min_length=1, max_length=50)
    description: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _strip(self) -> Self:
        self.approval_number = self.approval_number.strip()
        self.description = self.description.strip()
        if not self.approval_number:
            raise DomainError("请填写批准文号", "approval_number")
        if not self.description:
            raise DomainError("请说明机构设置发生了哪些变化", "description")
        self.unit_ids = list(dict.fromkeys(self.unit_ids))
        return self


def _officer_targets(db: Session, unit_ids: set[int], review: str) -> Iterator[Target]:
    for officer in certificates.list_officers(db):
        if officer.user.unit_id not in unit_ids:
            continue
        for view in officer.certificates:
            number = view.current.number
            title = f"{TARGET_LABELS['officer']} {officer.user.full_name}（{number}）"
            yield Target(
                "officer", view.certificate.id, number, title, officer.user.unit_id, review
            )


def _organisation_targets(db: Session, unit_ids: set[int], review: str) -> list[Target]:
    found = [
        Target(
            "power_item",
            v.item.id,
            v.item.code,
            f"权力事项 {v.item.code} {v.current.name}",
            v.current.unit_id,
            review,
        )
        for v in items.list_power_items(db)
        if v.current and v.current.unit_id in unit_ids
    ]
    found += [
        Target(
            "service_guide",
            g.guide.id,
            g.item.code,
            f"办事指南 {g.item.code} {g.item.name}",
            unit,
            review,
        )
        for g in items.list_guides(db)
        if (unit := _unit_of_item(found, g.item.id)) is not None
    ]
    found += [
        Target(
            "random_check_item",
            r.item.id,
            r.item.code,
            f"随机抽查事项 {r.item.code} {r.current.name}",
            r.current.unit_id,
            review,
        )
        for r in items.list_random_checks(db)
        if r.current.unit_id in unit_ids
    ]
    return found + list(_officer_targets(db, unit_ids, review))


def _unit_of_item(found: list[Target], item_id: int) -> int | None:
    return next((t.unit_id for t in found if t.kind == "power_item" and t.id == item_id), None)


def register_organisation_change(
    db: Session, data: OrganisationChangeIn, who: Principal | None
) -> tuple[OrganisationChange, list[CatalogueUpdate]]:
    """Record the change and open an obligation for every entry of the affected units."""
    names = {u.id: u.name for u in db.scalars(select(Unit).where(Unit.id.in_(data.unit_ids)))}
    missing = [i for i in data.unit_ids if i not in names]
    if missing:
        raise DomainError(f"单位不存在：{'、'.join(map(str, missing))}", "unit_ids")
    if data.approved_on > today():
        raise DomainError("批准日期不能晚于今天", "approved_on")
    change = OrganisationChange(
        approval_number=data.approval_number,
        approved_on=data.approved_on,
        description=data.description,
        unit_ids=data.unit_ids,
        created_by=who.user_id if who else None,
    )
    db.add(change)
    record_change(db, actor_name(who), "organisation_change.register", change)
    units = "、".join(names[i] for i in data.unit_ids)
    review = (
        f"机构设置变化（{data.approval_number}，{data.approved_on} 批准；涉及{units}）："
        f"{data.description}。复核实施主体、责任单位和联系方式并重新公示。"
    )
    rows = [
        _open(
            db,
            UpdateCause.organisation,
            target,
            data.approved_on,
            ORGANISATION_LIMIT,
            who,
            organisation_change_id=change.id,
        )
        for target in _organisation_targets(db, set(data.unit_ids), review)
    ]
    return change, rows


# ---- certificate changes ----------------------------------------------------------------------


def on_certificate_changed(
    db: Session, view: certificates.CertificateView, who: Principal | None
) -> None:
    officer = db.get(User, view.certificate.officer_id)
    current = view.current
    name = officer.full_name if officer else ""
    target = Target(
        "officer",
        view.certificate.id,
        current.number,
        f"{TARGET_LABELS['officer']} {name}（{current.number}）",
        officer.unit_id if officer else None,
        f"执法证第 {current.version} 版（{current.reason}）：状态、有效期等信息已变化，"
        "更新执法人员公示信息并重新公示。",
    )
    _open(
        db,
        UpdateCause.certificate,
        target,
        today(),
        CERTIFICATE_LIMIT,
        who,
        certificate_id=view.certificate.id,
        certificate_version=current.version,
    )


# ---- fulfilment ---------------------------------------------------------------------------------


def _fulfil(db: Session, row: CatalogueUpdate, snapshot: PublicSnapshot) -> None:
    row.status = UpdateStatus.published
    row.snapshot_id = snapshot.id
    row.done_at = snapshot.published_at
    row.done_on = beijing_day(snapshot.published_at)
    row.done_by = snapshot.published_by
    record_change(db, None, "catalogue_update.published", row)


def _open_of(db: Session, kind: str, subject: str) -> list[CatalogueUpdate]:
    return list(
        db.scalars(
            select(CatalogueUpdate).where(
                CatalogueUpdate.status == UpdateStatus.open,
                CatalogueUpdate.target_kind == kind,
                CatalogueUpdate.subject == subject,
            )
        )
    )


def on_snapshot_published(db: Session, snapshot: PublicSnapshot) -> None:
    """A snapshot published after an obligation was registered fulfils it."""
    for row in _open_of(db, snapshot.kind, snapshot.subject):
        if snapshot.published_at >= row.created_at:
            _fulfil(db, row, snapshot)


def settle(db: Session) -> int:
    """Mark done every open obligation whose entry was published after it was registered
    (catch-up for snapshots published where this module was not loaded); how many."""
    count = 0
    for row in db.scalars(
        select(CatalogueUpdate).where(CatalogueUpdate.status == UpdateStatus.open)
    ):
        latest = public_snapshots.latest_published(db, row.target_kind, row.subject)
        if latest is not None and latest.published_at >= row.created_at:
            _fulfil(db, row, latest)
            count += 1
    return count


def record_unchanged(db: Session, update_id: int, who: Principal, reason: str) -> CatalogueUpdate:
    """Staff checked the entry and it needs no change: done today, with the reason."""
    row = get_update(db, update_id)
    if row.status is not UpdateStatus.open:
        raise Conflict("该更新义务已完成")
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError("请说明核对了哪些内容、为何无需修改（至少 4 个字）", "reason")
    row.status = UpdateStatus.unchanged
    row.done_at = utcnow()
    row.done_on = today()
    row.done_by = who.user_id
    row.done_note = reason[:1000]
    record_change(db, actor_name(who), "catalogue_update.unchanged", row)
    return row


# ---- reading ------------------------------------------------------------------------------------


def get_update(db: Session, update_id: int) -> CatalogueUpdate:
    row = db.get(CatalogueUpdate, update_id)
    if row is None:
        raise NotFound("事前公示更新义务不存在")
    return row


def updates_of(
    db: Session,
    *,
    law_change_id: int | None = None,
    organisation_change_id: int | None = None,
    status: UpdateStatus | None = None,
) -> list[CatalogueUpdate]:
    query = select(CatalogueUpdate)
    if law_change_id is not None:
        query = query.where(CatalogueUpdate.law_change_id == law_change_id)
    if organisation_change_id is not None:
        query = query.where(CatalogueUpdate.organisation_change_id == organisation_change_id)
    if status is not None:
        query = query.where(CatalogueUpdate.status == status)
    return list(db.scalars(query.order_by(CatalogueUpdate.due_on, CatalogueUpdate.id)))


def entry_link(db: Session, row: CatalogueUpdate) -> str:
    """The internal page of the entry to review."""
    if row.target_kind == "officer":
        certificate = db.get(Certificate, row.target_id)
        return f"/app/officers/{certificate.officer_id}" if certificate else "/app/officers"
    return f"{_PAGES[row.target_kind]}/{row.target_id}"


def update_duties(db: Session, scope: duties.Scope, names: duties.Names) -> Iterator[duties.Duty]:
    query = scope.narrow(select(CatalogueUpdate), CatalogueUpdate.due_on)
    if scope.unmet_or_late:
        query = query.where(
            (CatalogueUpdate.status == UpdateStatus.open)
            | (CatalogueUpdate.done_on > CatalogueUpdate.due_on)
        )
    for row in db.scalars(query.order_by(CatalogueUpdate.id)):
        yield duties.Duty(
            kind=duties.DutyKind.catalogue_update,
            record_id=row.id,
            reference=row.subject,
            subject=row.title,
            unit_id=row.unit_id,
            unit=names.unit(row.unit_id),
            person_id=row.responsible_id,
            person=names.person(row.responsible_id),
            limit_code=row.limit_code,
            basis=limit(row.limit_code).basis,
            due_on=row.due_on,
            due_provisional=row.due_provisional,
            done_on=row.done_on,
            link=f"/app/catalog/updates/{row.id}",
            started_on=row.started_on,
            detail=CAUSE_LABELS[row.cause],
        )

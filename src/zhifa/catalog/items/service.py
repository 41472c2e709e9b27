"""Use cases of the catalogue's items: power items (权责清单; the entity is enforcement's
PowerItem, its content versions live here), service guides (办事指南) of licence items and
the random-check list (随机抽查事项清单). Every edit is a new version; citations of
articles are checked and stored with the version."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog.laws.service import ResolvedCitation, citation_text, resolve_citations
from zhifa.catalog.models import (
    Citation,
    PowerItemVersion,
    RandomCheckItem,
    RandomCheckVersion,
    ServiceGuide,
    ServiceGuideVersion,
)
from zhifa.catalog.versions import current_of, history_of, save_version
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.errors import Conflict, DomainError, NotFound
from zhifa.core.models import Unit
from zhifa.core.validation import BodyRecordId
from zhifa.enforcement.models import PowerItem
from zhifa.enforcement.steps import ActionKind

CODE = r"^[A-Za-z0-9][A-Za-z0-9\-]{0,39}$"


class _Texts(BaseModel):
    @model_validator(mode="after")
    def _strip(self) -> Self:
        for key, value in self:
            if isinstance(value, str) and not isinstance(value, Enum):
                setattr(self, key, value.strip())
        return self


class PowerItemDetails(_Texts):
    name: str = Field(min_length=1, max_length=200)
    kind: ActionKind
    field: str = Field(default="安全生产", min_length=1, max_length=50)
    unit_id: BodyRecordId | None = None
    basis: str = Field(min_length=1, max_length=2000)
    duties: str = Field(default="", max_length=5000)
    accountability: str = Field(default="", max_length=5000)


class PowerItemIn(PowerItemDetails):
    code: str = Field(pattern=CODE)


class PowerItemRevision(PowerItemDetails):
    reason: str = Field(min_length=1, max_length=200)


class GuideDetails(_Texts):
    conditions: str = Field(min_length=1, max_length=5000)
    materials: str = Field(min_length=1, max_length=5000)
    procedure: str = Field(min_length=1, max_length=5000)
    time_limit: str = Field(min_length=1, max_length=200)
    fees: str = Field(min_length=1, max_length=200)
    place: str = Field(min_length=1, max_length=2000)
    contacts: str = Field(min_length=1, max_length=300)


class GuideRevision(GuideDetails):
    reason: str = Field(min_length=1, max_length=200)


class RandomCheckDetails(_Texts):
    name: str = Field(min_length=1, max_length=200)
    basis: str = Field(min_length=1, max_length=2000)
    targets: str = Field(min_length=1, max_length=300)
    method: str = Field(min_length=1, max_length=300)
    frequency: str = Field(min_length=1, max_length=100)
    unit_id: BodyRecordId | None = None


class RandomCheckIn(RandomCheckDetails):
    code: str = Field(pattern=CODE)


class RandomCheckRevision(RandomCheckDetails):
    reason: str = Field(min_length=1, max_length=200)


# ---- shared ---------------------------------------------------------------------------------


def _check_unit(db: Session, unit_id: int | None) -> None:
    if unit_id is not None and db.get(Unit, unit_id) is None:
        raise DomainError("所选单位不存在", "unit_id")


def _basis(db: Session, text: str) -> tuple[str, list[ResolvedCitation]]:
    citations = resolve_citations(db, text)
    if not citations:
        raise DomainError("法律依据为必填项，应如《安全生产法》第六十二条", "basis")
    basis = citation_text(citations)
    if len(basis) > 500:
        raise DomainError("法律依据过长（不能超过 500 个字符）", "basis")
    return basis, citations


def _cite(
    db: Session, owner: str, version_id: int, citations: list[ResolvedCitation], who: Any
) -> None:
    rows = [
        Citation(**{owner: version_id}, article_id=c.article.id, label=c.label, position=i)
        for i, c in enumerate(citations)
    ]
    db.add_all(rows)
    if rows:
        record_change(db, actor_name(who), "catalog.cite", *rows)


# ---- power items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PowerItemView:
    item: PowerItem
    current: PowerItemVersion | None  # None: an item registered before the catalogue


def list_power_items(db: Session) -> list[PowerItemView]:
    versions = {
        v.power_item_id: v
        for v in db.scalars(
            select(PowerItemVersion)
            .join(PowerItem, PowerItem.id == PowerItemVersion.power_item_id)
            .where(PowerItemVersion.version == PowerItem.current_version)
        )
    }
    items = db.scalars(select(PowerItem).order_by(PowerItem.kind, PowerItem.code))
    return [PowerItemView(item, versions.get(item.id)) for item in items]


def get_power_item(db: Session, item_id: int) -> PowerItemView:
    item = db.get(PowerItem, item_id)
    if item is None:
        raise NotFound("权力事项不存在")
    return PowerItemView(item, current_of(db, item, PowerItemVersion, "power_item_id"))


def power_item_history(db: Session, item: PowerItem) -> list[PowerItemVersion]:
    return history_of(db, item, PowerItemVersion, "power_item_id")


def _store_power_item(
    db: Session, item: PowerItem, data: PowerItemDetails, reason: str, who: Principal | None
) -> PowerItemView:
    _check_unit(db, data.unit_id)
    basis, citations = _basis(db, data.basis)
    fields = data.model_dump(include=set(PowerItemDetails.model_fields)) | {"basis": basis}
    version = save_version(
        db,
        entity=item,
        version_model=PowerItemVersion,
        link="power_item_id",
        fields=fields,
        reason=reason,
        who=who,
        kind="power_item.version",
    )
    _cite(db, "power_item_version_id", version.id, citations, who)
    # The item row mirrors its current version for the actions taken under it.
    item.name, item.kind, item.field, item.basis = data.name, data.kind, data.field, basis
    record_change(db, actor_name(who), "power_item.current", item)
    return PowerItemView(item, version)


def create_power_item(db: Session, data: PowerItemIn, who: Principal | None) -> PowerItemView:
    if db.scalar(select(PowerItem.id).where(PowerItem.code == data.code)) is not None:
        raise Conflict(f"事项编码 {data.code} 已存在", "code")
    item = PowerItem(code=data.code, name=data.name, kind=data.kind, field=data.field)
    db.add(item)
    record_change(db, actor_name(who), "power_item.create", item)
    return _store_power_item(db, item, data, "登记", who)


def revise_power_item(
    db: Session, item_id: int, data: PowerItemRevision, who: Principal | None
) -> PowerItemView:
    view = get_power_item(db, item_id)
    return _store_power_item(db, view.item, data, data.reason, who)


# ---- service guides -------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideView:
    guide: ServiceGuide
    current: ServiceGuideVersion
    item: PowerItem


def list_guides(db: Session) -> list[GuideView]:
    query = (
        select(ServiceGuide, ServiceGuideVersion, PowerItem)
        .join(ServiceGuideVersion, ServiceGuideVersion.guide_id == ServiceGuide.id)
        .join(PowerItem, PowerItem.id == ServiceGuide.power_item_id)
        .where(ServiceGuideVersion.version == ServiceGuide.current_version)
        .order_by(PowerItem.code)
    )
    return [GuideView(g, v, i) for g, v, i in db.execute(query)]


def guide_of_item(db: Session, item_id: int) -> GuideView | None:
    return next((g for g in list_guides(db) if g.item.id == item_id), None)


def guide_history(db: Session, guide: ServiceGuide) -> list[ServiceGuideVersion]:
    return history_of(db, guide, ServiceGuideVersion, "guide_id")


def save_guide(db: Session, item_id: int, data: GuideDetails, who: Principal | None) -> GuideView:
    """The item's guide: written the first time, a new version afterwards."""
    item = get_power_item(db, item_id).item
    if item.kind is not ActionKind.license:
        raise DomainError("办事指南只适用于行政许可事项", "power_item_id")
    guide = db.scalar(select(ServiceGuide).where(ServiceGuide.power_item_id == item.id))
    if guide is None:
        guide = ServiceGuide(power_item_id=item.id, created_by=who.user_id if who else None)
        db.add(guide)
    reason = data.reason if isinstance(data, GuideRevision) else "登记"
    version = save_version(
        db,
        entity=guide,
        version_model=ServiceGuideVersion,
        link="guide_id",
        fields=data.model_dump(include=set(GuideDetails.model_fields)),
        reason=reason,
        who=who,
        kind="service_guide.version",
    )
    return GuideView(guide, version, item)


# ---- random-check list ----------------------------------------------------------------------


@dataclass(frozen=True)
class RandomCheckView:
    item: RandomCheckItem
    current: RandomCheckVersion


def list_random_checks(db: Session) -> list[RandomCheckView]:
    query = (
        select(RandomCheckItem, RandomCheckVersion)
        .join(RandomCheckVersion, RandomCheckVersion.item_id == RandomCheckItem.id)
        .where(RandomCheckVersion.version == RandomCheckItem.current_version)
        .order_by(RandomCheckItem.code)
    )
    return [RandomCheckView(i, v) for i, v in db.execute(query)]


def get_random_check(db: Session, item_id: int) -> RandomCheckView:
    item = db.get(RandomCheckItem, item_id)
    current = current_of(db, item, RandomCheckVersion, "item_id") if item else None
    if item is None or current is None:
        raise NotFound("抽查事项不存在")
    return RandomCheckView(item, current)


def random_check_history(db: Session, item: RandomCheckItem) -> list[RandomCheckVersion]:
    return history_of(db, item, RandomCheckVersion, "item_id")


def _store_random_check(
    db: Session, item: RandomCheckItem, data: RandomCheckDetails, reason: str, who: Any
) -> RandomCheckView:
    _check_unit(db, data.unit_id)
    basis, citations = _basis(db, data.basis)
    fields = data.model_dump(include=set(RandomCheckDetails.model_fields)) | {"basis": basis}
    version = save_version(
        db,
        entity=item,
        version_model=RandomCheckVersion,
        link="item_id",
        fields=fields,
        reason=reason,
        who=who,
        kind="random_check.version",
    )
    _cite(db, "random_check_version_id", version.id, citations, who)
    return RandomCheckView(item, version)


def create_random_check(db: Session, data: RandomCheckIn, who: Principal | None) -> RandomCheckView:
    if db.scalar(select(RandomCheckItem.id).where(RandomCheckItem.code == data.code)):
        raise Conflict(f"抽查事项编码 {data.code} 已存在", "code")
    item = RandomCheckItem(code=data.code, created_by=who.user_id if who else None)
    db.add(item)
    return _store_random_check(db, item, data, "登记", who)


def revise_random_check(
    db: Session, item_id: int, data: RandomCheckRevision, who: Principal | None
) -> RandomCheckView:
    view = get_random_check(db, item_id)
    return _store_random_check(db, view.item, data, data.reason, who)

"""The impact of a law change (公示办法第八条): which current power items, service guides
and random-check items cite the law — shown before the change is saved, and recorded
with it so that the update obligations can be created from the record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog import rules
from zhifa.catalog.laws.service import get_law
from zhifa.catalog.models import (
    Article,
    Citation,
    LawChange,
    LawVersion,
    PowerItemVersion,
    RandomCheckItem,
    RandomCheckVersion,
    ServiceGuide,
)
from zhifa.catalog.rules import ChangeKind
from zhifa.catalog.updates import service as update_obligations
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.errors import DomainError
from zhifa.core.validation import BodyRecordId
from zhifa.core.versioning import add_version
from zhifa.enforcement.models import PowerItem

KIND_LABELS = {
    "power_item": "权力事项",
    "service_guide": "办事指南",
    "random_check": "随机抽查事项",
}


@dataclass(frozen=True)
class Affected:
    kind: str  # power_item | service_guide | random_check
    id: int
    version: int
    code: str
    name: str
    cited: str  # the places of the law it cites, e.g. 第六十五条；第一百零一条第二项

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def href(self) -> str:
        paths = {
            "power_item": f"/app/catalog/power-items/{self.id}",
            "service_guide": f"/app/catalog/guides/{self.id}",
            "random_check": f"/app/catalog/random-checks/{self.id}",
        }
        return paths[self.kind]


def _labels(citations: list[Citation], law_id: int) -> str:
    return "；".join(dict.fromkeys(c.label for c in citations if c.article.law_id == law_id))


def affected_by(db: Session, law_id: int) -> list[Affected]:
    """Current versions that cite any article of the law, and the guides of such items."""
    found: list[Affected] = []
    items = db.execute(
        select(PowerItem, PowerItemVersion)
        .join(PowerItemVersion, PowerItemVersion.power_item_id == PowerItem.id)
        .join(Citation, Citation.power_item_version_id == PowerItemVersion.id)
        .join(Article, Article.id == Citation.article_id)
        .where(PowerItemVersion.version == PowerItem.current_version, Article.law_id == law_id)
        .distinct()
        .order_by(PowerItem.code)
    ).all()
    for item, version in items:
        cited = _labels(version.citations, law_id)
        found.append(
            Affected("power_item", item.id, version.version, item.code, version.name, cited)
        )
    guides = db.scalars(
        select(ServiceGuide).where(ServiceGuide.power_item_id.in_([i.id for i, _ in items]))
    )
    names = {item.id: (item.code, version.name, version.citations) for item, version in items}
    for guide in guides:
        code, name, citations = names[guide.power_item_id]
        found.append(
            Affected(
                "service_guide",
                guide.id,
                guide.current_version,
                code,
                f"{name}办事指南",
                _labels(citations, law_id),
            )
        )
    checks = db.execute(
        select(RandomCheckItem, RandomCheckVersion)
        .join(RandomCheckVersion, RandomCheckVersion.item_id == RandomCheckItem.id)
        .join(Citation, Citation.random_check_version_id == RandomCheckVersion.id)
        .join(Article, Article.id == Citation.article_id)
        .where(RandomCheckVersion.version == RandomCheckItem.current_version)
        .where(Article.law_id == law_id)
        .distinct()
        .order_by(RandomCheckItem.code)
    ).all()
    for check, version in checks:
        cited = _labels(version.citations, law_id)
        found.append(
            Affected("random_check", check.id, version.version, check.code, version.name, cited)
        )
    return found


class LawChangeIn(BaseModel):
    kind: ChangeKind
    effective_on: date
    replaced_by_id: BodyRecordId | None = None
    reason: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _replacement(self) -> Self:
        self.reason = self.reason.strip()
        if not self.reason:
            raise DomainError("变更原因不能为空", "reason")
        if self.kind is ChangeKind.replaced and self.replaced_by_id is None:
            raise DomainError("被替代时须选择替代它的新法规", "replaced_by_id")
        return self


def record_law_change(
    db: Session, law_id: int, data: LawChangeIn, who: Principal | None
) -> tuple[LawChange, list[Affected]]:
    """Save the change as the law's next version and record what cited it, ledgered."""
    view = get_law(db, law_id)
    if data.replaced_by_id is not None:
        if data.replaced_by_id == law_id:
            raise DomainError("法规不能被自身替代", "replaced_by_id")
        get_law(db, data.replaced_by_id)
    dates = rules.dates_after_change(view.dates, data.kind, data.effective_on)
    current = view.current
    fields: dict[str, Any] = {
        "amended_on": dates.amended_on,
        "repealed_on": dates.repealed_on,
        "replaced_by_id": data.replaced_by_id or current.replaced_by_id,
    }
    version = add_version(
        db,
        entity=view.law,
        current=current,
        version_model=LawVersion,
        link="law_id",
        fields={
            **{k: getattr(current, k) for k in ("title", "level", "issuing_body", "doc_number")},
            **{k: getattr(current, k) for k in ("edition", "published_on", "effective_on")},
            **fields,
        },
        reason=f"{rules.CHANGE_LABELS[data.kind]}：{data.reason}",
        who=who,
        kind="law.change",
    )
    affected = affected_by(db, law_id)
    change = LawChange(
        law_id=law_id,
        kind=data.kind,
        effective_on=data.effective_on,
        replaced_by_id=data.replaced_by_id,
        law_version=version.version,
        reason=data.reason,
        affected=[asdict(a) for a in affected],
        created_by=who.user_id if who else None,
    )
    db.add(change)
    record_change(db, actor_name(who), "law.change.impact", change)
    update_obligations.for_law_change(db, change, who)
    return change, affected


def law_changes(db: Session, law_id: int) -> list[LawChange]:
    query = select(LawChange).where(LawChange.law_id == law_id).order_by(LawChange.id.desc())
    return list(db.scalars(query))

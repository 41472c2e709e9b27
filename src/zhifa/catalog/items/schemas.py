"""What the items API answers: a power item or random-check item with its current version
and history, a service guide, a power-item import's report."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from zhifa.catalog.file_rows import ImportMode
from zhifa.catalog.items import imports as item_imports
from zhifa.catalog.items import service as items
from zhifa.catalog.models import PowerItemVersion, RandomCheckVersion
from zhifa.enforcement.steps import ActionKind

GUIDE_FIELDS = tuple(items.GuideDetails.model_fields)


class CitationOut(BaseModel):
    article_id: int
    law_id: int
    label: str


class PowerItemVersionOut(BaseModel):
    version: int
    name: str
    kind: ActionKind
    field: str
    unit_id: int | None
    basis: str
    duties: str
    accountability: str
    reason: str
    created_at: datetime
    citations: list[CitationOut]

    @classmethod
    def of(cls, v: PowerItemVersion) -> PowerItemVersionOut:
        cited = [
            CitationOut(article_id=c.article_id, law_id=c.article.law_id, label=c.label)
            for c in v.citations
        ]
        return cls(
            citations=cited, **{k: getattr(v, k) for k in cls.model_fields if k != "citations"}
        )


class PowerItemDetailOut(BaseModel):
    id: int
    code: str
    current: PowerItemVersionOut | None
    history: list[PowerItemVersionOut]

    @classmethod
    def of(cls, db: Session, view: items.PowerItemView) -> PowerItemDetailOut:
        history = items.power_item_history(db, view.item)
        return cls(
            id=view.item.id,
            code=view.item.code,
            current=PowerItemVersionOut.of(view.current) if view.current else None,
            history=[PowerItemVersionOut.of(v) for v in history],
        )


class GuideOut(BaseModel):
    id: int
    power_item_id: int
    version: int
    conditions: str
    materials: str
    procedure: str
    time_limit: str
    fees: str
    place: str
    contacts: str

    @classmethod
    def of(cls, view: items.GuideView) -> GuideOut:
        fields = {k: getattr(view.current, k) for k in (*GUIDE_FIELDS, "version")}
        return cls(id=view.guide.id, power_item_id=view.item.id, **fields)


class RandomCheckVersionOut(BaseModel):
    version: int
    name: str
    basis: str
    targets: str
    method: str
    frequency: str
    unit_id: int | None
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, v: RandomCheckVersion) -> RandomCheckVersionOut:
        return cls(**{k: getattr(v, k) for k in cls.model_fields})


class RandomCheckOut(BaseModel):
    id: int
    code: str
    current: RandomCheckVersionOut
    history: list[RandomCheckVersionOut]

    @classmethod
    def of(cls, db: Session, view: items.RandomCheckView) -> RandomCheckOut:
        history = items.random_check_history(db, view.item)
        return cls(
            id=view.item.id,
            code=view.item.code,
            current=RandomCheckVersionOut.of(view.current),
            history=[RandomCheckVersionOut.of(v) for v in history],
        )


class ItemImportOut(BaseModel):
    mode: ImportMode
    found: int
    imported: int
    errors: list[str]
    skipped: list[str]

    @classmethod
    def of(cls, report: item_imports.ItemImportReport) -> ItemImportOut:
        return cls(
            mode=report.mode,
            found=report.found,
            imported=report.imported,
            errors=[str(e) for e in report.errors],
            skipped=report.skipped,
        )

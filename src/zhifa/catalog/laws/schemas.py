"""What the laws API answers: a law with its articles, the impact of a change, an import's
report."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from zhifa.catalog import rules
from zhifa.catalog.file_rows import ImportMode
from zhifa.catalog.impact import Affected
from zhifa.catalog.laws import service as laws
from zhifa.catalog.updates.schemas import UpdateOut
from zhifa.core.clock import today

LAW_FIELDS = tuple(laws.LawDetails.model_fields)


class ArticleOut(BaseModel):
    id: int
    label: str
    text: str


class LawOut(BaseModel):
    id: int
    version: int
    title: str
    level: rules.LawLevel
    issuing_body: str
    doc_number: str
    edition: str
    published_on: date
    effective_on: date
    amended_on: date | None
    repealed_on: date | None
    replaced_by_id: int | None
    status_today: rules.LawStatus
    articles: list[ArticleOut]

    @classmethod
    def of(cls, view: laws.LawView) -> LawOut:
        c = view.current
        return cls(
            id=view.law.id,
            version=c.version,
            status_today=view.status(today()),
            articles=[
                ArticleOut(id=a.id, label=laws.ref_of(a).label, text=a.text)
                for a in view.law.articles
            ],
            **{k: getattr(c, k) for k in (*LAW_FIELDS, "replaced_by_id")},
        )


class AffectedOut(BaseModel):
    kind: str
    id: int
    version: int
    code: str
    name: str
    cited: str

    @classmethod
    def of(cls, item: Affected) -> AffectedOut:
        return cls(**{k: getattr(item, k) for k in cls.model_fields})


class ImpactOut(BaseModel):
    law_id: int
    count: int
    message: str
    items: list[AffectedOut]


class LawChangeOut(BaseModel):
    id: int
    law: LawOut
    affected: list[AffectedOut]
    updates: list[UpdateOut]  # the update obligations it opened, with their due days


class ImportOut(BaseModel):
    mode: ImportMode
    laws_found: int
    laws_imported: int
    articles_imported: int
    errors: list[str]
    skipped: list[str]

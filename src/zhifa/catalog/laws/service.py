"""Use cases of laws (法律法规规章) and their articles: register, revise (a new version),
add articles, and resolve citations such as 《安全生产法》第六十二条 to stored articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog import rules
from zhifa.catalog.models import Article, Law, LawVersion
from zhifa.catalog.rules import ArticleRef, LawDates, LawLevel, LawStatus
from zhifa.catalog.versions import current_of, history_of, save_version
from zhifa.core.audit import record_change
from zhifa.core.auth import Principal, actor_name
from zhifa.core.errors import Conflict, DomainError, NotFound

LEVEL_BY_LABEL = {label: level for level, label in rules.LEVEL_LABELS.items()}


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class LawDetails(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    level: LawLevel
    issuing_body: str = Field(min_length=1, max_length=200)
    doc_number: str = Field(default="", max_length=100)
    edition: str = Field(default="", max_length=100)
    published_on: date
    effective_on: date
    amended_on: date | None = None
    repealed_on: date | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _level_label(cls, value: Any) -> Any:
        level = LEVEL_BY_LABEL.get(value, value) if isinstance(value, str) else value
        if not isinstance(level, str) or level not in set(LawLevel):  # {} or [] is unhashable
            raise ValueError(f"应为{'、'.join(rules.LEVEL_LABELS.values())}之一")
        return level

    @field_validator("amended_on", "repealed_on", mode="before")
    @classmethod
    def _optional_date(cls, value: Any) -> Any:
        return _blank_to_none(value)

    @field_validator("title", "issuing_body", "doc_number", "edition")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _dates(self) -> Self:
        rules.check_dates(self.dates)
        if not self.title.strip("《》 "):
            raise DomainError("标题不能为空", "title")
        if not self.issuing_body:
            raise DomainError("制定机关不能为空", "issuing_body")
        self.title = self.title.strip("《》 ")
        return self

    @property
    def dates(self) -> LawDates:
        return LawDates(self.published_on, self.effective_on, self.amended_on, self.repealed_on)


class ArticleIn(BaseModel):
    article: str = Field(min_length=1, max_length=30)  # 第六十二条
    paragraph: str = Field(default="", max_length=20)  # 第一款
    item: str = Field(default="", max_length=20)  # 第三项
    text: str = Field(default="", max_length=5000)

    @field_validator("article", "paragraph", "item", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _ref(self) -> Self:
        self.text = self.text.strip()
        rules.article_ref(self.article, self.paragraph, self.item)
        return self

    @property
    def ref(self) -> ArticleRef:
        return rules.article_ref(self.article, self.paragraph, self.item)


class LawIn(LawDetails):
    articles: list[ArticleIn] = Field(default_factory=list)


class LawRevision(LawDetails):
    reason: str = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class LawView:
    law: Law
    current: LawVersion

    def status(self, on: date) -> LawStatus:
        c = self.current
        return rules.law_status(
            LawDates(c.published_on, c.effective_on, c.amended_on, c.repealed_on), on
        )

    @property
    def dates(self) -> LawDates:
        c = self.current
        return LawDates(c.published_on, c.effective_on, c.amended_on, c.repealed_on)


def ref_of(article: Article) -> ArticleRef:
    return ArticleRef(article.article, article.paragraph, article.item)


def list_laws(db: Session) -> list[LawView]:
    query = select(Law, LawVersion).join(
        LawVersion, (LawVersion.law_id == Law.id) & (LawVersion.version == Law.current_version)
    )
    rows = [LawView(law, version) for law, version in db.execute(query)]
    return sorted(rows, key=lambda v: (list(LawLevel).index(v.current.level), v.current.title))


def get_law(db: Session, law_id: int) -> LawView:
    law = db.get(Law, law_id)
    current = current_of(db, law, LawVersion, "law_id") if law else None
    if law is None or current is None:
        raise NotFound("法规不存在")
    return LawView(law, current)


def law_history(db: Session, law: Law) -> list[LawVersion]:
    return history_of(db, law, LawVersion, "law_id")


def _same_title_taken(db: Session, data: LawDetails, except_law: int | None) -> bool:
    return any(
        view.current.title == data.title
        and view.current.edition == data.edition
        and view.law.id != except_law
        for view in list_laws(db)
    )


def _law_fields(data: LawDetails) -> dict[str, Any]:
    return data.model_dump(include=set(LawDetails.model_fields))


def create_law(db: Session, data: LawIn, who: Principal | None) -> LawView:
    if _same_title_taken(db, data, None):
        raise Conflict(f"《{data.title}》{data.edition}已登记", "title")
    law = Law(created_by=who.user_id if who else None)
    db.add(law)
    db.flush()
    version = save_version(
        db,
        entity=law,
        version_model=LawVersion,
        link="law_id",
        fields={**_law_fields(data), "replaced_by_id": None},
        reason="登记",
        who=who,
        kind="law.create",
    )
    for article in data.articles:
        add_article(db, law, article, who)
    return LawView(law, version)


def revise_law(db: Session, law_id: int, data: LawRevision, who: Principal | None) -> LawView:
    view = get_law(db, law_id)
    if _same_title_taken(db, data, law_id):
        raise Conflict(f"《{data.title}》{data.edition}已登记", "title")
    version = save_version(
        db,
        entity=view.law,
        version_model=LawVersion,
        link="law_id",
        fields={**_law_fields(data), "replaced_by_id": view.current.replaced_by_id},
        reason=data.reason,
        who=who,
        kind="law.revise",
    )
    return LawView(view.law, version)


def add_article(db: Session, law: Law, data: ArticleIn, who: Principal | None) -> Article:
    ref = data.ref
    existing = {ref_of(a) for a in db.scalars(select(Article).where(Article.law_id == law.id))}
    if ref in existing:
        raise Conflict(f"{ref.label}已登记", "article")
    article = Article(
        law_id=law.id,
        article=ref.article,
        paragraph=ref.paragraph,
        item=ref.item,
        text=data.text,
        created_by=who.user_id if who else None,
    )
    db.add(article)
    record_change(db, actor_name(who), "law.article.add", article)
    return article


# ---- citations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedCitation:
    article: Article
    law_title: str
    label: str  # the exact place cited, e.g. 第一百零一条第二项

    @property
    def text(self) -> str:
        return f"《{rules.short_title(self.law_title)}》{self.label}"


def _law_for_title(db: Session, title: str, field: str) -> LawView:
    wanted = rules.short_title(title)
    matches = [v for v in list_laws(db) if rules.short_title(v.current.title) == wanted]
    live = [v for v in matches if v.current.amended_on is None and v.current.repealed_on is None]
    chosen = live or matches
    if not chosen:
        raise DomainError(f"法律依据引用的《{title}》尚未登记，请先在“法律法规”中登记", field)
    if len(chosen) > 1:
        raise DomainError(f"《{title}》有多个现行文本，无法确定引用哪一个", field)
    return chosen[0]


def resolve_citations(db: Session, text: str, field: str = "basis") -> list[ResolvedCitation]:
    """Each citation of ``text`` bound to a stored article (the most specific stored part
    that contains the cited place); an unknown law or article is refused."""
    resolved: list[ResolvedCitation] = []
    for cited in rules.parse_citations(text, field):
        view = _law_for_title(db, cited.title, field)
        stored = {ref_of(a): a for a in view.law.articles}
        article = next((stored[r] for r in cited.ref.broader() if r in stored), None)
        if article is None:
            raise DomainError(
                f"《{cited.title}》没有登记{cited.ref.number}，不能引用{cited.ref.label}", field
            )
        resolved.append(ResolvedCitation(article, view.current.title, cited.ref.label))
    return resolved


def citation_text(citations: list[ResolvedCitation]) -> str:
    return "；".join(c.text for c in citations)

"""Tables of the 事前公示 catalogue: laws and their articles, the versions of power items
(the item itself is enforcement's `PowerItem`), service guides, the random-check list,
citations of articles, and recorded law changes.

Everything published is a version: an edit adds the next version (core.versioning), the
current one is the entity's ``current_version``; each version is what a catalogue snapshot
will freeze. Every row changes only through core.audit.record_change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhifa.catalog.rules import ChangeKind, LawLevel
from zhifa.core.db import Base, enum_type, utcnow
from zhifa.enforcement.steps import ActionKind

# ---- laws ---------------------------------------------------------------------------------


class Law(Base):
    """法律法规规章: one text (a revision that replaces it is a law of its own or a change)."""

    __tablename__ = "law"

    id: Mapped[int] = mapped_column(primary_key=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    articles: Mapped[list[Article]] = relationship(
        order_by="(Article.article, Article.paragraph, Article.item)", lazy="selectin"
    )


class LawVersion(Base):
    __tablename__ = "law_version"
    __table_args__ = (UniqueConstraint("law_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("law.id"), index=True)
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), index=True)
    level: Mapped[LawLevel] = mapped_column(enum_type(LawLevel))
    issuing_body: Mapped[str] = mapped_column(String(200))  # 制定机关
    doc_number: Mapped[str] = mapped_column(String(100), default="")  # 文号 / 主席令号
    edition: Mapped[str] = mapped_column(String(100), default="")  # 版本说明, e.g. 2021年修正
    published_on: Mapped[date]
    effective_on: Mapped[date]
    amended_on: Mapped[date | None]
    repealed_on: Mapped[date | None]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("law.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Article(Base):
    """An article (条) or a paragraph (款) or item (项) of one, with its text."""

    __tablename__ = "law_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("law.id"), index=True)
    article: Mapped[int]
    paragraph: Mapped[int | None]
    item: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class LawChange(Base):
    """A law marked revised, repealed or replaced, with the day it takes effect and what
    cited it at that moment: the source of the update obligations (公示办法第八条)."""

    __tablename__ = "law_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    law_id: Mapped[int] = mapped_column(ForeignKey("law.id"), index=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind))
    effective_on: Mapped[date]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("law.id"))
    law_version: Mapped[int]  # the law's version that records the change
    reason: Mapped[str] = mapped_column(String(200))
    # [{"kind": "power_item"|"service_guide"|"random_check", "id", "version", "code", "name"}]
    affected: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# ---- power items (the entity is enforcement.models.PowerItem) -----------------------------


class PowerItemVersion(Base):
    """One version of a 执法权力事项 as the 权责清单 lists it."""

    __tablename__ = "power_item_version"
    __table_args__ = (UniqueConstraint("power_item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    power_item_id: Mapped[int] = mapped_column(ForeignKey("power_item.id"), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ActionKind] = mapped_column(enum_type(ActionKind))
    field: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # 实施主体/责任单位
    basis: Mapped[str] = mapped_column(String(500))  # the citations, as text
    duties: Mapped[str] = mapped_column(Text, default="")  # 责任事项
    accountability: Mapped[str] = mapped_column(Text, default="")  # 追责情形
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    citations: Mapped[list[Citation]] = relationship(
        order_by="Citation.position",
        lazy="selectin",
        primaryjoin="PowerItemVersion.id == Citation.power_item_version_id",
    )


class ServiceGuide(Base):
    """办事指南 of a licence item (one per item)."""

    __tablename__ = "service_guide"

    id: Mapped[int] = mapped_column(primary_key=True)
    power_item_id: Mapped[int] = mapped_column(ForeignKey("power_item.id"), unique=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ServiceGuideVersion(Base):
    __tablename__ = "service_guide_version"
    __table_args__ = (UniqueConstraint("guide_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("service_guide.id"), index=True)
    version: Mapped[int]
    conditions: Mapped[str] = mapped_column(Text)  # 申请条件
    materials: Mapped[str] = mapped_column(Text)  # 申请材料
    procedure: Mapped[str] = mapped_column(Text)  # 办理流程
    time_limit: Mapped[str] = mapped_column(String(200))  # 办理时限
    fees: Mapped[str] = mapped_column(String(200))  # 收费标准
    place: Mapped[str] = mapped_column(Text)  # 办理地点与方式
    contacts: Mapped[str] = mapped_column(String(300))  # 咨询与监督电话
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


# ---- the random-check list (随机抽查事项清单) ---------------------------------------------


class RandomCheckItem(Base):
    __tablename__ = "random_check_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RandomCheckVersion(Base):
    __tablename__ = "random_check_version"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("random_check_item.id"), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))  # 抽查事项
    basis: Mapped[str] = mapped_column(String(500))  # 抽查依据 (citations, as text)
    targets: Mapped[str] = mapped_column(String(300))  # 抽查对象
    method: Mapped[str] = mapped_column(String(300))  # 抽查方式
    frequency: Mapped[str] = mapped_column(String(100))  # 抽查比例与频次
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # 检查主体
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    citations: Mapped[list[Citation]] = relationship(
        order_by="Citation.position",
        lazy="selectin",
        primaryjoin="RandomCheckVersion.id == Citation.random_check_version_id",
    )


class Citation(Base):
    """A version of a power item or random-check item cites an article. ``label`` is the
    exact place cited (第一百零一条第二项), which may be narrower than the stored article."""

    __tablename__ = "article_citation"
    __table_args__ = (
        CheckConstraint(
            "(power_item_version_id IS NULL) <> (random_check_version_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    power_item_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("power_item_version.id"), index=True
    )
    random_check_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("random_check_version.id"), index=True
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("law_article.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(default=0)

    article: Mapped[Article] = relationship(lazy="joined")

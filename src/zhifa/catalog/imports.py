"""Importing laws and their articles from CSV, XLSX or JSON (format: docs/catalog-import.md).

Every row is checked before anything is written; each bad row is reported by where it is
(第 12 行 in a table, 第 2 部法规第 3 个条文 in JSON). The person chooses: import nothing
if any row is bad (``all``), or only the good laws (``good``). A law is the unit: if one of
its rows is bad, none of its rows is imported, so no law is ever half-written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhifa.catalog.file_rows import (
    FileFormat,
    ImportMode,
    Row,
    RowError,
    cell,
    json_list,
)
from zhifa.catalog.laws.service import ArticleIn, LawDetails, LawIn, create_law, list_laws
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.validation import describe

# Column headings of the table formats (CSV, XLSX), in order, and their field names.
COLUMNS: dict[str, str] = {
    "标题": "title",
    "层级": "level",
    "制定机关": "issuing_body",
    "文号": "doc_number",
    "版本说明": "edition",
    "公布日期": "published_on",
    "施行日期": "effective_on",
    "修改日期": "amended_on",
    "废止日期": "repealed_on",
    "条": "article",
    "款": "paragraph",
    "项": "item",
    "条文": "text",
}
LAW_FIELDS = tuple(LawDetails.model_fields)
ARTICLE_FIELDS = ("article", "paragraph", "item", "text")


@dataclass
class ImportReport:
    mode: ImportMode
    laws_found: int = 0
    laws_imported: int = 0
    articles_imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # titles of laws not imported

    @property
    def imported_anything(self) -> bool:
        return self.laws_imported > 0


def _json_rows(document: Any) -> list[Row]:
    """{"laws": [{…, "articles": [{…}]}]} → one row per article (or per law without)."""
    rows: list[Row] = []
    for i, law in enumerate(json_list(document, "laws"), start=1):
        if not isinstance(law, dict):
            rows.append(Row(f"第 {i} 部法规", {"title": "", "_bad": "应为对象"}))
            continue
        head = {k: cell(law.get(k)) for k in LAW_FIELDS}
        articles = law.get("articles") or []
        if not isinstance(articles, list) or not articles:
            rows.append(Row(f"第 {i} 部法规", head))
            continue
        for j, article in enumerate(articles, start=1):
            values = (
                {k: cell(article.get(k)) for k in ARTICLE_FIELDS}
                if isinstance(article, dict)
                else {"_bad": "条文应为对象"}
            )
            rows.append(Row(f"第 {i} 部法规第 {j} 个条文", head | values))
    return rows


LAW_FILE = FileFormat(COLUMNS, ("标题", "层级", "制定机关", "公布日期", "施行日期"), _json_rows)


def message_of(exc: ValidationError | DomainError) -> str:
    return describe(exc).message if isinstance(exc, ValidationError) else exc.message


# ---- checking and writing -----------------------------------------------------------------


@dataclass
class _Group:
    law: LawDetails | None
    head: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    articles: list[ArticleIn] = field(default_factory=list)
    bad: bool = False


def _check_row(
    row: Row, groups: dict[tuple[str, str], _Group], taken: set[tuple[str, str]]
) -> str | None:
    """Add the row to its law's group; the error message if the row is bad."""
    if "_bad" in row.values:
        return row.values["_bad"]
    head = {k: row.values.get(k, "") for k in LAW_FIELDS}
    key = (head["title"].strip("《》 "), head["edition"])
    group = groups.get(key)
    if group is None:
        try:
            law = LawDetails.model_validate(head)
        except (ValidationError, DomainError) as exc:
            groups[key] = _Group(None, head, [row], bad=True)
            return message_of(exc)
        group = groups[key] = _Group(law, head)
        if (law.title, law.edition) in taken:
            group.rows.append(row)
            group.bad = True
            return f"《{law.title}》{law.edition}已登记，不能重复导入"
    group.rows.append(row)
    if group.law is None:
        group.bad = True
        return "同一法规的信息有误（见该法规的第一行）"
    if head != group.head:
        group.bad = True
        return "与同一法规前面各行的法规信息不一致"
    if not row.values.get("article"):
        return None
    try:
        article = ArticleIn.model_validate({k: row.values.get(k, "") for k in ARTICLE_FIELDS})
    except (ValidationError, DomainError) as exc:
        group.bad = True
        return message_of(exc)
    if article.ref in {a.ref for a in group.articles}:
        group.bad = True
        return f"{article.ref.label}在同一法规中重复"
    group.articles.append(article)
    return None


def import_laws(
    db: Session, rows: list[Row], mode: ImportMode, who: Principal | None
) -> ImportReport:
    """Check every row, then write (in the caller's transaction) what the mode allows."""
    report = ImportReport(mode)
    taken = {(v.current.title, v.current.edition) for v in list_laws(db)}
    groups: dict[tuple[str, str], _Group] = {}
    for row in rows:
        message = _check_row(row, groups, taken)
        if message:
            report.errors.append(RowError(row.where, message))
    report.laws_found = len(groups)
    if report.errors and mode is ImportMode.all:
        report.skipped = [title for title, _ in groups]
        return report
    for (title, _), group in groups.items():
        if group.bad or group.law is None:
            report.skipped.append(title)
            continue
        data = LawIn(**group.law.model_dump(), articles=group.articles)
        create_law(db, data, who)
        report.laws_imported += 1
        report.articles_imported += len(group.articles)
    return report

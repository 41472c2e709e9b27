"""Importing laws and their articles from CSV, XLSX or JSON (format: docs/catalog-import.md).

Every row is checked before anything is written; each bad row is reported by where it is
(第 12 行 in a table, 第 2 部法规第 3 个条文 in JSON). The person chooses: import nothing
if any row is bad (``all``), or only the good laws (``good``). A law is the unit: if one of
its rows is bad, none of its rows is imported, so no law is ever half-written."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhifa.catalog.laws import ArticleIn, LawDetails, LawIn, create_law, list_laws
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
MAX_BYTES = 5 * 1024 * 1024


class ImportMode(StrEnum):
    all = "all"  # 有错误时全部不导入
    good = "good"  # 只导入无错误的法规


@dataclass(frozen=True)
class Row:
    where: str  # 第 12 行 / 第 2 部法规第 3 个条文
    values: dict[str, str]


@dataclass(frozen=True)
class RowError:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}"


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


# ---- reading the three formats ----------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_rows(records: list[list[Any]], first_line: int = 1) -> list[Row]:
    if not records:
        raise DomainError("文件是空的", "file")
    heading = [_cell(v) for v in records[0]]
    unknown = [h for h in heading if h and h not in COLUMNS]
    missing = [h for h in ("标题", "层级", "制定机关", "公布日期", "施行日期") if h not in heading]
    if unknown or missing:
        problems = []
        if missing:
            problems.append(f"缺少列：{'、'.join(missing)}")
        if unknown:
            problems.append(f"无法识别的列：{'、'.join(unknown)}")
        raise DomainError(f"第 {first_line} 行（表头）：{'；'.join(problems)}", "file")
    rows = []
    for offset, record in enumerate(records[1:], start=first_line + 1):
        cells = [_cell(v) for v in record]
        if not any(cells):
            continue
        values = {
            COLUMNS[h]: cells[i] if i < len(cells) else "" for i, h in enumerate(heading) if h
        }
        rows.append(Row(f"第 {offset} 行", values))
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("无法识别文件编码，请以 UTF-8 保存", "file")


def read_csv(data: bytes) -> list[Row]:
    return _table_rows(list(csv.reader(io.StringIO(_decode(data)))))


def read_xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DomainError("无法读取 XLSX 文件（文件损坏或不是 Excel 工作簿）", "file") from exc
    sheet = book.worksheets[0]
    records = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return _table_rows(records)


def read_json(data: bytes) -> list[Row]:
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise DomainError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）", "file") from exc
    laws = document.get("laws") if isinstance(document, dict) else None
    if not isinstance(laws, list):
        raise DomainError('JSON 应为 {"laws": [ … ]}', "file")
    rows: list[Row] = []
    for i, law in enumerate(laws, start=1):
        if not isinstance(law, dict):
            rows.append(Row(f"第 {i} 部法规", {"title": "", "_bad": "应为对象"}))
            continue
        head = {k: _cell(law.get(k)) for k in LAW_FIELDS}
        articles = law.get("articles") or []
        if not isinstance(articles, list) or not articles:
            rows.append(Row(f"第 {i} 部法规", head))
            continue
        for j, article in enumerate(articles, start=1):
            values = (
                {k: _cell(article.get(k)) for k in ARTICLE_FIELDS}
                if isinstance(article, dict)
                else {"_bad": "条文应为对象"}
            )
            rows.append(Row(f"第 {i} 部法规第 {j} 个条文", head | values))
    return rows


READERS = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json}


def read_rows(filename: str, data: bytes) -> list[Row]:
    if len(data) > MAX_BYTES:
        raise DomainError("文件过大（不能超过 5 MB）", "file")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    reader = READERS.get(suffix)
    if reader is None:
        raise DomainError("只支持 CSV、XLSX 或 JSON 文件", "file")
    return reader(data)


# ---- checking and writing -----------------------------------------------------------------


@dataclass
class _Group:
    law: LawDetails | None
    head: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    articles: list[ArticleIn] = field(default_factory=list)
    bad: bool = False


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return describe(exc).message
    return exc.message if isinstance(exc, DomainError) else str(exc)


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
            return _message(exc)
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
        return _message(exc)
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
    if not rows:
        raise DomainError("文件中没有数据行", "file")
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

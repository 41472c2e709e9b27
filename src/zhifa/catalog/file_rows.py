"""Reading an import file (CSV, XLSX or JSON) into rows that say where they came from
(第 12 行 in a table), for the catalogue's imports. What the rows mean is the caller's."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.requests import Request

from zhifa.core.errors import DomainError
from zhifa.core.validation import parse

MAX_BYTES = 5 * 1024 * 1024


class ImportMode(StrEnum):
    all = "all"  # 有错误时全部不导入
    good = "good"  # 只导入没有错误的部分


class ModeIn(BaseModel):
    mode: ImportMode = ImportMode.all


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


@dataclass(frozen=True)
class FileFormat:
    columns: dict[str, str]  # table heading → field name
    required: tuple[str, ...]  # headings a table must have
    json_rows: Callable[[Any], list[Row]]  # rows of the parsed JSON document


def cell(value: Any) -> str:
    """A cell or JSON value as text (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_rows(records: list[list[Any]], spec: FileFormat) -> list[Row]:
    if not records:
        raise DomainError("文件是空的", "file")
    heading = [cell(v) for v in records[0]]
    unknown = [h for h in heading if h and h not in spec.columns]
    missing = [h for h in spec.required if h not in heading]
    if unknown or missing:
        problems = []
        if missing:
            problems.append(f"缺少列：{'、'.join(missing)}")
        if unknown:
            problems.append(f"无法识别的列：{'、'.join(unknown)}")
        raise DomainError(f"第 1 行（表头）：{'；'.join(problems)}", "file")
    rows = []
    for line, record in enumerate(records[1:], start=2):
        cells = [cell(v) for v in record]
        if any(cells):
            values = {
                spec.columns[h]: cells[i] if i < len(cells) else ""
                for i, h in enumerate(heading)
                if h
            }
            rows.append(Row(f"第 {line} 行", values))
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError("无法识别文件编码，请以 UTF-8 保存", "file")


def _csv(data: bytes, spec: FileFormat) -> list[Row]:
    return _table_rows(list(csv.reader(io.StringIO(_decode(data)))), spec)


def _xlsx(data: bytes, spec: FileFormat) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DomainError("无法读取 XLSX 文件（文件损坏或不是 Excel 工作簿）", "file") from exc
    records = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return _table_rows(records, spec)


def _json(data: bytes, spec: FileFormat) -> list[Row]:
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise DomainError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）", "file") from exc
    return spec.json_rows(document)


def json_list(document: Any, key: str) -> list[Any]:
    """``document[key]`` if the document is {key: [ … ]}; a clear error otherwise."""
    found = document.get(key) if isinstance(document, dict) else None
    if not isinstance(found, list):
        raise DomainError(f'JSON 应为 {{"{key}": [ … ]}}', "file")
    return found


_READERS = {"csv": _csv, "xlsx": _xlsx, "json": _json}


def read_rows(filename: str, data: bytes, spec: FileFormat) -> list[Row]:
    if len(data) > MAX_BYTES:
        raise DomainError("文件过大（不能超过 5 MB）", "file")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    reader = _READERS.get(suffix)
    if reader is None:
        raise DomainError("只支持 CSV、XLSX 或 JSON 文件", "file")
    rows = reader(data, spec)
    if not rows:
        raise DomainError("文件中没有数据行", "file")
    return rows


@dataclass(frozen=True)
class ImportUpload:
    """What an import page's form sent: the file (name and bytes) and the chosen mode."""

    filename: str
    content: bytes
    mode: str

    def rows(self, spec: FileFormat) -> list[Row]:
        if not self.filename:
            raise DomainError("请选择要导入的文件", "file")
        return read_rows(self.filename, self.content, spec)

    def chosen_mode(self) -> ImportMode:
        return parse(ModeIn, {"mode": self.mode}).mode


async def import_upload(request: Request) -> ImportUpload:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return ImportUpload("", b"", str(form.get("mode", "all")))
    content = await upload.read()
    return ImportUpload(upload.filename or "", content, str(form.get("mode", "all")))


def report_status(errors: object, imported_anything: bool) -> int:
    """422 when a file had errors and nothing was imported; else 200 (a partial import)."""
    return 422 if errors and not imported_anything else 200

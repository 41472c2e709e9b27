"""Importing power items (权责清单) from CSV, XLSX or JSON (format: docs/catalog-import.md).

Each row is one item; every row is checked — fields, the responsible unit, every citation
against the registered articles, codes already used — before anything is written. As for
laws, the person chooses: nothing if any row is bad, or only the good rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.catalog.file_rows import FileFormat, ImportMode, Row, RowError, cell, json_list
from zhifa.catalog.imports import message_of
from zhifa.catalog.items import service as items
from zhifa.catalog.laws.service import resolve_citations
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.models import Unit
from zhifa.enforcement.models import PowerItem
from zhifa.enforcement.steps import ACTION_KIND_LABELS

COLUMNS: dict[str, str] = {
    "编码": "code",
    "事项名称": "name",
    "类别": "kind",
    "执法领域": "field",
    "实施主体": "unit",
    "法律依据": "basis",
    "责任事项": "duties",
    "追责情形": "accountability",
}
KIND_BY_LABEL = {label: kind.value for kind, label in ACTION_KIND_LABELS.items()}


def _json_rows(document: Any) -> list[Row]:
    rows = []
    for i, item in enumerate(json_list(document, "power_items"), start=1):
        values = (
            {key: cell(item.get(key)) for key in COLUMNS.values()}
            if isinstance(item, dict)
            else {"_bad": "应为对象"}
        )
        rows.append(Row(f"第 {i} 个事项", values))
    return rows


ITEM_FILE = FileFormat(COLUMNS, ("编码", "事项名称", "类别", "法律依据"), _json_rows)


@dataclass
class ItemImportReport:
    mode: ImportMode
    found: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # codes not imported

    @property
    def imported_anything(self) -> bool:
        return self.imported > 0


def _item(db: Session, values: dict[str, str], units: dict[str, int]) -> items.PowerItemIn:
    """The row as a checked item; DomainError or ValidationError if it is bad."""
    if "_bad" in values:
        raise DomainError(values["_bad"])
    unit = values.get("unit", "")
    if unit and unit not in units:
        raise DomainError(f"实施主体“{unit}”不是本局的单位", "unit_id")
    data = {key: values.get(key, "") for key in COLUMNS.values() if key != "unit"}
    data["kind"] = KIND_BY_LABEL.get(data["kind"], data["kind"])
    if data["kind"] not in KIND_BY_LABEL.values():
        raise DomainError(f"类别应为{'、'.join(KIND_BY_LABEL)}之一", "kind")
    data["field"] = data["field"] or "安全生产"
    item = items.PowerItemIn.model_validate({**data, "unit_id": units.get(unit)})
    if not resolve_citations(db, item.basis):
        raise DomainError("法律依据为必填项", "basis")
    return item


def import_power_items(
    db: Session, rows: list[Row], mode: ImportMode, who: Principal | None
) -> ItemImportReport:
    """Check every row, then write (in the caller's transaction) what the mode allows."""
    report = ItemImportReport(mode, found=len(rows))
    units = {u.name: u.id for u in db.scalars(select(Unit))}
    taken = set(db.scalars(select(PowerItem.code)))
    good: list[items.PowerItemIn] = []
    for row in rows:
        code = row.values.get("code", "")
        try:
            item = _item(db, row.values, units)
            if item.code in taken:
                raise DomainError(f"事项编码 {item.code} 已存在")
        except (ValidationError, DomainError) as exc:
            report.errors.append(RowError(row.where, message_of(exc)))
            report.skipped.append(code)
            continue
        taken.add(item.code)
        good.append(item)
    if report.errors and mode is ImportMode.all:
        report.skipped = [row.values.get("code", "") for row in rows]
        return report
    for item in good:
        items.create_power_item(db, item, who)
        report.imported += 1
    return report

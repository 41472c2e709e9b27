"""Importing the 检查对象名录库 from CSV or XLSX (or JSON), through the catalogue's file
reader (catalog.file_rows), and the template to fill.

**All or nothing.** Every row is checked first — the fields, that the enterprise is
registered, that no code appears twice, that a change to an existing entry gives its
reason. If any row is wrong, nothing is written and every wrong row is reported by its
line (第 3 行：…). Otherwise each row adds an entry (a code not yet in the directory) or
revises one (a new version); a row identical to the current version is left alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhifa.catalog.file_rows import FileFormat, Row, RowError, cell, json_list
from zhifa.catalog.imports import message_of
from zhifa.core.auth import Principal
from zhifa.core.errors import DomainError
from zhifa.core.spreadsheet import csv_bytes, xlsx_bytes
from zhifa.inspection.subjects import rules
from zhifa.inspection.subjects import service as subjects

COLUMNS: dict[str, str] = {
    "统一社会信用代码": "uscc",
    "行业代码": "industry_code",
    "风险等级": "risk_grade",
    "属地": "street",
    "特殊标识": "special_flags",
    "许可状态": "licence_state",
    "经营状态": "status",
    "纳入抽查": "in_scope",
    "变更原因": "reason",
}
REQUIRED = ("统一社会信用代码", "行业代码", "风险等级", "属地", "许可状态")
EXAMPLE = ("91310107MA1G00000Q", "C3360", "B", "桃浦镇", "粉尘涉爆、有限空间", "无需许可", "在营",
           "是", "")  # fmt: skip
_YES = {"是": True, "否": False, "": True}


def _json_rows(document: Any) -> list[Row]:
    rows = []
    for i, item in enumerate(json_list(document, "subjects"), start=1):
        values = (
            {key: cell(item.get(key)) for key in COLUMNS.values()}
            if isinstance(item, dict)
            else {"_bad": "应为对象"}
        )
        rows.append(Row(f"第 {i} 个对象", values))
    return rows


SUBJECT_FILE = FileFormat(COLUMNS, REQUIRED, _json_rows)


@dataclass
class SubjectImportReport:
    found: int = 0
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def imported_anything(self) -> bool:
        return self.added + self.revised > 0


def _details(values: dict[str, str]) -> dict[str, Any]:
    """The row's cells as the model reads them: labels to codes, 是/否 to a flag."""
    if "_bad" in values:
        raise DomainError(values["_bad"])
    data: dict[str, Any] = {k: values.get(k, "") for k in COLUMNS.values()}
    grade = data["risk_grade"].strip().upper().removesuffix("级")
    data["risk_grade"] = grade
    for key, labels in (("licence_state", rules.LICENCE_LABELS), ("status", rules.STATUS_LABELS)):
        data[key] = rules.by_label(labels, data[key]) or data[key] or None
    if not data["status"]:
        data.pop("status")
    flags = [f for f in data["special_flags"].replace(",", "、").replace("，", "、").split("、")]
    data["special_flags"] = [rules.by_label(rules.SPECIAL_FLAGS, f) or f for f in flags if f]
    data["in_scope"] = _YES.get(data["in_scope"].strip(), data["in_scope"])
    return data


_Planned = tuple[subjects.SubjectIn, subjects.SubjectView | None, str]


def _check(db: Session, row: Row, seen: set[str]) -> _Planned | None:
    """The row as a planned add or revision; None when it changes nothing."""
    data = _details(row.values)
    entry = subjects.SubjectIn.model_validate(data)
    if entry.uscc in seen:
        raise DomainError(f"统一社会信用代码 {entry.uscc} 在文件中重复", "uscc")
    seen.add(entry.uscc)
    party = subjects.enterprise_by_uscc(db, entry.uscc)
    existing = subjects.subject_of_party(db, party.id)
    if existing is None:
        return entry, None, ""
    view = subjects.get_subject(db, existing.id)
    fields = entry.model_dump(exclude={"uscc"})
    if all(getattr(view.current, k) == v for k, v in fields.items()):
        return None
    reason = data["reason"].strip()
    if not reason:
        raise DomainError("该单位已在名录中，修改须填写变更原因", "reason")
    return entry, view, reason[:200]


def import_subjects(db: Session, rows: list[Row], who: Principal | None) -> SubjectImportReport:
    """Check every row; write (in the caller's transaction) only if all are good."""
    report = SubjectImportReport(found=len(rows))
    planned: list[_Planned] = []
    seen: set[str] = set()
    for row in rows:
        try:
            plan = _check(db, row, seen)
        except (ValidationError, DomainError) as exc:
            report.errors.append(RowError(row.where, message_of(exc)))
            continue
        if plan is None:
            report.unchanged += 1
        else:
            planned.append(plan)
    if report.errors:
        return report
    for entry, view, reason in planned:
        if view is None:
            subjects.add_subject(db, entry, who)
            report.added += 1
        else:
            fields = entry.model_dump(exclude={"uscc"})
            revision = subjects.SubjectRevision(**fields, reason=reason)
            subjects.revise_subject(db, view.subject.id, revision, who)
            report.revised += 1
    return report


def template_csv() -> bytes:
    return csv_bytes([list(COLUMNS), list(EXAMPLE)])


def template_xlsx() -> bytes:
    return xlsx_bytes("检查对象名录", [list(COLUMNS), list(EXAMPLE)])

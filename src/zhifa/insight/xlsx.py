"""The overdue report as an XLSX workbook: the same rows and totals as the page. Cells are
written through `core.spreadsheet` (case titles and names are typed by people)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from zhifa.core import spreadsheet
from zhifa.insight.accountability import DUTY_LABELS, Late, Report, Total

TITLE = "行政执法公示逾期问责报告"
DATE_FORMAT = "yyyy-mm-dd"

# (header, width) of the detail sheet, in column order
COLUMNS: list[tuple[str, int]] = [
    ("类别", 10),
    ("决定书文号/编号", 34),
    ("案件", 36),
    ("单位", 18),
    ("责任人", 12),
    ("时限代码", 30),
    ("法律依据", 48),
    ("期限届满日", 13),
    ("期限暂定", 10),
    ("完成日期", 13),
    ("逾期工作日", 12),
    ("状态", 10),
]
TOTAL_COLUMNS: list[tuple[str, int]] = [
    ("名称", 24),
    ("逾期事项数", 12),
    ("其中未完成", 12),
    ("逾期工作日合计", 16),
    ("最长逾期工作日", 16),
]


def detail_values(row: Late) -> list[spreadsheet.Value]:
    """One detail row's cells, in ``COLUMNS`` order (dates as dates)."""
    d = row.duty
    return [
        DUTY_LABELS[d.kind],
        d.reference,
        d.subject,
        d.unit,
        d.person,
        d.limit_code,
        d.basis,
        d.due_on,
        "是" if d.due_provisional else "否",
        d.done_on,
        row.working_days,
        "未完成" if row.still_open else "逾期完成",
    ]


def total_values(total: Total) -> list[spreadsheet.Value]:
    return [total.name, total.count, total.still_open, total.working_days, total.worst]


def _head(sheet: Worksheet, title: str, filters: str, columns: list[tuple[str, int]]) -> None:
    spreadsheet.append(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=14)
    spreadsheet.append(sheet, [f"筛选条件：{filters}"])
    spreadsheet.append(sheet, [name for name, _ in columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=index).column_letter].width = width
    sheet.freeze_panes = "A4"


def _detail(sheet: Worksheet, report: Report, filters: str) -> None:
    _head(sheet, f"{TITLE}（截至 {report.on.isoformat()}）", filters, COLUMNS)
    for row in report.rows:
        spreadsheet.append(sheet, detail_values(row))
        for col in (8, 10):
            sheet.cell(row=sheet.max_row, column=col).number_format = DATE_FORMAT


def _totals(sheet: Worksheet, report: Report, filters: str) -> None:
    _head(sheet, f"{TITLE}：合计（截至 {report.on.isoformat()}）", filters, TOTAL_COLUMNS)
    for heading, totals in (("按单位", report.by_unit), ("按责任人", report.by_person)):
        spreadsheet.append(sheet, [heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for total in totals:
            spreadsheet.append(sheet, total_values(total))


def overdue_workbook(report: Report, filters: str) -> bytes:
    """The report as XLSX bytes: sheet 逾期明细 and sheet 合计."""
    book = Workbook()
    detail = book.active
    assert detail is not None
    detail.title = "逾期明细"
    _detail(detail, report, filters)
    _totals(book.create_sheet("合计"), report, filters)
    out = BytesIO()
    book.save(out)
    return out.getvalue()

"""The accountability report for 上一级: XLSX (cells through `core.spreadsheet`, since case
titles, names and reasons are typed by people) and PDF (`supervision.pdf`)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from zhifa.core import spreadsheet
from zhifa.core.clock import people_datetime
from zhifa.supervision import pdf
from zhifa.supervision.accountability.rules import KIND_LABELS, OUTCOME_LABELS, Instance
from zhifa.supervision.accountability.service import Report

TITLE = "行政执法问责情况报告"
TEMPLATES = Path(__file__).parent / "templates"

# (header, width), in column order
COLUMNS: list[tuple[str, int]] = [
    ("编号", 30),
    ("类别", 22),
    ("日期", 12),
    ("单位", 18),
    ("责任人", 12),
    ("违反的规定", 44),
    ("追责依据", 30),
    ("案件/记录", 36),
    ("情况", 50),
    ("处理决定", 14),
    ("决定理由", 36),
    ("决定人", 12),
    ("决定时间", 18),
]


def row_values(report: Report, row: Instance) -> list[spreadsheet.Value]:
    decided = report.decisions.get(row.key)
    return [
        row.key,
        KIND_LABELS[row.kind],
        row.day,
        row.unit or "（未能确定）",
        row.person or "（未能确定）",
        row.rule,
        row.basis,
        row.subject,
        row.detail,
        OUTCOME_LABELS[decided.row.outcome] if decided else "待决定",
        decided.row.reason if decided else "",
        decided.by if decided else "",
        people_datetime(decided.row.decided_at) if decided else "",
    ]


def workbook(report: Report, filters: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "问责事项"
    spreadsheet.append(sheet, [f"{TITLE}（截至 {report.on.isoformat()}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    spreadsheet.append(sheet, [f"筛选条件：{filters}"])
    spreadsheet.append(sheet, [name for name, _ in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=index).column_letter].width = width
    sheet.freeze_panes = "A4"
    for row in report.rows:
        spreadsheet.append(sheet, row_values(report, row))
        sheet.cell(row=sheet.max_row, column=3).number_format = "yyyy-mm-dd"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def report_html(report: Report, filters: str, bureau: str) -> str:
    return pdf.render_html(
        TEMPLATES,
        "supervision/accountability_pdf.html",
        report=report,
        filters=filters,
        bureau=bureau,
        title=TITLE,
        kinds=KIND_LABELS,
        outcomes=OUTCOME_LABELS,
    )


def report_pdf(report: Report, filters: str, bureau: str) -> bytes:
    return pdf.to_pdf(report_html(report, filters, bureau))

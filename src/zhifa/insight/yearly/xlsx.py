"""A year's figures as the statistical return for the municipal bureau (XLSX): title,
reporting unit / date / period, sections with numbered rows (序号、指标名称、计量单位、数值、
数据来源、说明), the basis note, the signature line; a second sheet of definitions. The
values are the staff page's, cell for cell; every cell through `core.spreadsheet`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhifa.core import spreadsheet
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly.service import Row, Sheet

HEADERS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("指标名称", 34),
    ("计量单位", 10),
    ("数值", 14),
    ("数据来源", 22),
    ("说明", 60),
)
DEFINITION_HEADERS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("指标名称", 34),
    ("计量单位", 10),
    ("统计口径", 90),
)
HEADER_ROW = 4
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BAND = PatternFill("solid", fgColor="DDEBF7")


def title_of(current: Sheet) -> str:
    return f"{current.title}统计表"


def cell_value(row: Row) -> spreadsheet.Value:
    """The value as a number cell (int for counts), or the text "—"."""
    if row.value == "—":
        return row.value
    number = Decimal(row.value)
    return int(number) if row.figure.places == 0 else number


def _widths(sheet: Worksheet, headers: tuple[tuple[str, int], ...]) -> None:
    for index, (_, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _header(sheet: Worksheet, headers: tuple[tuple[str, int], ...], at: int) -> None:
    for column, (name, _) in enumerate(headers, start=1):
        cell = spreadsheet.put(sheet, at, column, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = _BOX
    sheet.freeze_panes = sheet.cell(row=at + 1, column=1)


def _top(sheet: Worksheet, current: Sheet, made_on: date) -> None:
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    title = spreadsheet.put(sheet, 1, 1, title_of(current))
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center")
    spreadsheet.put(sheet, 2, 1, f"填报单位：{current.bureau}（盖章）")
    spreadsheet.put(sheet, 2, 4, f"统计期间：{current.period}")
    spreadsheet.put(sheet, 3, 1, f"填报日期：{made_on.year}年{made_on.month}月{made_on.day}日")
    spreadsheet.put(sheet, 3, 4, f"数据来源：{yearly.BASIS_LABELS[current.basis]}")


def _section(sheet: Worksheet, name: str) -> None:
    at = sheet.max_row + 1
    sheet.merge_cells(start_row=at, start_column=1, end_row=at, end_column=len(HEADERS))
    cell = spreadsheet.put(sheet, at, 1, yearly.HEADINGS[name])
    cell.font = Font(bold=True)
    cell.fill = _BAND


def _figure(sheet: Worksheet, row: Row) -> None:
    figure = row.figure
    name = f"    {figure.name}" if figure.sub else figure.name
    values: list[spreadsheet.Value] = [
        row.number,
        name,
        figure.unit,
        cell_value(row),
        row.source,
        figure.definition,
    ]
    at = sheet.max_row + 1
    for column, value in enumerate(values, start=1):
        cell = spreadsheet.put(sheet, at, column, value)
        cell.border = _BOX
        cell.alignment = Alignment(vertical="center", wrap_text=column == len(values))
        cell.font = Font(bold=bool(figure.total_of))
    number = sheet.cell(row=at, column=4)
    number.number_format = "0" if figure.places == 0 else "0." + "0" * figure.places
    number.alignment = Alignment(horizontal="right")


def _signatures(sheet: Worksheet) -> None:
    at = sheet.max_row + 2
    for column, label in ((1, "填表人："), (3, "审核人："), (5, "负责人：")):
        spreadsheet.put(sheet, at, column, f"{label}＿＿＿＿＿＿")


def _figures_sheet(sheet: Worksheet, current: Sheet, made_on: date) -> None:
    sheet.title = "年度执法数据"
    _top(sheet, current, made_on)
    _widths(sheet, HEADERS)
    _header(sheet, HEADERS, HEADER_ROW)
    for section in yearly.SECTIONS:
        _section(sheet, section)
        for row in current.rows:
            if row.figure.section == section:
                _figure(sheet, row)
    _signatures(sheet)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _definitions_sheet(sheet: Worksheet, current: Sheet) -> None:
    heading = spreadsheet.put(sheet, 1, 1, f"{title_of(current)}：指标说明")
    heading.font = Font(bold=True, size=14)
    spreadsheet.put(sheet, 2, 1, f"数据来源：{yearly.BASIS_LABELS[current.basis]}")
    _widths(sheet, DEFINITION_HEADERS)
    _header(sheet, DEFINITION_HEADERS, 3)
    for at, row in enumerate(current.rows, start=4):
        f = row.figure
        for column, value in enumerate((row.number, f.name, f.unit, f.definition), start=1):
            spreadsheet.put(sheet, at, column, value).border = _BOX
        sheet.cell(row=at, column=4).alignment = Alignment(wrap_text=True)


def yearly_workbook(current: Sheet, made_on: date) -> bytes:
    """The year's return as XLSX bytes: sheet 年度执法数据 and sheet 指标说明."""
    book = Workbook()
    main = book.active
    assert main is not None
    _figures_sheet(main, current, made_on)
    _definitions_sheet(book.create_sheet("指标说明"), current)
    out = BytesIO()
    book.save(out)
    return out.getvalue()

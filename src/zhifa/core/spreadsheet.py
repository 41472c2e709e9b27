"""The one way the platform writes CSV and XLSX cells (OWASP "CSV Injection").

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
after trimming, tab, CR or LF) as a formula: a party name ``=HYPERLINK("http://…")``
would become a live link or worse. Every text value is therefore neutralised before it is
written: a leading single quote makes it plain text in every program, and the text stays
readable. Full-width ＝＋－＠ are treated the same (an input method may turn them into
formula signs when a cell is edited). A string that is just a number ("-3", "12.50") is
left as it is: no program runs it, and amounts keep their sign.

Only strings are neutralised: numbers stay numbers and dates stay dates. In XLSX a string
is always written as a string cell (openpyxl would otherwise type "=…" as a formula and
"#N/A" as an error), and characters XML cannot carry are replaced instead of failing the
whole export.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program reads as the start of a formula (OWASP), with the
# full-width forms an input method produces.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
# Leading characters a program may trim before it looks at the first one.
_TRIMMED = " \u00a0\u3000"
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")

Value = str | int | float | Decimal | date | datetime | None


def is_formula_like(text: str) -> bool:
    """Whether a program could read `text` as a formula (a plain number cannot)."""
    head = text.lstrip(_TRIMMED)[:1] or text[:1]
    return head in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text)


def neutral_text(text: str) -> str:
    """`text` as it may go into a cell: a leading quote when it could start a formula."""
    return f"'{text}" if is_formula_like(text) else text


# ---- CSV ------------------------------------------------------------------------------------


def csv_value(value: Value) -> str:
    """One CSV field: text neutralised, numbers as digits, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutral_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def csv_bytes(rows: Iterable[Sequence[Value]]) -> bytes:
    """A CSV file, UTF-8 with a byte-order mark (so that Excel opens it as UTF-8), CRLF."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return text.getvalue().encode("utf-8-sig")


# ---- XLSX -----------------------------------------------------------------------------------


def set_value(cell: Cell, value: Value) -> Cell:
    """Put `value` into `cell`: a string as a (neutralised) string cell, anything else by
    its own type."""
    if isinstance(value, str):
        cell.value = neutral_text(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # never a formula or an error value
    else:
        cell.value = value
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Value) -> Cell:
    """`sheet.cell(row, column, value)` through `set_value`."""
    return set_value(sheet.cell(row=row, column=column), value)


def append(sheet: Worksheet, values: Sequence[Value]) -> None:
    """`sheet.append(values)` through `set_value`."""
    sheet.append([set_value(Cell(sheet), value) for value in values])


def xlsx_bytes(title: str, rows: Iterable[Sequence[Value]]) -> bytes:
    """A workbook of one sheet named `title` holding `rows`, each through `append`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

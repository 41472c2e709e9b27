"""`core.spreadsheet`, the one writer of CSV and XLSX cells (OWASP CSV injection): text
that a spreadsheet program could read as a formula gets a leading quote, in both formats;
XLSX strings are string cells whatever they look like; numbers and dates keep their type;
read back with Python's csv module and openpyxl."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from zhifa.core import spreadsheet

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
]
PLAIN = ["张三", "上海某某化工有限公司", "—", "-3", "12.50", "+7", "a=b", "", "1-2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_gets_a_quote(text: str) -> None:
    assert spreadsheet.is_formula_like(text)
    assert spreadsheet.neutral_text(text) == f"'{text}"


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_and_numbers_as_text_are_unchanged(text: str) -> None:
    assert spreadsheet.neutral_text(text) == text


def test_csv_fields() -> None:
    rows = [["名称", "金额", "日期", "空"], [HOSTILE[0], -3, date(2026, 3, 1), None]]
    raw = spreadsheet.csv_bytes(rows)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[1] == [f"'{HOSTILE[0]}", "-3", "2026-03-01", ""]
    for text in HOSTILE:
        (back,) = list(csv.reader(io.StringIO(spreadsheet.csv_bytes([[text]]).decode("utf-8-sig"))))
        assert back == [f"'{text}"]


def test_xlsx_cells_keep_their_types_and_strings_are_never_formulas() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spreadsheet.append(sheet, [*HOSTILE, "#N/A", "控制\x01字符"])
    spreadsheet.append(sheet, [-3, Decimal("-1.25"), 2.5, date(2026, 3, 1), "-3", None])
    spreadsheet.put(sheet, 3, 1, "=1+1")
    out = io.BytesIO()
    book.save(out)
    xml = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml  # no formula anywhere in the file

    back = load_workbook(io.BytesIO(out.getvalue()))
    cells = list(back.active.iter_rows())  # type: ignore[union-attr]
    texts = cells[0]
    # (XML reads a lone CR back as LF)
    expected = [f"'{t}".replace("\r", "\n") for t in HOSTILE]
    assert [c.value for c in texts[: len(HOSTILE)]] == expected
    assert all(c.data_type == "s" for c in texts)
    assert texts[len(HOSTILE)].value == "#N/A"  # a string, not an error value
    assert texts[len(HOSTILE) + 1].value == "控制\ufffd字符"  # not a failed export
    numbers = cells[1]
    assert [c.value for c in numbers[:3]] == [-3, -1.25, 2.5]
    assert all(c.data_type == "n" for c in numbers[:3])
    assert numbers[3].is_date and numbers[3].value.date() == date(2026, 3, 1)
    assert numbers[4].data_type == "s" and numbers[4].value == "-3"
    assert cells[2][0].data_type == "s" and cells[2][0].value == "'=1+1"

"""The overdue report and the yearly figures never carry a formula (issue 11, point 5):
a case title and a unit name that are spreadsheet formulas (written past the entry
checks) come out of the overdue XLSX as quoted string cells, with the dates and working
days still date and number cells; the yearly return keeps its values as numbers
(negative ones too) and writes a formula-like text as a quoted string."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.factories import writing
from tests.insight import test_overdue_pages
from tests.insight.test_overdue_pages import World
from zhifa.core.models import Unit
from zhifa.enforcement.models import Action
from zhifa.insight.yearly import figures as yearly
from zhifa.insight.yearly.service import Row, Sheet
from zhifa.insight.yearly.xlsx import yearly_workbook

TITLE = '=HYPERLINK("http://evil.example/x","点此查看")'
UNIT = "@SUM(1+1)"

world = test_overdue_pages.world  # the overdue report's fixture, used here too


def _no_formula(book: bytes) -> None:
    files = zipfile.ZipFile(io.BytesIO(book))
    for name in files.namelist():
        if name.startswith("xl/worksheets/"):
            xml = files.read(name)
            assert b"<f>" not in xml and b"<f " not in xml, name


def test_overdue_xlsx_writes_formula_text_as_text(
    client: TestClient, world: World, db: Session
) -> None:
    with writing(db) as session:
        action = session.scalar(select(Action).order_by(Action.id.desc()))
        unit = session.get(Unit, world.unit_b)
        assert action is not None and unit is not None
        action.title, unit.name = TITLE, UNIT  # past the entry checks, as an old record could

    _as(client, "legal")
    response = client.get(f"/app/insight/overdue.xlsx?unit={world.unit_b}")
    assert response.status_code == 200
    _no_formula(response.content)
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["逾期明细"]
    rows = list(sheet.iter_rows(min_row=4))
    assert rows
    for row in rows:
        subject, unit_cell = row[2], row[3]
        assert subject.data_type == "s" and subject.value == f"'{TITLE}"
        assert unit_cell.data_type == "s" and unit_cell.value == f"'{UNIT}"
        assert isinstance(row[7].value, datetime)  # the due day stays a date
        assert row[10].data_type == "n" and isinstance(row[10].value, int)
    totals = [r for r in book["合计"].iter_rows(min_row=4) if r[0].value == f"'{UNIT}"]
    assert len(totals) == 1 and totals[0][0].data_type == "s"
    assert all(c.data_type == "n" for c in totals[0][1:])


def test_yearly_xlsx_numbers_stay_numbers_and_text_is_neutralised() -> None:
    values = {f.code: "—" for f in yearly.FIGURES}
    first, second = yearly.FIGURES[0], next(f for f in yearly.FIGURES if f.places > 0)
    values[first.code], values[second.code] = "-3", "-1.25"
    rows = tuple(
        Row(n, f, values[f.code], "平台统计") for n, f in enumerate(yearly.FIGURES, start=1)
    )
    current = Sheet(TITLE, 2026, yearly.Basis.computed, date(2026, 12, 31), rows)
    data = yearly_workbook(current, date(2027, 1, 10))
    _no_formula(data)
    sheet = load_workbook(io.BytesIO(data))["年度执法数据"]
    cells = {c.coordinate: c for row in sheet.iter_rows() for c in row}
    assert cells["A1"].data_type == "s" and cells["A1"].value.startswith(f"'{TITLE}")
    assert cells["A2"].data_type == "s" and TITLE in cells["A2"].value  # "填报单位：=…": text
    numbered = {r[0].value: r for r in sheet.iter_rows(min_row=5) if isinstance(r[0].value, int)}
    assert numbered[1][3].value == -3 and numbered[1][3].data_type == "n"
    at = yearly.FIGURES.index(second) + 1
    assert Decimal(str(numbered[at][3].value)) == Decimal("-1.25")
    assert numbered[at][3].data_type == "n"
    assert numbered[2][3].value == "—" and numbered[2][3].data_type == "s"

"""The report for 上一级: the XLSX opens with openpyxl and writes a typed reason that starts
like a formula as text; the PDF parses with pypdf and says what the page says; filters by
period and unit apply to both; `zhifa verify` keeps a failing run's findings; reads are
logged."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, text
from typer.testing import CliRunner

from tests.conftest import csrf_of, login
from zhifa.cli import app
from zhifa.core.db import make_engine, make_session_factory
from zhifa.core.models import AccessLog
from zhifa.core.settings import Settings
from zhifa.recording.av.models import RecordingException
from zhifa.supervision.accountability.models import VerifyFailure
from zhifa.supervision.accountability.rules import exception_key
from zhifa.web.app import create_app

FORMULA = '=HYPERLINK("http://evil.example","点击")'


@pytest.fixture(scope="module")
def leader(demo_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(demo_settings), follow_redirects=False) as client:
        login(client, "leader")
        yield client


def _demo_key(settings: Settings) -> str:
    engine = make_engine(settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        exception_id = db.scalar(select(RecordingException.id).order_by(RecordingException.id))
    engine.dispose()
    assert exception_id is not None
    return exception_key(exception_id)


def test_demo_instance_is_decided_and_listed(leader: TestClient, demo_settings: Settings) -> None:
    page = leader.get("/app/supervision/accountability")
    assert page.status_code == 200
    row = page.text.split(f'data-key="{_demo_key(demo_settings)}"', 1)[1].split("</tr>", 1)[0]
    assert "不予追责" in row and "设备故障属实" in row
    assert 'href="/app/supervision/accountability"' in page.text  # in the navigation


def test_xlsx_opens_and_is_formula_safe(leader: TestClient, demo_settings: Settings) -> None:
    key = _demo_key(demo_settings)
    csrf = csrf_of(leader.get("/app/supervision/accountability").text)
    decided = leader.post(
        "/app/supervision/accountability/decide",
        data={"csrf_token": csrf, "instance_key": key, "outcome": "rectify", "reason": FORMULA},
    )
    assert decided.status_code == 303
    response = leader.get("/app/supervision/accountability.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    mine = rows[key]
    assert mine[9] == "责令整改" and mine[10] == "'" + FORMULA
    for cells in sheet.iter_rows(min_row=1):
        for cell in cells:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"


def test_pdf_parses_and_filters_apply(leader: TestClient, demo_settings: Settings) -> None:
    key = _demo_key(demo_settings)
    response = leader.get("/app/supervision/accountability.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    flat = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    )
    assert "行政执法问责情况报告" in flat and key in flat and "应当记录经批准未记录" in flat

    # a period before the case: neither the page, the XLSX nor the PDF lists it
    query = "from=2020-01-01&to=2020-12-31"
    assert f'data-key="{key}"' not in leader.get(f"/app/supervision/accountability?{query}").text
    book = load_workbook(
        io.BytesIO(leader.get(f"/app/supervision/accountability.xlsx?{query}").content)
    )
    assert book.active is not None and book.active.max_row == 3
    pdf = leader.get(f"/app/supervision/accountability.pdf?{query}")
    assert key not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    # a unit that is not the case's
    page = leader.get("/app/supervision/accountability?unit=2147483000")
    assert page.status_code == 200 and f'data-key="{key}"' not in page.text
    for bad in ("from=2026-13-01", "from=2026-12-01&to=2026-11-01", "unit=abc", "kind=x"):
        assert leader.get(f"/app/supervision/accountability?{bad}").status_code == 422, bad

    engine = make_engine(demo_settings.resolved_database_url)
    with make_session_factory(engine)() as db:
        purposes = [r.purpose for r in db.scalars(select(AccessLog))]
    engine.dispose()
    assert any(p.startswith("导出问责情况报告PDF") for p in purposes)
    assert any(p.startswith("导出问责情况报告XLSX") for p in purposes)


def test_zhifa_verify_keeps_a_failing_runs_findings(sqlite_settings: Settings) -> None:
    engine = make_engine(sqlite_settings.resolved_database_url, write_transactions=False)
    with engine.begin() as conn:
        conn.execute(text("UPDATE unit SET name = '被改动的单位' WHERE id = 2"))
    result = CliRunner().invoke(app, ["verify", "--data-dir", str(sqlite_settings.data_dir)])
    assert result.exit_code == 1 and "unit:2" in result.output
    with make_session_factory(engine)() as db:
        kept = db.scalars(select(VerifyFailure)).all()
    engine.dispose()
    assert [(k.area, k.location) for k in kept] == [("记录", "unit:2")]

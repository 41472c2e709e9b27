"""Exports cannot carry formulas (issue 11, point 5), on SQLite and PostgreSQL: a party
whose name is a spreadsheet formula (written past the entry checks, as an import or an
old record could) reaches the 信用中国 files as text — in the XLSX a string cell starting
with a quote and no formula in the file, in the CSV the quoted text — while the entry
checks refuse such a name with a Chinese message and change nothing."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import csrf_of, login
from tests.enforcement.test_actions import _as
from tests.publicity import test_outbox
from tests.publicity.test_outbox import publish_one
from tests.web.test_parties import _enterprise
from zhifa.core.db import transaction
from zhifa.enforcement import parties
from zhifa.enforcement.models import Party, PartyVersion
from zhifa.publicity.models import CreditExportBatch
from zhifa.publicity.rules import TEMPLATES

instance_of = test_outbox.instance_of

HOSTILE = '=HYPERLINK("http://evil.example/x","点此查看")'
PARTY_ID = 3  # the party the test actions are opened for


def _rename_unchecked(factory: sessionmaker[Session], party_id: int, name: str) -> None:
    """A new version of the party with `name`, past the entry checks (as an import or a
    record from before them could be), through the one versioning use case."""
    with transaction(factory) as db:
        current = parties.get_party(db, party_id).current
        fields = {k: getattr(current, k) for k in parties.PartyDetails.model_fields}
        revision = parties.PartyRevision.model_construct(**{**fields, "name": name}, reason="导入")
        parties.revise_party(db, party_id, revision, None)


def test_formula_party_name_reaches_credit_files_as_text(instance_of, db: Session) -> None:
    inst = instance_of({})
    _rename_unchecked(inst.factory, PARTY_ID, HOSTILE)
    publish_one(inst, db)
    _as(inst.client, "legal")
    page = inst.client.get("/app/publicity/credit-exports")
    closed = inst.client.post(
        "/app/publicity/credit-exports/close", data={"csrf_token": csrf_of(page.text)}
    )
    assert closed.status_code == 303, closed.text
    with inst.factory() as session:
        batch = session.scalar(select(CreditExportBatch))
        assert batch is not None
        batch_id, number = batch.id, batch.number
    base = f"/app/publicity/credit-exports/{batch_id}/files"
    header = [label for _, label in TEMPLATES["penalty"]] + ["操作类型"]
    name_at = header.index("行政相对人名称")

    xlsx = inst.client.get(f"{base}/credit-{number}.xlsx").content
    sheet_xml = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml  # no formula in the sheet
    sheet = load_workbook(io.BytesIO(xlsx))["行政处罚"]
    cell = sheet.cell(row=2, column=name_at + 1)
    assert cell.data_type == "s" and cell.value == f"'{HOSTILE}"
    assert [c.value for c in sheet[1]] == header

    raw = inst.client.get(f"{base}/credit-{number}-penalty.csv").content
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == header and table[1][name_at] == f"'{HOSTILE}"


def test_entry_refuses_formula_names(client, db: Session) -> None:
    headers = {"X-CSRF-Token": login(client, "legal")}

    def count() -> tuple[int, int]:
        db.rollback()
        return (
            int(db.scalar(select(func.count()).select_from(Party)) or 0),
            int(db.scalar(select(func.count()).select_from(PartyVersion)) or 0),
        )

    # an ordinary name goes in; its registrar may revise it
    created = client.post("/api/v1/parties", json=_enterprise(), headers=headers)
    assert created.status_code == 201, created.text
    before = count()
    cases = [
        ("name", HOSTILE, "名称"),
        ("name", "+86 上海某某公司", "名称"),
        ("name", "＝SUM(1)", "名称"),
        ("legal_representative", "@王建国", "法定代表人"),
        ("address", "-上海市", "地址"),
        ("industry", "\t=1+1", "行业"),
    ]
    for field, value, label in cases:
        refused = client.post(
            "/api/v1/parties", json=_enterprise(**{field: value}), headers=headers
        )
        assert refused.status_code == 422, (field, value, refused.text)
        body = refused.json()
        assert body["field"] == field and label in body["detail"], body
        assert "不能以 =、+、-、@ 或制表符、换行开头" in body["detail"], body
    revised = client.put(
        f"/api/v1/parties/{created.json()['id']}",
        json={**_enterprise(name=HOSTILE, reason="改名"), "kind": None},
        headers=headers,
    )
    assert revised.status_code == 422 and revised.json()["field"] == "name"
    assert count() == before
    # the page form says it beside the field
    page = client.get("/app/parties/new")
    assert page.status_code == 200
    form = {k: str(v) for k, v in _enterprise(name=HOSTILE).items() if k != "risk_flags"}
    shown = client.post("/app/parties/new", data={**form, "csrf_token": csrf_of(page.text)})
    assert shown.status_code == 422 and "不能以 =、+、-、@" in shown.text
    assert 'value="=HYPERLINK(' in shown.text.replace("&#34;", '"').replace("&quot;", '"')
    assert count() == before

"""The 信用中国 export follows the 双公示 upload templates, on SQLite and PostgreSQL: the
header rows of the 行政处罚 and 行政许可 sheets are the templates' columns in order (the
licence has no 公示截止期); a 个体工商户 is its own 行政相对人类别 with its 92… code in
行政相对人代码_1; a person's 证件号码 is reported in the file and shown nowhere public.

The expected columns are written out here as read from public implementations of the
templates (see `publicity.rules`, 双公示 section), not taken from the code under test."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of
from tests.enforcement.test_actions import _as, _complete_duties, _item, _valid_officers
from tests.enforcement.test_penalty_flow import FACTS, _issue
from tests.publicity import test_outbox
from tests.publicity.test_flow import _obligation
from tests.publicity.test_validation import DAY, penalty
from zhifa.core.models import User
from zhifa.enforcement.identifiers import id_check_char, uscc_check_char
from zhifa.publicity import validation
from zhifa.publicity.models import CreditExportBatch

instance_of = test_outbox.instance_of

PARTY_COLUMNS = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1（统一社会信用代码）",
    "行政相对人代码_2（工商注册号）",
    "行政相对人代码_3（组织机构代码）",
    "行政相对人代码_4（税务登记号）",
    "行政相对人代码_5（事业单位证书号）",
    "行政相对人代码_6（社会组织登记证号）",
    "法定代表人",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "证件类型",
    "证件号码",
]
PENALTY_TEMPLATE = [
    *PARTY_COLUMNS,
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
]
LICENSE_TEMPLATE = [
    *PARTY_COLUMNS,
    "行政许可决定文书名称",
    "行政许可决定文书号",
    "许可类别",
    "许可证书名称",
    "许可编号",
    "许可内容",
    "许可决定日期",
    "有效期自",
    "有效期至",
    "许可机关",
    "许可机关统一社会信用代码",
    "当前状态",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
]
OPERATION = "操作类型"  # zhifa's one added column, last

ID_NUMBER = "31010719850615402" + id_check_char("31010719850615402")
SOLE_TRADER_USCC = "92310107MA1G5K2R8" + uscc_check_char("92310107MA1G5K2R8")  # 个体工商户
FIRM_USCC = "91310107MA1G5K2R8" + uscc_check_char("91310107MA1G5K2R8")
TRADER_ID_NUMBER = "31010719700101301" + id_check_char("31010719700101301")


def _register(client: TestClient, body: dict) -> int:
    made = client.post("/api/v1/parties", json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _open_for(client: TestClient, db: Session, party_id: int, kind: str, procedure: str) -> int:
    officers = _valid_officers(db, 2)
    opened = client.post(
        "/api/v1/actions",
        json={
            "procedure": procedure,
            "party_id": party_id,
            "power_item_id": _item(db, kind),
            "title": "双公示模板测试",
            "officer_ids": officers,
        },
    )
    assert opened.status_code == 201, opened.text
    return int(opened.json()["id"])


def _licence_decision(client: TestClient, db: Session, action_id: int) -> int:
    """The licence taken through review to its issued 准予行政许可决定书."""
    url = f"/api/v1/actions/{action_id}/transitions"
    assert client.post(url, json={"to_step": "review"}).status_code == 201
    activity = client.post(
        f"/api/v1/actions/{action_id}/activities",
        json={
            "started_at": "2026-11-26T09:00:00",
            "place": "上海市普陀区真北路100号",
            "party_present": "李建华",
            "officer_ids": _valid_officers(db, 2),
        },
    ).json()
    _complete_duties(client, activity, ["reason", "basis", "recusal", "cooperation"])
    assert client.post(url, json={"to_step": "decision"}).status_code == 201
    fields = {
        "applied_on": "2026-11-02",
        "license_number": "沪普危化经字〔2026〕000002",
        "scope": "不带储存设施经营",
        "valid_to": "2029-11-25",
    }
    return int(_issue(client, action_id, "license_decision", fields)["id"])


def _publish(client: TestClient, document_id: int) -> int:
    """The legal section drafts, reviews and publishes the decision's publication; its
    public id."""
    _as(client, "legal")
    obligation = _obligation(client, document_id)
    # a penalty's credit severity has no default (issue 14 point 1); a licence has one
    draft = {"severity": "general"} if obligation["kind"] == "penalty" else {}
    pub = client.post(f"/api/v1/publicity/obligations/{obligation['id']}/draft", json=draft)
    assert pub.status_code == 201, pub.text
    url = f"/api/v1/publicity/publications/{pub.json()['id']}"
    assert client.post(f"{url}/review", json={}).status_code == 200
    assert client.post(f"{url}/publish").status_code == 200
    return int(obligation["id"])


def _rows(sheet: list[list], header: list[str]) -> list[dict[str, str]]:
    return [dict(zip(header, row, strict=True)) for row in sheet[1:]]


@dataclass(frozen=True)
class Exported:
    client: TestClient
    penalties: list[list]  # the 行政处罚 sheet, header first
    licences: list[list]  # the 行政许可 sheet
    csv_headers: dict[str, list[str]]
    fined: int  # public ids
    licensed: int


def _exported(instance_of, db: Session) -> Exported:
    """A penalty on a person and a licence for a 个体工商户, published and exported: the
    closed batch's workbook and CSV files read back."""
    inst = instance_of({})
    client = inst.client
    lead = db.get(User, _valid_officers(db, 1)[0])
    assert lead is not None
    _as(client, lead.username)
    person = _register(
        client,
        {"kind": "person", "name": "赵建国", "id_number": ID_NUMBER, "address": "上海市某路1号"},
    )
    trader = _register(  # a natural person with a registered business (民法典 第五十四条)
        client,
        {
            "kind": "person",
            "name": "李记五金店（李建华）",
            "id_number": TRADER_ID_NUMBER,
            "uscc": SOLE_TRADER_USCC,
            "address": "上海市普陀区真北路100号",
        },
    )
    action = _open_for(client, db, person, "penalty", "penalty.general")
    penalty = int(_issue(client, action, "penalty_decision", FACTS)["id"])
    licence = _licence_decision(
        client, db, _open_for(client, db, trader, "license", "license.general")
    )
    fined, licensed = _publish(client, penalty), _publish(client, licence)

    page = client.get("/app/publicity/credit-exports")
    closed = client.post(
        "/app/publicity/credit-exports/close", data={"csrf_token": csrf_of(page.text)}
    )
    assert closed.status_code == 303, closed.text
    db.rollback()
    batch = db.scalar(select(CreditExportBatch).order_by(CreditExportBatch.id.desc()))
    assert batch is not None
    files = f"/app/publicity/credit-exports/{batch.id}/files/credit-{batch.number}"
    book = load_workbook(io.BytesIO(client.get(f"{files}.xlsx").content))
    csv_headers = {}
    for kind in ("penalty", "license"):
        raw = client.get(f"{files}-{kind}.csv").content.decode("utf-8-sig")
        csv_headers[kind] = next(csv.reader(io.StringIO(raw)))
    return Exported(
        client,
        [list(r) for r in book["行政处罚"].iter_rows(values_only=True)],
        [list(r) for r in book["行政许可"].iter_rows(values_only=True)],
        csv_headers,
        fined,
        licensed,
    )


def test_header_rows_are_the_templates(instance_of, db: Session) -> None:
    out = _exported(instance_of, db)
    assert out.penalties[0] == [*PENALTY_TEMPLATE, OPERATION]
    assert out.licences[0] == [*LICENSE_TEMPLATE, OPERATION]
    assert out.csv_headers == {"penalty": out.penalties[0], "license": out.licences[0]}


def test_licence_has_no_public_until_column(instance_of, db: Session) -> None:
    out = _exported(instance_of, db)
    assert "公示截止期" not in out.licences[0] and "公示截止期" not in out.csv_headers["license"]
    (shop,) = _rows(out.licences, out.licences[0])
    # the columns after where 公示截止期 stood are not shifted
    assert shop["有效期至"] == "2029-11-25" and shop["许可机关"] and shop[OPERATION] == "新增"
    assert shop["许可编号"] == "沪普危化经字〔2026〕000002"
    public = TestClient(out.client.app, follow_redirects=False)
    assert "公示截止期" not in public.get(f"/p/{out.licensed}.json").text


def test_sole_trader_is_its_own_category(instance_of, db: Session) -> None:
    out = _exported(instance_of, db)
    (shop,) = _rows(out.licences, out.licences[0])
    assert shop["行政相对人名称"] == "李记五金店（李某某）"  # the 经营者's name masked
    assert shop["行政相对人类别"] == "个体工商户"
    assert shop["行政相对人代码_1（统一社会信用代码）"] == SOLE_TRADER_USCC
    assert (shop["证件类型"], shop["证件号码"]) == ("身份证", TRADER_ID_NUMBER)
    public = TestClient(out.client.app, follow_redirects=False)
    page = public.get(f"/p/{out.licensed}").text
    assert "个体工商户" in page and SOLE_TRADER_USCC in page
    assert TRADER_ID_NUMBER not in page and "李建华" not in page


def test_sole_trader_is_a_person_with_its_code(client: TestClient, db: Session) -> None:
    """The party form takes a 个体工商户 as a person with its 92… code, and no other way."""
    officer = db.get(User, _valid_officers(db, 1)[0])
    assert officer is not None
    _as(client, officer.username)
    shop = {"name": "某某小吃店（王小二）", "address": "上海市普陀区某路2号"}
    refused = (
        {**shop, "kind": "enterprise", "uscc": SOLE_TRADER_USCC},
        {**shop, "kind": "person", "id_number": TRADER_ID_NUMBER, "uscc": FIRM_USCC},
    )
    for body in refused:
        answer = client.post("/api/v1/parties", json=body)
        assert answer.status_code == 400 and answer.json()["field"] == "uscc", answer.text
    body = {**shop, "kind": "person", "id_number": TRADER_ID_NUMBER, "uscc": SOLE_TRADER_USCC}
    _register(client, body)
    again = client.post("/api/v1/parties", json={**body, "id_number": ID_NUMBER})
    assert again.status_code == 409 and "统一社会信用代码" in again.json()["detail"]


def test_person_id_number_is_reported_never_public(instance_of, db: Session) -> None:
    out = _exported(instance_of, db)
    (man,) = _rows(out.penalties, out.penalties[0])
    assert man["行政相对人类别"] == "自然人"
    assert not man["行政相对人代码_1（统一社会信用代码）"]  # an empty cell
    assert (man["证件类型"], man["证件号码"]) == ("身份证", ID_NUMBER)
    assert man["罚款金额（万元）"] == "2"
    # shown nowhere public: not on the portal pages, nor in their public JSON
    public = TestClient(out.client.app, follow_redirects=False)
    for public_id in (out.fined, out.licensed):
        for url in (f"/p/{public_id}", f"/p/{public_id}.json"):
            answer = public.get(url)
            assert answer.status_code == 200, url
            assert ID_NUMBER not in answer.text and "证件号码" not in answer.text, url


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"party_category": "个体工商户", "uscc": ""}, "uscc", "行政相对人为个体工商户的"),
        ({"party_category": "个体工商户"}, "party_category", "应为法人及非法人组织"),
        ({"uscc": SOLE_TRADER_USCC}, "party_category", "应为个体工商户"),
    ],
)
def test_category_and_code_agree(values: dict[str, str], field: str, words: str) -> None:
    """A publication's 行政相对人类别 is the one its code says (92…: 个体工商户)."""
    shop = penalty(party_category="个体工商户", uscc=SOLE_TRADER_USCC)
    assert validation.problems(shop, DAY) == []
    found = validation.problems(penalty(**values), DAY)
    assert found and found[0].field == field and words in found[0].message, found

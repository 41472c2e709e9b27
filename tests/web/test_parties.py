"""Parties (行政相对人) through the JSON API and the pages, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of, login
from zhifa.core.models import AccessLog
from zhifa.enforcement.identifiers import id_check_char, uscc_check_char
from zhifa.enforcement.models import Party, PartyVersion

USCC = "91310107MA1G8ABC1" + uscc_check_char("91310107MA1G8ABC1")
ID_NUMBER = "31010719850612301" + id_check_char("31010719850612301")


def _rows(db: Session, model: type) -> int:
    db.rollback()  # a fresh snapshot: see what the app committed since
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _enterprise(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "enterprise",
        "name": "上海测试化工有限公司",
        "uscc": USCC,
        "legal_representative": "王建国",
        "address": "上海市普陀区真北路100号",
        "industry": "危险化学品经营",
        "phone": "021-62541234",
        "risk_flags": ["hazardous_chemicals"],
    }
    data.update(changes)
    return data


def test_register_and_revise_enterprise(client: TestClient, db: Session) -> None:
    csrf = login(client, "legal")
    headers = {"X-CSRF-Token": csrf}
    created = client.post("/api/v1/parties", json=_enterprise(), headers=headers)
    assert created.status_code == 201, created.text
    party = created.json()
    assert party["version"] == 1 and party["uscc"] == USCC
    revised = client.put(
        f"/api/v1/parties/{party['id']}",
        json={**_enterprise(address="上海市普陀区武宁路200号", reason="迁址"), "kind": None},
        headers=headers,
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["version"] == 2
    versions = db.scalars(
        select(PartyVersion).where(PartyVersion.party_id == party["id"]).order_by("version")
    ).all()
    assert [v.address for v in versions] == ["上海市普陀区真北路100号", "上海市普陀区武宁路200号"]
    assert versions[1].reason == "迁址"


def test_invalid_uscc_is_refused_with_field_and_nothing_written(
    client: TestClient, db: Session
) -> None:
    csrf = login(client, "legal")
    before = (_rows(db, Party), _rows(db, PartyVersion))
    bad = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    response = client.post(
        "/api/v1/parties", json=_enterprise(uscc=bad), headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "uscc"
    assert "统一社会信用代码" in body["detail"] and "校验码错误" in body["detail"]
    assert (_rows(db, Party), _rows(db, PartyVersion)) == before


def test_invalid_id_number_and_kind_mismatch(client: TestClient, db: Session) -> None:
    csrf = login(client, "legal")
    headers = {"X-CSRF-Token": csrf}
    before = _rows(db, Party)
    person = {"kind": "person", "name": "李四", "address": "上海市普陀区曹杨路1弄1号"}
    bad_id = client.post(
        "/api/v1/parties", json={**person, "id_number": ID_NUMBER[:-1] + "0"}, headers=headers
    )
    assert bad_id.status_code == 422 and bad_id.json()["field"] == "id_number"
    missing = client.post("/api/v1/parties", json=person, headers=headers)
    assert missing.status_code == 400
    assert missing.json() == {"detail": "个人须填写身份证号", "field": "id_number"}
    unknown_kind = client.post(
        "/api/v1/parties",
        json={**person, "kind": "robot", "id_number": ID_NUMBER},
        headers=headers,
    )
    assert unknown_kind.status_code == 422 and unknown_kind.json()["field"] == "kind"
    assert _rows(db, Party) == before


def test_duplicate_uscc_is_a_conflict(client: TestClient, db: Session) -> None:
    csrf = login(client, "legal")
    headers = {"X-CSRF-Token": csrf}
    assert client.post("/api/v1/parties", json=_enterprise(), headers=headers).status_code == 201
    again = client.post("/api/v1/parties", json=_enterprise(name="另一家"), headers=headers)
    assert again.status_code == 409
    assert again.json()["field"] == "uscc"
    assert "已登记为“上海测试化工有限公司”" in again.json()["detail"]


def test_id_numbers_are_masked_in_lists_and_reads_are_logged(
    client: TestClient, db: Session
) -> None:
    csrf = login(client, "legal")
    headers = {"X-CSRF-Token": csrf}
    person = {
        "kind": "person",
        "name": "李四",
        "id_number": ID_NUMBER,
        "address": "上海市普陀区曹杨路1弄1号",
    }
    created = client.post("/api/v1/parties", json=person, headers=headers).json()
    listing = client.get("/api/v1/parties", params={"q": "李四"}).json()
    assert listing["total"] == 1
    assert listing["items"][0]["id_number"] == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    page = client.get("/app/parties", params={"q": "李四"})
    assert ID_NUMBER not in page.text and ID_NUMBER[:6] + "********" in page.text
    accesses_before = _rows(db, AccessLog)
    detail = client.get(f"/app/parties/{created['id']}")
    assert ID_NUMBER in detail.text  # in full inside the record itself
    assert _rows(db, AccessLog) == accesses_before + 1
    log = db.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert log is not None
    assert (log.record_type, log.record_id, log.purpose) == (
        "party",
        str(created["id"]),
        "查看详情",
    )


def test_party_pages_search_filter_and_form(client: TestClient, db: Session) -> None:
    login(client, "zhangwei")
    listing = client.get("/app/parties")
    assert listing.status_code == 200
    assert "共 50 条" in listing.text and "第 1 / 3 页" in listing.text
    risky = client.get("/app/parties", params={"risk": "explosive"})
    count = int(risky.text.split("共 ")[1].split(" 条")[0])
    expected = sum("explosive" in v.risk_flags for v in db.scalars(select(PartyVersion)))
    assert 0 < count == expected
    assert client.get("/app/parties", params={"risk": "<script>"}).status_code == 400
    form = client.get("/app/parties/new")
    bad = client.post(
        "/app/parties/new",
        data={
            **_enterprise(uscc="91310107MA1G8ABC10"),
            "risk_flags": [],
            "csrf_token": csrf_of(form.text),
        },
    )
    assert bad.status_code == 422
    assert "统一社会信用代码" in bad.text and 'value="上海测试化工有限公司"' in bad.text
    good = client.post(
        "/app/parties/new",
        data={**_enterprise(), "csrf_token": csrf_of(form.text)},
    )
    assert good.status_code == 303
    page = client.get(good.headers["location"])
    assert "已登记。" in page.text and "危险化学品" in page.text


def test_output_is_escaped(client: TestClient) -> None:
    csrf = login(client, "legal")
    created = client.post(
        "/api/v1/parties",
        json=_enterprise(name="<script>alert(1)</script>有限公司"),
        headers={"X-CSRF-Token": csrf},
    )
    page = client.get(f"/app/parties/{created.json()['id']}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text

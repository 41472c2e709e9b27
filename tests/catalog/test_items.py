"""Power items, service guides and the random-check list, on SQLite and PostgreSQL:
citations checked against registered articles (unknown ones refused, nothing written),
every edit a new version with the history kept, the enforcement item mirroring its
current version, and the ledger matching every row."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user, count
from tests.conftest import csrf_of
from zhifa.catalog.models import Citation, PowerItemVersion, RandomCheckVersion
from zhifa.core.audit import check_rows
from zhifa.enforcement.models import PowerItem

ITEM = {
    "code": "CF-099",
    "name": "对生产经营单位未采取措施消除事故隐患的行政处罚（测试）",
    "kind": "penalty",
    "basis": "《中华人民共和国安全生产法》第一百零二条\n《行政处罚法》第五十六条",
    "duties": "立案、调查、审查、告知、决定、送达、执行",
    "accountability": "没有法律依据实施处罚的",
}


def test_unknown_citations_are_refused_and_nothing_is_written(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "legal")
    before = (count(db, PowerItem), count(db, PowerItemVersion), count(db, Citation))
    cases = [
        ("《安全生产法》第九百九十九条", "《安全生产法》没有登记第九百九十九条"),
        ("《安全生产法》第六十五条\n《不存在条例》第一条", "《不存在条例》尚未登记"),
        ("安全生产法第六十五条", "格式不正确"),
        ("   ", "法律依据为必填项"),
    ]  # fmt: skip
    for basis, message in cases:
        answer = client.post("/api/v1/power-items", json=ITEM | {"basis": basis}, headers=headers)
        assert answer.status_code == 400, answer.text
        assert message in answer.json()["detail"]
        assert answer.json()["field"] == "basis"
    check = {"code": "SJ-099", "name": "x", "basis": "《安全生产法》第一千条", "targets": "t",
             "method": "m", "frequency": "f"}  # fmt: skip
    answer = client.post("/api/v1/random-checks", json=check, headers=headers)
    assert answer.status_code == 400 and "没有登记第一千条" in answer.json()["detail"]
    assert (count(db, PowerItem), count(db, PowerItemVersion), count(db, Citation)) == before


def test_power_item_versions_and_history(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    made = client.post("/api/v1/power-items", json=ITEM, headers=headers)
    assert made.status_code == 201, made.text
    item = made.json()
    assert item["current"]["basis"] == "《安全生产法》第一百零二条；《行政处罚法》第五十六条"
    assert [c["label"] for c in item["current"]["citations"]] == ["第一百零二条", "第五十六条"]
    duplicate = client.post("/api/v1/power-items", json=ITEM, headers=headers)
    assert duplicate.status_code == 409
    revision = ITEM | {"name": "对未消除事故隐患的行政处罚", "basis": "《安全生产法》第一百零二条",
                       "reason": "依据调整"}  # fmt: skip
    revision.pop("code")
    revised = client.put(f"/api/v1/power-items/{item['id']}", json=revision, headers=headers)
    assert revised.status_code == 200, revised.text
    body = revised.json()
    assert body["current"]["version"] == 2
    assert [h["version"] for h in body["history"]] == [2, 1]
    assert body["history"][1]["name"] == ITEM["name"]  # version 1 kept as it was
    db.rollback()
    row = db.get(PowerItem, item["id"])
    assert row is not None
    assert (row.name, row.basis, row.current_version) == (
        "对未消除事故隐患的行政处罚",
        "《安全生产法》第一百零二条",
        2,
    )
    page = client.get(f"/app/catalog/power-items/{item['id']}")
    assert "第 2 版（当前）" in page.text and ITEM["name"] in page.text
    again = client.put(f"/api/v1/power-items/{item['id']}", json=revision, headers=headers)
    assert again.status_code == 400 and "没有变化" in again.json()["detail"]
    assert list(check_rows(db)) == []


def test_power_item_form_edit_makes_a_version(client: TestClient, db: Session) -> None:
    as_user(client, "legal")
    item_id = db.scalar(select(PowerItem.id).where(PowerItem.code == "JC-001"))
    form = client.get(f"/app/catalog/power-items/{item_id}/edit")
    assert form.status_code == 200 and "《安全生产法》第六十五条" in form.text
    data = {
        "csrf_token": csrf_of(form.text),
        "name": "安全生产监督检查（测试修改）",
        "kind": "inspection",
        "field": "安全生产",
        "unit_id": "",
        "basis": "《安全生产法》第六十五条",
        "duties": "检查",
        "accountability": "",
        "reason": "",
    }
    refused = client.post(f"/app/catalog/power-items/{item_id}/edit", data=data)
    assert refused.status_code == 422 and "理由不能为空" in refused.text
    bad = client.post(
        f"/app/catalog/power-items/{item_id}/edit",
        data=data | {"reason": "测试", "basis": "《安全生产法》第八百条"},
    )
    assert bad.status_code == 400 and "没有登记第八百条" in bad.text
    done = client.post(f"/app/catalog/power-items/{item_id}/edit", data=data | {"reason": "测试"})
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "已保存为新版本" in page.text and "第 2 版（当前）" in page.text


def test_guides_for_licences_only_and_versioned(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    penalty = db.scalar(select(PowerItem.id).where(PowerItem.code == "CF-001"))
    licence = db.scalar(select(PowerItem.id).where(PowerItem.code == "XK-001"))
    guide = {
        "conditions": "条件",
        "materials": "材料",
        "procedure": "流程",
        "time_limit": "20个工作日",
        "fees": "不收费",
        "place": "窗口",
        "contacts": "021-00000000",
        "reason": "调整时限",
    }
    answer = client.put(f"/api/v1/power-items/{penalty}/guide", json=guide, headers=headers)
    assert answer.status_code == 400 and "只适用于行政许可事项" in answer.json()["detail"]
    answer = client.put(f"/api/v1/power-items/{licence}/guide", json=guide, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == 2  # the demo guide was version 1
    missing = client.put(
        f"/api/v1/power-items/{licence}/guide", json=guide | {"fees": ""}, headers=headers
    )
    assert missing.status_code == 422 and missing.json()["detail"] == "收费标准不能为空"
    page = client.get(f"/app/catalog/guides/{answer.json()['id']}")
    assert "20个工作日" in page.text and "第 2 版（当前）" in page.text and "调整时限" in page.text


def test_random_check_list_versions(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    check = {
        "code": "SJ-100",
        "name": "有限空间作业安全检查",
        "basis": "《安全生产法》第六十五条",
        "targets": "涉及有限空间作业的工贸企业",
        "method": "双随机",
        "frequency": "每年5%",
    }
    made = client.post("/api/v1/random-checks", json=check, headers=headers)
    assert made.status_code == 201, made.text
    item_id = made.json()["id"]
    revised = client.put(
        f"/api/v1/random-checks/{item_id}",
        json=check | {"frequency": "每年10%", "reason": "提高比例"},
        headers=headers,
    )
    assert revised.status_code == 200
    assert [h["frequency"] for h in revised.json()["history"]] == ["每年10%", "每年5%"]
    listing = client.get("/app/catalog/random-checks").text
    assert "有限空间作业安全检查" in listing and "每年10%" in listing
    db.rollback()
    versions = db.scalars(select(RandomCheckVersion).where(RandomCheckVersion.item_id == item_id))
    assert sorted(v.version for v in versions) == [1, 2]
    assert list(check_rows(db)) == []

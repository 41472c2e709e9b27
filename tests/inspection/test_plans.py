"""The 年度监督检查计划 through its API and pages, on SQLite and PostgreSQL: bad plans are
refused in words with nothing written (no row, no ledger entry), a stratum with no
candidate in the directory cannot be approved, drafting and editing (安全生产监督管理科,
法制宣传科) and approval (a leader) are ledgered, and an approved plan is frozen (409)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user
from tests.conftest import csrf_of
from tests.inspection.helpers import count
from zhifa.catalog.models import RandomCheckItem
from zhifa.core.models import Unit
from zhifa.inspection.plans.models import InspectionPlan
from zhifa.ledger.models import ledger_entry

API = "/api/v1/inspection/plans"


def _refs(db: Session) -> tuple[int, int]:
    item = db.scalar(select(RandomCheckItem.id).where(RandomCheckItem.code == "SJ-001"))
    unit = db.scalar(select(Unit.id).where(Unit.name == "执法大队"))
    assert item and unit
    return item, unit


def _plan(db: Session, **batch: Any) -> dict[str, Any]:
    item, unit = _refs(db)
    return {
        "year": 2026,
        "title": "2026年度第二次专项检查计划",
        "unit_id": unit,
        "batches": [
            {
                "name": "第一批",
                "item_id": item,
                "basis": "《安全生产法》第六十五条",
                "field": "安全生产",
                "starts_on": "2026-12-14",
                "ends_on": "2026-12-31",
                "strata": [
                    {"name": "重点", "grades": ["A"], "quota": "all"},
                    {"name": "一般", "grades": ["B", "C", "D"], "quota": "ratio", "ratio": "0.2"},
                ],
                "rounding": "向上取整",
                "team_size": 2,
                "cap": 3,
                **batch,
            }
        ],
    }


def _ledger(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).select_from(ledger_entry)) or 0)


def _kinds(db: Session, plan_id: int) -> list[str]:
    db.rollback()
    query = select(ledger_entry.c.kind).where(
        ledger_entry.c.subject == f"inspection_plan:{plan_id}"
    )
    return list(db.scalars(query.order_by(ledger_entry.c["index"])))


def _stratum(**changes: Any) -> list[dict[str, Any]]:
    return [{"name": "一般", "quota": "ratio", "ratio": "0.2", **changes}]


BAD = [
    ({"strata": _stratum(ratio="1.5")}, "抽取比例不得大于 1"),
    ({"strata": _stratum(ratio="-0.1")}, "抽取比例不得小于 0"),
    ({"team_size": 1}, "检查组不得少于 2 名执法人员"),
    ({"cap": 0}, "检查次数上限须至少为 1"),
    ({"starts_on": "2027-01-04", "ends_on": "2027-01-29"}, "检查期间须在 2026 年内"),
    ({"starts_on": "2026-12-31", "ends_on": "2026-12-14"}, "结束日期不能早于开始日期"),
    ({"strata": _stratum(quota="count", count=0)}, "抽取数量须为正整数"),
    ({"partners": [{"department": "区市场监督管理局", "members": []}]}, "须写明牵头部门"),
]


@pytest.mark.parametrize(("batch", "message"), BAD)
def test_bad_plans_are_refused_and_change_nothing(
    client: TestClient, db: Session, batch: dict[str, Any], message: str
) -> None:
    headers = as_user(client, "supervision")
    body = _plan(db, **batch)
    rows, entries = count(db, InspectionPlan), _ledger(db)
    got = client.post(API, json=body, headers=headers)
    assert 400 <= got.status_code < 500, got.text
    assert message in got.json()["detail"], got.json()
    assert (count(db, InspectionPlan), _ledger(db)) == (rows, entries)


def test_unknown_item_and_unit_are_refused(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    rows, entries = count(db, InspectionPlan), _ledger(db)
    got = client.post(API, json=_plan(db, item_id=99999), headers=headers)
    assert got.status_code == 400 and "随机抽查事项不在清单中" in got.json()["detail"]
    got = client.post(API, json={**_plan(db), "unit_id": 99999}, headers=headers)
    assert got.status_code == 400 and "制定单位不存在" in got.json()["detail"]
    assert (count(db, InspectionPlan), _ledger(db)) == (rows, entries)


def test_empty_stratum_cannot_be_approved(client: TestClient, db: Session) -> None:
    headers = as_user(client, "supervision")
    # 甘泉路街道 holds no 烟花爆竹 unit of the demo directory: the stratum is empty.
    body = _plan(db, filters={"streets": ["甘泉路街道"], "flags": ["fireworks"]})
    plan = client.post(API, json=body, headers=headers).json()
    sizes = client.get(f"{API}/{plan['id']}/batches/1/strata").json()
    assert sizes[0]["population"] == 0 and sizes[0]["problem"] == "名录中没有符合条件的检查对象"
    boss = as_user(client, "leader")
    entries = _ledger(db)
    got = client.post(f"{API}/{plan['id']}/approve", headers=boss)
    assert got.status_code == 400
    assert "“第一批”的“重点”：名录中没有符合条件的检查对象" in got.json()["detail"]
    assert _ledger(db) == entries
    db.rollback()
    assert db.get(InspectionPlan, plan["id"]).status == "draft"  # type: ignore[union-attr]


def test_approval_freezes_and_both_are_ledgered(client: TestClient, db: Session) -> None:
    headers = as_user(client, "supervision")
    created = client.post(API, json=_plan(db), headers=headers)
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]
    edited = client.put(f"{API}/{plan_id}", json=_plan(db, cap=4), headers=headers)
    assert edited.status_code == 200 and edited.json()["batches"][0]["cap"] == 4
    assert edited.json()["revision"] == 2
    second = {**_plan(db)["batches"][0], "name": "第二批", "starts_on": "2026-07-01",
              "ends_on": "2026-07-31"}  # fmt: skip
    added = client.post(f"{API}/{plan_id}/batches", json=second, headers=headers)
    assert added.status_code == 200 and len(added.json()["batches"]) == 2

    assert client.post(f"{API}/{plan_id}/approve", headers=headers).status_code == 403
    boss = as_user(client, "leader")
    approved = client.post(f"{API}/{plan_id}/approve", headers=boss)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_at"]
    kinds = ["inspection.plan.draft", "inspection.plan.edit", "inspection.plan.edit",
             "inspection.plan.approve"]  # fmt: skip
    assert _kinds(db, plan_id) == kinds

    headers = as_user(client, "supervision")
    entries = _ledger(db)
    for got in (
        client.put(f"{API}/{plan_id}", json=_plan(db, cap=9), headers=headers),
        client.post(f"{API}/{plan_id}/batches", json={**second, "name": "第三批"}, headers=headers),
    ):
        assert got.status_code == 409 and "已经领导批准并冻结" in got.json()["detail"]
    assert _ledger(db) == entries
    boss = as_user(client, "leader")
    entries = _ledger(db)
    assert client.post(f"{API}/{plan_id}/approve", headers=boss).status_code == 409
    assert _ledger(db) == entries and _kinds(db, plan_id) == kinds
    assert client.get(f"{API}/{plan_id}").json()["batches"][0]["cap"] == 4


def test_who_may_write_and_approve(client: TestClient, db: Session) -> None:
    demo = db.scalar(select(InspectionPlan.id).where(InspectionPlan.year == 2026))
    headers = as_user(client, "zhangwei")  # an officer reads plans, no more
    assert client.get(API).status_code == 200
    assert client.post(API, json=_plan(db), headers=headers).status_code == 403
    assert client.post(f"{API}/{demo}/approve", headers=headers).status_code == 403
    headers = as_user(client, "leader")  # a leader approves, does not draft
    assert client.post(API, json=_plan(db), headers=headers).status_code == 403


def test_pages_draft_a_plan_and_a_batch(client: TestClient, db: Session) -> None:
    as_user(client, "supervision")
    _, unit = _refs(db)
    page = client.get("/app/inspection/plans/new")
    form = {"csrf_token": csrf_of(page.text), "year": "2026", "title": "专项计划", "unit_id": unit}
    done = client.post("/app/inspection/plans/new", data=form)
    assert done.status_code == 303, done.text
    plan_url = done.headers["location"].split("?")[0]
    item, _ = _refs(db)
    batch = {"csrf_token": form["csrf_token"], "name": "第一批", "item_id": str(item),
             "basis": "《安全生产法》第六十五条", "field": "安全生产", "starts_on": "2026-12-14",
             "ends_on": "2026-12-31", "rounding": "向上取整", "team_size": "2", "cap": "3",
             "share_A": "全部", "share_B": "1.5"}  # fmt: skip
    rows, entries = count(db, InspectionPlan), _ledger(db)
    refused = client.post(f"{plan_url}/batches/new", data=batch)
    assert refused.status_code == 400 and "“B级”：抽取比例不得大于 1" in refused.text
    assert (count(db, InspectionPlan), _ledger(db)) == (rows, entries)
    added = client.post(f"{plan_url}/batches/new", data={**batch, "share_B": "0.2"})
    assert added.status_code == 303
    detail = client.get(f"{plan_url}/batches/1")
    assert detail.status_code == 200 and "B级" in detail.text and "将抽取" in detail.text
    assert "批准计划" not in client.get(plan_url).text  # not the 科's to approve

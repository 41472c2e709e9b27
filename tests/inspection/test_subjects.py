"""The 检查对象名录库 through its API and pages, on SQLite and PostgreSQL: an entry is made
from a registered enterprise, bad input is refused in Chinese with nothing changed, a
change is a new version (the old one kept) and every write is a ledger entry; only the
keepers write."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user
from tests.conftest import csrf_of
from tests.inspection.helpers import ENTRY, LISTED, OUTSIDE, count, entries
from zhifa.core.audit import check_rows
from zhifa.inspection.subjects.models import InspectionSubject, InspectionSubjectVersion

API = "/api/v1/inspection/subjects"


def test_entering_and_revising_keeps_history_and_ledgers_it(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "supervision")
    before = entries(db, "inspection_subject_version")
    made = client.post(API, json=ENTRY, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["name"] == OUTSIDE.name and body["current"]["version"] == 1
    assert body["drawable"] is True
    subject_id = body["id"]
    revised = client.put(
        f"{API}/{subject_id}",
        json={**ENTRY, "risk_grade": "A", "status": "suspended", "reason": "停业整顿"},
        headers=headers,
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["current"]["version"] == 2 and revised.json()["drawable"] is False
    detail = client.get(f"{API}/{subject_id}", headers=headers).json()
    assert [(v["version"], v["risk_grade"], v["reason"]) for v in detail["history"]] == [
        (2, "A", "停业整顿"),
        (1, "B", "纳入名录"),
    ]
    # The same content again is not a version.
    same = client.put(
        f"{API}/{subject_id}",
        json={**ENTRY, "risk_grade": "A", "status": "suspended", "reason": "重复"},
        headers=headers,
    )
    assert same.status_code == 400 and same.json()["detail"] == "内容没有变化，无需保存新版本"
    db.rollback()
    versions = db.scalars(
        select(InspectionSubjectVersion).where(InspectionSubjectVersion.subject_id == subject_id)
    ).all()
    assert [(v.version, v.risk_grade) for v in versions] == [(1, "B"), (2, "A")]  # kept
    after = entries(db, "inspection_subject_version")
    assert after[len(before) :] == ["inspection.subject.version"] * 2
    assert entries(db, "inspection_subject")[-2:] == ["inspection.subject.version"] * 2
    assert list(check_rows(db)) == []


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"industry_code": "C51"}, "industry_code",
         "行业代码：大类 51 不属于门类 C（制造业，大类 13–43），属于门类 F"),
        ({"industry_code": "X12"}, "industry_code",
         "行业代码：门类“X”不存在（GB/T 4754-2017 的门类为 A 至 T）"),
        ({"risk_grade": "E"}, "risk_grade", "风险等级取值无效，请从列表中选择"),
        ({"street": "江宁路街道"}, "street", "属地：应为普陀区的街道或镇之一"),
        ({"special_flags": ["nuclear"]}, "special_flags", "特殊标识：未知的特殊标识：nuclear"),
        ({"licence_state": "maybe"}, "licence_state", "许可状态取值无效，请从列表中选择"),
        ({"uscc": "91310107MA1G00000A"}, "uscc", "统一社会信用代码"),
        ({"uscc": "91310107MA1G00000Q"}, "uscc",
         "统一社会信用代码 91310107MA1G00000Q 尚未登记为行政相对人（单位），请先登记"),
        ({"uscc": LISTED.uscc}, "uscc", f"统一社会信用代码 {LISTED.uscc} 已在检查对象名录库中"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_chinese_and_changes_nothing(
    client: TestClient, db: Session, change: dict[str, object], field: str, message: str
) -> None:
    headers = as_user(client, "legal")
    subjects, versions = count(db, InspectionSubject), count(db, InspectionSubjectVersion)
    response = client.post(API, json={**ENTRY, **change}, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.json()["field"] == field
    assert message in response.json()["detail"]
    assert (count(db, InspectionSubject), count(db, InspectionSubjectVersion)) == (
        subjects,
        versions,
    )


def test_only_keepers_write_and_everyone_reads(client: TestClient, db: Session) -> None:
    headers = as_user(client, "chenjing")  # an officer
    assert client.post(API, json=ENTRY, headers=headers).status_code == 403
    listed = client.get(API, headers=headers).json()
    assert len(listed) == 12 and LISTED.uscc in {s["uscc"] for s in listed}
    assert [s["uscc"] for s in listed] == sorted(s["uscc"] for s in listed)
    headers = as_user(client, "office")
    assert client.post(API, json=ENTRY, headers=headers).status_code == 403
    assert client.get("/app/inspection/subjects/new").status_code == 403


def test_pages_enter_and_revise_with_errors_beside_the_field(client: TestClient) -> None:
    as_user(client, "supervision")
    form = client.get("/app/inspection/subjects/new")
    assert form.status_code == 200 and "GB/T 4754-2017" in form.text
    data = {**ENTRY, "csrf_token": csrf_of(form.text), "in_scope": "1", "status": "operating"}
    bad = client.post("/app/inspection/subjects/new", data={**data, "industry_code": "C99"})
    assert bad.status_code == 422
    assert 'data-field="industry_code"' in bad.text and "大类 99 不属于门类 C" in bad.text
    made = client.post("/app/inspection/subjects/new", data=data)
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "已纳入名录" in page.text and OUTSIDE.name in page.text and "第 1 版" in page.text
    edit_url = made.headers["location"].split("?")[0] + "/edit"
    edit = client.get(edit_url)
    changed = {**data, "csrf_token": csrf_of(edit.text), "street": "长征镇", "reason": "搬迁"}
    changed.pop("in_scope")  # unticked: out of random checks
    saved = client.post(edit_url, data=changed)
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "第 2 版" in page.text and "搬迁" in page.text and "不参加抽取" in page.text
    listing = client.get("/app/inspection/subjects?street=长征镇")
    assert OUTSIDE.name in listing.text

"""The 执法检查人员名录库 through its API and pages, on SQLite and PostgreSQL: who is listed
for a period and field and why the others are not, absences and 回避 relations recorded
and withdrawn as versions (ledgered), bad input refused with nothing changed, need to
know (an officer sees only their own), and the frozen candidate lists."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user
from tests.conftest import csrf_of
from tests.inspection.helpers import LISTED, count, entries
from zhifa.core.audit import check_rows
from zhifa.core.models import AccessLog, User
from zhifa.inspection.inspectors.models import InspectorAbsenceVersion, Recusal, RecusalVersion

API = "/api/v1/inspection"
PERIOD = {"start": "2026-12-14", "end": "2026-12-31", "field": "安全生产"}


def _user_id(db: Session, username: str) -> int:
    user_id = db.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    return user_id


def test_listing_for_a_period_says_why_not(client: TestClient) -> None:
    as_user(client, "supervision")
    rows = {r["name"]: r for r in client.get(f"{API}/inspectors", params=PERIOD).json()}
    assert rows["张伟"]["number"] and rows["张伟"]["problems"] == []
    assert rows["杨帆"]["number"] is None  # certificate expired 2025-06-30
    assert "已过期" in rows["杨帆"]["problems"][0]
    assert rows["孙浩"]["number"] is None  # the demo's training 14–18 December
    assert rows["孙浩"]["problems"] == ["培训 2026年12月14日至2026年12月18日，与期间重叠"]
    later = client.get(f"{API}/inspectors", params={**PERIOD, "start": "2026-12-21"}).json()
    assert next(r for r in later if r["name"] == "孙浩")["number"]
    field = client.get(f"{API}/inspectors", params={**PERIOD, "field": "应急管理"}).json()
    assert sum(1 for r in field if r["number"]) == 5
    backwards = client.get(f"{API}/inspectors", params={**PERIOD, "end": "2026-12-01"})
    assert backwards.status_code == 400
    assert backwards.json() == {"detail": "截止日期不能早于起始日期", "field": "end"}


def test_frozen_candidates(client: TestClient, db: Session) -> None:
    as_user(client, "supervision")
    frozen = client.get(f"{API}/candidates", params=PERIOD).json()
    labels = [s["label"] for s in frozen["subjects"]]
    assert labels == sorted(labels) and len(labels) == 10  # 12 less one 停业, one out of scope
    assert frozen["inspectors"] == sorted(frozen["inspectors"]) and len(frozen["inspectors"]) == 12
    liuyang = client.get(f"{API}/inspectors", params=PERIOD).json()
    number = next(r["number"] for r in liuyang if r["name"] == "刘洋")
    assert frozen["avoidance"] == [[number, LISTED.uscc]]
    assert set(frozen["subjects"][0]) == {
        "label", "section", "division", "industry_code", "risk_grade", "street",
        "special_flags", "licence_state",
    }  # fmt: skip
    as_user(client, "chenjing")
    assert client.get(f"{API}/candidates", params=PERIOD).status_code == 403


def test_absence_and_recusal_are_versioned_and_ledgered(client: TestClient, db: Session) -> None:
    headers = as_user(client, "supervision")
    officer = _user_id(db, "zhangwei")
    absence = client.post(
        f"{API}/absences",
        json={"officer_id": officer, "kind": "secondment", "starts_on": "2026-12-20",
              "ends_on": "2027-01-10", "note": "借调区安委办"},
        headers=headers,
    )  # fmt: skip
    assert absence.status_code == 201, absence.text
    rows = {r["name"]: r for r in client.get(f"{API}/inspectors", params=PERIOD).json()}
    assert rows["张伟"]["number"] is None and "借调" in rows["张伟"]["problems"][0]
    absence_id = absence.json()["id"]
    withdrawn = client.post(
        f"{API}/absences/{absence_id}/withdraw", json={"reason": "借调取消"}, headers=headers
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["current"]["active"] is False
    history = client.get(f"{API}/absences/{absence_id}").json()["history"]
    assert [(v["version"], v["active"]) for v in history] == [(2, False), (1, True)]
    rows = {r["name"]: r for r in client.get(f"{API}/inspectors", params=PERIOD).json()}
    assert rows["张伟"]["number"]
    again = client.post(f"{API}/absences/{absence_id}/withdraw", json={"reason": "再次"},
                        headers=headers)  # fmt: skip
    assert again.status_code == 400 and again.json()["detail"] == "该记录已撤销"

    recusal = client.post(
        f"{API}/recusals",
        json={"officer_id": officer, "uscc": LISTED.uscc, "ground": "曾在该单位任职",
              "starts_on": "2026-12-01"},
        headers=headers,
    )  # fmt: skip
    assert recusal.status_code == 201, recusal.text
    frozen = client.get(f"{API}/candidates", params=PERIOD).json()
    assert len(frozen["avoidance"]) == 2
    recusal_id = recusal.json()["id"]
    client.post(f"{API}/recusals/{recusal_id}/withdraw", json={"reason": "已离职满五年"},
                headers=headers)  # fmt: skip
    assert len(client.get(f"{API}/candidates", params=PERIOD).json()["avoidance"]) == 1
    assert entries(db, "inspector_absence_version")[-2:] == ["inspection.absence.version"] * 2
    assert entries(db, "inspector_recusal_version")[-2:] == ["inspection.recusal.version"] * 2
    assert list(check_rows(db)) == []


def test_bad_input_changes_nothing(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    officer = _user_id(db, "zhangwei")
    before = (count(db, InspectorAbsenceVersion), count(db, Recusal), count(db, RecusalVersion))
    cases = [
        ("absences", {"officer_id": officer, "kind": "leave", "starts_on": "2026-12-20",
                      "ends_on": "2026-12-10"}, "ends_on", "结束日期不能早于开始日期"),
        ("absences", {"officer_id": officer, "kind": "vacation", "starts_on": "2026-12-20",
                      "ends_on": "2026-12-22"}, "kind", "类别取值无效，请从列表中选择"),
        ("absences", {"officer_id": _user_id(db, "legal"), "kind": "leave",
                      "starts_on": "2026-12-20", "ends_on": "2026-12-22"},
         "officer_id", "所选人员不是执法人员"),
        ("recusals", {"officer_id": officer, "uscc": "91310107MA1G00000Q", "ground": "亲属",
                      "starts_on": "2026-12-01"}, "uscc", "尚未登记为行政相对人"),
        ("recusals", {"officer_id": officer, "uscc": LISTED.uscc, "ground": "",
                      "starts_on": "2026-12-01"}, "ground", "回避事由不能为空"),
    ]  # fmt: skip
    for path, body, field, message in cases:
        response = client.post(f"{API}/{path}", json=body, headers=headers)
        assert 400 <= response.status_code < 500, body
        assert response.json()["field"] == field and message in response.json()["detail"]
    after = (count(db, InspectorAbsenceVersion), count(db, Recusal), count(db, RecusalVersion))
    assert after == before


def test_an_officer_sees_only_their_own_absences_and_recusals(
    client: TestClient, db: Session
) -> None:
    as_user(client, "liuyang")  # the demo's 回避 relation is 刘洋's
    own = client.get(f"{API}/recusals").json()
    assert [r["officer_name"] for r in own] == ["刘洋"]
    assert client.get(f"{API}/absences").json() == []  # 孙浩's training is not theirs
    absence_id = int(db.scalar(select(InspectorAbsenceVersion.absence_id).limit(1)) or 0)
    assert client.get(f"{API}/absences/{absence_id}").status_code == 404
    db.rollback()
    reads = db.scalars(
        select(AccessLog.record_type).where(AccessLog.user_id == _user_id(db, "liuyang"))
    ).all()
    assert {"inspector_recusal", "inspector_absence"} <= set(reads)  # every read is logged
    page = client.get("/app/inspection/inspectors")
    assert page.status_code == 200 and "刘洋" in page.text and "培训" not in page.text
    assert "登记回避关系" not in page.text  # officers do not keep the directory
    as_user(client, "sunhao")
    assert client.get(f"{API}/recusals").json() == []
    assert [a["officer_name"] for a in client.get(f"{API}/absences").json()] == ["孙浩"]
    as_user(client, "leader")  # sees every action: sees all
    assert len(client.get(f"{API}/recusals").json()) == 1
    assert len(client.get(f"{API}/absences").json()) == 1


def test_pages_record_and_withdraw(client: TestClient, db: Session) -> None:
    as_user(client, "supervision")
    form = client.get("/app/inspection/inspectors/recusals/new")
    data = {"csrf_token": csrf_of(form.text), "officer_id": str(_user_id(db, "lina")),
            "uscc": LISTED.uscc, "ground": "表兄任该单位法定代表人", "starts_on": "2026-12-01",
            "ends_on": "2026-11-01"}  # fmt: skip
    bad = client.post("/app/inspection/inspectors/recusals/new", data=data)
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.text
    made = client.post("/app/inspection/inspectors/recusals/new", data={**data, "ends_on": ""})
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "已登记回避关系" in page.text and "表兄任该单位法定代表人" in page.text
    assert "2026年12月1日起（长期）" in page.text
    recusal_id = max(db.scalars(select(Recusal.id)))
    done = client.post(
        f"/app/inspection/inspectors/recusals/{recusal_id}/withdraw",
        data={"csrf_token": csrf_of(page.text), "reason": "登记错误"},
    )
    assert done.status_code == 303
    assert "已撤销（登记错误）" in client.get(done.headers["location"]).text


def test_an_officer_declares_their_own_recusal(client: TestClient, db: Session) -> None:
    """回避 is declared by the officer concerned (no keeper needed), only for themselves;
    whoever is not an officer cannot declare one, and a refusal changes nothing."""
    headers = as_user(client, "zhangwei")
    other = _user_id(db, "liuyang")
    body = {"uscc": LISTED.uscc, "ground": "配偶任该单位安全负责人", "starts_on": "2026-12-01",
            "officer_id": other}  # fmt: skip
    made = client.post(f"{API}/recusals/declare", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["officer_name"] == "张伟"  # recorded for who declares, never another
    assert entries(db, "inspector_recusal_version")[-1] == "inspection.recusal.version"
    page = client.get("/app/inspection/inspectors")
    assert "申报本人回避关系" in page.text
    form = client.get("/app/inspection/inspectors/recusals/declare")
    assert form.status_code == 200 and "申报人：张伟（本人）" in form.text
    data = {"csrf_token": csrf_of(form.text), "uscc": LISTED.uscc, "ground": "",
            "starts_on": "2026-12-01", "ends_on": ""}  # fmt: skip
    refused = client.post("/app/inspection/inspectors/recusals/declare", data=data)
    assert refused.status_code == 422 and "回避事由" in refused.text
    before = (count(db, Recusal), count(db, RecusalVersion))
    headers = as_user(client, "legal")
    refused = client.post(f"{API}/recusals/declare", json=body, headers=headers)
    assert refused.status_code == 403 and "没有执行此操作的权限" in refused.json()["detail"]
    assert (count(db, Recusal), count(db, RecusalVersion)) == before

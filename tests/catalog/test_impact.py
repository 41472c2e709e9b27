"""The impact of a law change on the demo catalogue, on SQLite and PostgreSQL: the items
citing the law are shown before saving (their number computed here from the raw tables),
and saving records the change with its effective date and that list, ledgered."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user, count
from tests.conftest import csrf_of
from zhifa import ledger
from zhifa.catalog.models import LawChange, LawVersion
from zhifa.core.audit import check_rows, snapshot
from zhifa.ledger.models import ledger_entry

# Written against the tables, independently of catalog.impact.
CITING = text(
    """
    SELECT 'power_item', p.code FROM power_item p
      JOIN power_item_version v ON v.power_item_id = p.id AND v.version = p.current_version
      JOIN article_citation c ON c.power_item_version_id = v.id
      JOIN law_article a ON a.id = c.article_id WHERE a.law_id = :law
    UNION
    SELECT 'service_guide', p.code FROM service_guide g
      JOIN power_item p ON p.id = g.power_item_id
      JOIN power_item_version v ON v.power_item_id = p.id AND v.version = p.current_version
      JOIN article_citation c ON c.power_item_version_id = v.id
      JOIN law_article a ON a.id = c.article_id WHERE a.law_id = :law
    UNION
    SELECT 'random_check', r.code FROM random_check_item r
      JOIN random_check_version v ON v.item_id = r.id AND v.version = r.current_version
      JOIN article_citation c ON c.random_check_version_id = v.id
      JOIN law_article a ON a.id = c.article_id WHERE a.law_id = :law
    """
)
LAW_ID = text("SELECT law_id FROM law_version WHERE title = :title")


def _citing(db: Session, law_id: int) -> set[tuple[str, str]]:
    db.rollback()
    return {(kind, code) for kind, code in db.execute(CITING, {"law": law_id})}


def _law(db: Session, title: str) -> int:
    return int(db.execute(LAW_ID, {"title": title}).scalar_one())


def test_impact_is_shown_before_saving_and_recorded(client: TestClient, db: Session) -> None:
    as_user(client, "legal")
    law_id = _law(db, "危险化学品安全管理条例")
    expected = _citing(db, law_id)
    assert ("service_guide", "XK-001") in expected and ("random_check", "SJ-001") in expected
    page = client.get(f"/app/catalog/laws/{law_id}/change")
    assert page.status_code == 200
    assert f"这 {len(expected)} 项引用了该法规" in page.text
    for _, code in expected:
        assert code in page.text
    api = client.get(f"/api/v1/laws/{law_id}/impact").json()
    assert {(i["kind"], i["code"]) for i in api["items"]} == expected
    assert api["message"] == f"这 {len(expected)} 项引用了该法规"
    versions_before = count(db, LawVersion)
    assert count(db, LawChange) == 0  # looking changed nothing

    form = {
        "csrf_token": csrf_of(page.text),
        "kind": "repealed",
        "effective_on": "2013-01-01",
        "replaced_by_id": "",
        "reason": "测试废止",
    }
    refused = client.post(f"/app/catalog/laws/{law_id}/change", data=form)
    assert refused.status_code == 400 and "废止日期不能早于公布日期" in refused.text
    assert f"这 {len(expected)} 项引用了该法规" in refused.text
    assert (count(db, LawChange), count(db, LawVersion)) == (0, versions_before)

    saved = client.post(
        f"/app/catalog/laws/{law_id}/change", data=form | {"effective_on": "2025-03-01"}
    )
    assert saved.status_code == 303
    db.rollback()
    change = db.query(LawChange).one()
    assert (change.kind, change.effective_on) == ("repealed", date(2025, 3, 1))
    assert {(a["kind"], a["code"]) for a in change.affected} == expected
    detail = client.get(saved.headers["location"]).text
    assert "已废止" in detail and "测试废止" in detail
    kind = ledger_entry.c.kind == "law.change.impact"
    recorded = db.execute(select(ledger_entry.c.subject, ledger_entry.c.payload_sha256).where(kind))
    assert recorded.all() == [
        (f"law_change:{change.id}", ledger.payload_digest(snapshot(change)))
    ]  # the list of affected items is part of the ledgered row
    assert list(check_rows(db)) == []


def test_replacement_needs_the_new_law(client: TestClient, db: Session) -> None:
    headers = as_user(client, "legal")
    law_id = _law(db, "中华人民共和国安全生产法")
    expected = _citing(db, law_id)
    assert len(expected) == 11  # 7 power items and 4 random-check items of the demo
    change = {"kind": "replaced", "effective_on": "2030-01-01", "reason": "新法施行"}
    answer = client.post(f"/api/v1/laws/{law_id}/changes", json=change, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["detail"] == "被替代时须选择替代它的新法规"
    self_replace = change | {"replaced_by_id": law_id}
    answer = client.post(f"/api/v1/laws/{law_id}/changes", json=self_replace, headers=headers)
    assert answer.json()["detail"] == "法规不能被自身替代"
    other = _law(db, "中华人民共和国行政处罚法")
    answer = client.post(
        f"/api/v1/laws/{law_id}/changes", json=change | {"replaced_by_id": other}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["law"]["repealed_on"] == "2030-01-01"
    assert body["law"]["status_today"] == "in_force"  # not yet: the change takes effect later
    assert body["law"]["replaced_by_id"] == other
    assert {(a["kind"], a["code"]) for a in body["affected"]} == expected

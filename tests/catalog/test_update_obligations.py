"""Update obligations of the 事前公示 catalogue (公示办法 第八条), on SQLite and PostgreSQL:
a repealed law, an organisation change and a revoked certificate each open obligations with
the rule table's due day; staff may record "已核对，无需修改"; the deadline board and the
overdue report list them with the other duties. Expected entries are computed here from
the raw tables, due days counted by hand in the comments."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.catalog.helpers import as_user, count
from tests.catalog.test_impact import _citing, _law
from tests.conftest import csrf_of
from zhifa.catalog.updates.models import CatalogueUpdate, OrganisationChange, UpdateStatus
from zhifa.core.audit import check_rows
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import today
from zhifa.insight.accountability import DutyKind, Filters, overdue_report
from zhifa.ledger.models import ledger_entry

SNAPSHOT_KIND = {"power_item": "power_item", "service_guide": "service_guide"}
SNAPSHOT_KIND["random_check"] = "random_check_item"

# Thu 24 Sep 2026. Official 2026 schedule: 25 Sep (中秋) and 1-7 Oct (国庆) off, Sat 10 Oct
# a make-up working day. Working days after the 24th: Sep 28, 29, 30 (1-3), Oct 8, 9 (4-5),
# Sat 10 (6), 12-16 (7-11), 19-23 (12-16), 26, 27, 28 (17-19), Thu 29 Oct (20).
EFFECTIVE = "2026-09-24"
DUE = date(2026, 10, 29)


def _repeal(client: TestClient, law_id: int) -> str:
    page = client.get(f"/app/catalog/laws/{law_id}/change")
    form = {
        "csrf_token": csrf_of(page.text),
        "kind": "repealed",
        "effective_on": EFFECTIVE,
        "replaced_by_id": "",
        "reason": "测试废止",
    }
    saved = client.post(f"/app/catalog/laws/{law_id}/change", data=form)
    assert saved.status_code == 303, saved.text
    return str(saved.headers["location"])


def test_repealed_law_opens_one_obligation_per_citing_entry(
    client: TestClient, db: Session
) -> None:
    as_user(client, "legal")
    law_id = _law(db, "危险化学品安全管理条例")
    expected = {(SNAPSHOT_KIND[kind], code) for kind, code in _citing(db, law_id)}
    assert len(expected) >= 3
    detail = client.get(_repeal(client, law_id))
    db.rollback()
    rows = list(db.scalars(select(CatalogueUpdate)))
    assert {(r.target_kind, r.subject) for r in rows} == expected
    assert len(rows) == len(expected)  # one each
    for row in rows:
        assert (row.cause, row.status) == ("law_change", UpdateStatus.open)
        assert (row.started_on, row.due_on, row.due_provisional) == (date(2026, 9, 24), DUE, False)
        assert row.limit_code == "publicity.update_law_change"
        assert "危险化学品安全管理条例" in row.review and "第" in row.review  # places cited
    # the law page shows what was created, with the due days
    assert detail.status_code == 200
    assert f"最近一次变更的事前公示更新义务（{len(rows)} 项）" in detail.text
    assert detail.text.count("2026年10月29日") >= len(rows)
    kind = ledger_entry.c.kind == "catalogue_update.open"
    assert len(db.execute(select(ledger_entry.c.index).where(kind)).all()) == len(rows)
    assert list(check_rows(db)) == []

    # on the deadline board with the other tasks, and filterable
    board = client.get("/app/publicity?task=catalogue_update")
    assert board.status_code == 200
    assert board.text.count('data-kind="catalogue_update"') == len(rows)
    assert "事前公示更新" in board.text and "2026年10月29日" in board.text
    assert 'data-kind="catalogue_update"' not in client.get("/app/publicity?task=publication").text
    every = client.get("/app/publicity").text
    assert every.count('data-kind="catalogue_update"') == len(rows)
    unit = next(r.unit_id for r in rows if r.unit_id is not None)  # the item's unit
    of_unit = client.get(f"/app/publicity?task=catalogue_update&unit={unit}").text
    assert of_unit.count('data-kind="catalogue_update"') == sum(r.unit_id == unit for r in rows)
    legal = {r.responsible_id for r in rows}.pop()  # who registered the change
    mine = client.get(f"/app/publicity?person={legal}&task=catalogue_update").text
    assert mine.count('data-kind="catalogue_update"') == len(rows)
    assert f'<option value="{legal}" selected' in mine

    # in the overdue report, late by working days as every duty: Fri 30 Oct, Mon 2 Nov = 2
    report = overdue_report(
        db, working_calendar(db), date(2026, 11, 2), Filters(kind=DutyKind.catalogue_update)
    )
    assert {r.duty.record_id for r in report.rows} == {r.id for r in rows}
    assert {r.working_days for r in report.rows} == {2}
    page = client.get(f"/app/insight/overdue?kind=catalogue_update&person={legal}")
    assert page.status_code == 200
    assert page.text.count('data-kind="catalogue_update"') == len(rows)
    assert "事前公示更新" in page.text


def _entries_of_unit(db: Session, unit_id: int) -> set[tuple[str, str]]:
    """The public entries of a unit, from the raw tables."""
    db.rollback()
    query = text(
        """
        SELECT 'power_item', p.code FROM power_item p JOIN power_item_version v
          ON v.power_item_id = p.id AND v.version = p.current_version WHERE v.unit_id = :u
        UNION
        SELECT 'service_guide', p.code FROM service_guide g
          JOIN power_item p ON p.id = g.power_item_id JOIN power_item_version v
          ON v.power_item_id = p.id AND v.version = p.current_version WHERE v.unit_id = :u
        UNION
        SELECT 'random_check_item', r.code FROM random_check_item r JOIN random_check_version v
          ON v.item_id = r.id AND v.version = r.current_version WHERE v.unit_id = :u
        UNION
        SELECT 'officer', cv.number FROM certificate c
          JOIN certificate_version cv ON cv.certificate_id = c.id
           AND cv.version = c.current_version
          JOIN user_account a ON a.id = c.officer_id WHERE a.unit_id = :u
        """
    )
    return {(k, s) for k, s in db.execute(query, {"u": unit_id})}


def test_organisation_change_opens_obligations_for_the_units_entries(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "legal")
    unit_id = int(db.execute(text("SELECT id FROM unit WHERE name = '执法大队'")).scalar_one())
    expected = _entries_of_unit(db, unit_id)
    assert {k for k, _ in expected} >= {"power_item", "random_check_item", "officer"}
    url = "/api/v1/catalog/organisation-changes"
    body = {
        "approval_number": "普编〔2026〕12号",
        "approved_on": "2026-11-02",
        "unit_ids": [unit_id],
        "description": "执法大队内设中队调整",
    }
    bad = [
        ({"unit_ids": [unit_id, 9999]}, "单位不存在"),
        ({"approved_on": "2099-01-01"}, "批准日期不能晚于今天"),
        ({"approval_number": "  "}, "批准文号"),
        ({"unit_ids": []}, None),
    ]
    for change, message in bad:
        answer = client.post(url, json=body | change, headers=headers)
        assert 400 <= answer.status_code < 500, answer.text
        if message:
            assert message in answer.json()["detail"]
    assert (count(db, OrganisationChange), count(db, CatalogueUpdate)) == (0, 0)

    made = client.post(url, json=body, headers=headers)
    assert made.status_code == 201, made.text
    created = made.json()["updates"]
    assert {(u["target_kind"], u["subject"]) for u in created} == expected
    # Mon 2 Nov 2026, no holiday in November: Nov 3-6 (1-4), 9-13 (5-9), 16-20 (10-14),
    # 23-27 (15-19), Mon 30 Nov (20).
    assert {(u["started_on"], u["due_on"]) for u in created} == {("2026-11-02", "2026-11-30")}
    assert {u["cause"] for u in created} == {"organisation"}

    page = client.get(f"/app/catalog/organisation-changes/{made.json()['id']}")
    assert page.status_code == 200 and "普编〔2026〕12号" in page.text
    assert page.text.count("2026年11月30日") == len(expected)
    form = client.get("/app/catalog/organisation-changes/new")
    assert form.status_code == 200
    refused = client.post(
        "/app/catalog/organisation-changes",
        data={"csrf_token": csrf_of(form.text), "approval_number": "x", "approved_on": ""},
    )
    assert refused.status_code in (400, 422) and "批准文号" in refused.text
    assert count(db, OrganisationChange) == 1
    assert list(check_rows(db)) == []


def test_revoked_certificate_opens_an_obligation_for_the_officer_entry(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "legal")
    officer = next(o for o in client.get("/api/v1/officers").json() if o["username"] == "lina")
    cert = officer["certificates"][0]
    body = {k: cert[k] for k in ("number", "issuing_authority", "scope", "valid_from")}
    body |= {"valid_to": cert["valid_to"], "status": "revoked", "reason": "调离执法岗位"}
    answer = client.put(f"/api/v1/certificates/{cert['id']}", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    db.rollback()
    row = db.scalars(select(CatalogueUpdate)).one()
    assert (row.cause, row.target_kind, row.subject) == ("certificate", "officer", cert["number"])
    assert (row.certificate_id, row.certificate_version) == (cert["id"], 2)
    assert row.started_on == today() and row.due_on > row.started_on
    assert row.limit_code == "publicity.update_certificate" and "调离执法岗位" in row.review
    # refused input changes nothing and opens nothing
    bad = client.put(
        f"/api/v1/certificates/{cert['id']}",
        json=body | {"valid_to": "2000-01-01"},
        headers=headers,
    )
    assert bad.status_code in (400, 422)
    assert count(db, CatalogueUpdate) == 1
    listed = client.get("/app/catalog/updates")
    assert listed.status_code == 200 and cert["number"] in listed.text


def test_checked_without_change_is_recorded_with_its_reason(
    client: TestClient, db: Session
) -> None:
    as_user(client, "legal")
    _repeal(client, _law(db, "危险化学品安全管理条例"))
    db.rollback()
    row = db.scalars(select(CatalogueUpdate).order_by(CatalogueUpdate.id)).first()
    assert row is not None
    page = client.get(f"/app/catalog/updates/{row.id}")
    assert page.status_code == 200 and "已核对，无需修改" in page.text
    url = f"/app/catalog/updates/{row.id}/unchanged"
    token = csrf_of(page.text)
    assert client.post(url, data={"reason": "已核对，条文未变"}).status_code == 403  # no CSRF
    short = client.post(url, data={"csrf_token": token, "reason": "无"})
    assert short.status_code in (400, 422) and "至少 4 个字" in short.text
    db.rollback()
    assert db.get(CatalogueUpdate, row.id).status is UpdateStatus.open  # type: ignore[union-attr]
    done = client.post(
        url, data={"csrf_token": token, "reason": "已核对：依据改为新条例对应条款，内容无需修改"}
    )
    assert done.status_code == 303
    db.rollback()
    saved = db.get(CatalogueUpdate, row.id)
    assert saved is not None and saved.status is UpdateStatus.unchanged
    assert saved.done_on == today() and "内容无需修改" in saved.done_note
    kind = ledger_entry.c.kind == "catalogue_update.unchanged"
    assert db.execute(select(ledger_entry.c.subject).where(kind)).scalars().all() == [
        f"catalogue_update:{row.id}"
    ]
    again = client.post(url, data={"csrf_token": token, "reason": "再次核对无需修改"})
    assert again.status_code == 409
    board = client.get("/app/publicity?task=catalogue_update&state=已完成")
    assert f'href="/app/catalog/updates/{row.id}"' in board.text
    # an officer may read the catalogue but not record the check
    as_user(client, "zhangwei")
    assert client.post(url, data={"csrf_token": token, "reason": "xxxxxxx"}).status_code == 403


def test_law_change_api_answers_with_the_obligations_it_opened(
    client: TestClient, db: Session
) -> None:
    headers = as_user(client, "legal")
    law_id = _law(db, "中华人民共和国安全生产法")
    change = {"kind": "revised", "effective_on": EFFECTIVE, "reason": "测试修正"}
    answer = client.post(f"/api/v1/laws/{law_id}/changes", json=change, headers=headers)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert len(body["updates"]) == len(body["affected"]) == len(_citing(db, law_id))
    assert {(u["due_on"], u["status"]) for u in body["updates"]} == {("2026-10-29", "open")}
    listed = client.get(f"/api/v1/catalog/updates?law_change_id={body['id']}").json()
    assert [u["id"] for u in listed] == [u["id"] for u in body["updates"]]

"""Withdrawals and updates on SQLite and PostgreSQL, through the API: due days from the
rule table across Spring Festival 2027 (the test schedule with a make-up Saturday) —
penalty 3 working days (行政处罚法 第四十八条第二款), other decisions 7 (第九条第三项),
update of a changed decision 20 (第八条第四项), correction requests 5 (第九条第二项);
performing a withdrawal takes the version down with its reason (outbox `withdraw`); a
changed penalty is withdrawn first, then its changed decision is published by a second
person (outbox `update`); officers get 403 and change nothing."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_of, login, schedule_2027
from tests.enforcement.test_actions import _as, _open, _valid_officers
from tests.enforcement.test_penalty_flow import _issue
from tests.publicity.test_corrections import publish
from tests.publicity.test_flow import _obligation
from zhifa.core.blobstore import open_blob_store
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.publicity import corrections
from zhifa.publicity.models import OutboxMessage, Publication, PublicationUpdate, Withdrawal


def load_2027(client: TestClient) -> None:
    login(client, "admin")
    csrf = csrf_of(client.get("/app/calendar").text)
    loaded = client.post(
        "/app/calendar/schedules",
        data={"csrf_token": csrf},
        files={"file": ("2027.json", json.dumps(schedule_2027(["2027-02-20"])), "text/plain")},
    )
    assert loaded.status_code == 303, loaded.text


def change(cause: str, on: str = "2027-02-04", ref: str = "沪普复决字〔2027〕第1号") -> dict:
    return {
        "cause": cause,
        "occurred_on": on,
        "reason": "该处罚决定已被行政复议机关依法撤销",
        "decision_ref": ref,
    }


def _events(db: Session, publication_id: int) -> list[tuple[str, str]]:
    db.rollback()
    rows = db.scalars(select(OutboxMessage).where(OutboxMessage.publication_id == publication_id))
    return [(m.event.value, m.note) for m in rows]


def test_revoked_penalty_withdrawn_within_3_working_days(client: TestClient, db: Session) -> None:
    load_2027(client)
    published = publish(client, db)
    public_id = published["obligation_id"]
    url = f"/api/v1/publicity/obligations/{public_id}/changes"
    _as(client, "zhangwei")
    assert client.post(url, json=change("revoked")).status_code == 403
    _as(client, "legal")
    assert client.post(url, json={**change("revoked"), "reason": ""}).status_code == 422
    assert client.post(url, json={**change("revoked"), "cause": "lost"}).status_code == 422
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Withdrawal)) == 0
    made = client.post(url, json=change("revoked"))
    assert made.status_code == 201, made.text
    withdrawal, update = made.json()["withdrawal"], made.json()["update"]
    assert update is None
    # Thu 4 Feb 2027; 5-14 Feb are rest days: Mon 15, Tue 16, Wed 17
    assert withdrawal["due_on"] == "2027-02-17" and withdrawal["due_provisional"] is False
    assert withdrawal["limit_code"] == "publicity.withdrawal_penalty"
    assert "第四十八条第二款" in withdrawal["basis"]
    assert client.post(url, json=change("revoked")).status_code == 409  # one at a time
    page = client.get(f"/app/publicity/withdrawals/{withdrawal['id']}")
    assert page.status_code == 200 and "2027年2月17日" in page.text  # cn_date
    board = client.get("/app/publicity?task=withdrawal")
    assert board.status_code == 200 and "2027年2月17日" in board.text and "被依法撤销" in board.text
    db.rollback()
    legal_id = db.scalar(select(User.id).where(User.username == "legal"))
    mine = client.get(f"/app/publicity?person={legal_id}&task=withdrawal")
    assert "2027年2月17日" in mine.text and f'<option value="{legal_id}" selected' in mine.text

    perform = f"/api/v1/publicity/withdrawals/{withdrawal['id']}/perform"
    _as(client, "zhangwei")
    assert client.post(perform).status_code == 403
    db.rollback()
    pub = db.get(Publication, published["id"])
    assert pub is not None and pub.status.value == "published"
    _as(client, "legal")
    done = client.post(perform)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["publication_id"] == published["id"]
    db.rollback()
    pub = db.get(Publication, published["id"])
    assert pub is not None and pub.status.value == "withdrawn"
    assert pub.end_reason == "该处罚决定已被行政复议机关依法撤销" and pub.ended_at is not None
    assert pub.digest == published["digest"]  # the snapshot itself is untouched
    assert ("withdraw", "该处罚决定已被行政复议机关依法撤销") in _events(db, published["id"])
    assert client.post(perform).status_code == 409
    assert client.post(url, json=change("unlawful")).status_code == 409  # no longer shown
    rows = client.get("/app/publicity?task=withdrawal&state=已完成")
    assert f'href="/app/publicity/withdrawals/{withdrawal["id"]}"' in rows.text


def test_changed_penalty_withdrawn_then_updated_by_a_second_person(
    client: TestClient, db: Session
) -> None:
    load_2027(client)
    published = publish(client, db)
    public_id = published["obligation_id"]
    made = _as(client, "legal").post(
        f"/api/v1/publicity/obligations/{public_id}/changes",
        json={**change("changed"), "reason": "处罚决定已依法变更，罚款金额调整"},
    )
    assert made.status_code == 201, made.text
    withdrawal, update = made.json()["withdrawal"], made.json()["update"]
    assert withdrawal["due_on"] == "2027-02-17"
    # 20 working days from Thu 4 Feb: 15-19 Feb (5), Sat 20 Feb make-up day (6),
    # 22-26 Feb (11), 1-5 Mar (16), 8-11 Mar (20)
    assert update["due_on"] == "2027-03-11"
    assert update["limit_code"] == "publicity.update_decision_changed"
    assert update["withdrawal_id"] == withdrawal["id"]
    proposal = f"/api/v1/publicity/updates/{update['id']}/proposal"
    early = client.post(proposal)
    assert early.status_code == 409 and "须先撤回" in early.json()["detail"]
    assert (
        client.post(f"/api/v1/publicity/withdrawals/{withdrawal['id']}/perform").status_code == 200
    )
    no_doc = client.post(proposal)
    assert no_doc.status_code == 409 and "尚未签发" in no_doc.json()["detail"]

    # the changed decision is issued as a new version of the decision document
    db.rollback()
    ob = _obligation_row(db, public_id)
    lead = db.get(User, ob["responsible_id"])
    assert lead is not None
    _as(client, lead.username)
    fields = {"penalty_content": "罚款人民币壹万元", "fine_amount": "10000"}
    corrected = client.post(
        f"/api/v1/documents/{ob['document_id']}/corrections",
        json={"reason": "依复议决定变更罚款金额", "fields": fields},
    )
    assert corrected.status_code == 201, corrected.text
    issued = client.post(f"/api/v1/documents/{corrected.json()['id']}/issue")
    assert issued.status_code == 200, issued.text

    _as(client, "legal")
    drafted = client.post(proposal)
    assert drafted.status_code == 200, drafted.text
    new = drafted.json()
    assert new["version"] == 2 and new["supersedes_id"] == published["id"]
    items = {i["key"]: i["value"] for i in new["snapshot"]["items"]}
    assert items["content"] == "罚款人民币壹万元" and items["fine_wan"] == "1"
    shown = client.get(f"/app/publicity/updates/{update['id']}").text
    assert "<td>处罚内容</td><td>罚款人民币贰万元</td><td>罚款人民币壹万元</td>" in shown
    approve = f"/api/v1/publicity/updates/{update['id']}/approve"
    assert client.post(approve).status_code == 403  # the proposer
    _as(client, "zhangwei")
    assert client.post(approve).status_code == 403  # may not publish
    _as(client, "admin")
    done = client.post(approve)
    assert done.status_code == 200, done.text
    assert (
        done.json()["status"] == "published"
        and "更新：原决定已依法变更" in (done.json()["correction_note"])
    )
    db.rollback()
    old = db.get(Publication, published["id"])
    assert old is not None and old.status.value == "withdrawn"  # stays withdrawn
    assert [e for e, _ in _events(db, new["id"])] == ["update"]
    row = db.get(PublicationUpdate, update["id"])
    assert row is not None and row.status.value == "done" and row.done_on is not None


def _obligation_row(db: Session, obligation_id: int) -> dict[str, Any]:
    from zhifa.publicity.models import PublicationObligation

    row = db.get(PublicationObligation, obligation_id)
    assert row is not None
    return {"responsible_id": row.responsible_id, "document_id": row.document_id}


def _publish_seizure(client: TestClient, db: Session) -> dict[str, Any]:
    """An issued 查封 decision (行政强制), published by the legal section."""
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "compulsion.seizure", "compulsion", officers)
    fields = {"measure": "查封", "facts": "钢瓶超期未检", "items": "液化石油气钢瓶6只"}
    doc = _issue(client, action["id"], "seizure_decision", fields)
    _as(client, "legal")
    ob = _obligation(client, doc["id"])
    pub = client.post(f"/api/v1/publicity/obligations/{ob['id']}/draft", json={}).json()
    url = f"/api/v1/publicity/publications/{pub['id']}"
    assert client.post(f"{url}/review", json={}).status_code == 200
    done = client.post(f"{url}/publish")
    assert done.status_code == 200, done.text
    return done.json()  # type: ignore[no-any-return]


def test_compulsion_withdrawal_7_and_update_20_working_days(
    client: TestClient, db: Session
) -> None:
    load_2027(client)
    first = _publish_seizure(client, db)
    made = _as(client, "legal").post(
        f"/api/v1/publicity/obligations/{first['obligation_id']}/changes",
        json=change("redo"),
    )
    assert made.status_code == 201, made.text
    withdrawal = made.json()["withdrawal"]
    # from Thu 4 Feb: 15-19 Feb (5), Sat 20 Feb make-up (6), Mon 22 Feb (7)
    assert withdrawal["due_on"] == "2027-02-22"
    assert withdrawal["limit_code"] == "publicity.withdrawal"

    second = _publish_seizure(client, db)
    changed = client.post(
        f"/api/v1/publicity/obligations/{second['obligation_id']}/changes",
        json=change("changed"),
    )
    assert changed.status_code == 201, changed.text
    # a changed decision of another kind is not withdrawn: the update replaces it
    assert changed.json()["withdrawal"] is None
    assert changed.json()["update"]["due_on"] == "2027-03-11"
    board = client.get("/app/publicity?task=update&kind=compulsion")
    assert board.status_code == 200 and "2027年3月11日" in board.text


def test_correction_request_due_in_5_working_days_across_spring_festival(
    client: TestClient, db: Session, settings: Settings
) -> None:
    load_2027(client)
    public_id = publish(client, db)["obligation_id"]
    db.rollback()
    intake = corrections.Intake(public_id, "李四", "021-62541234", "决定书文号有误")
    correction = corrections.receive(
        db,
        open_blob_store(settings),
        settings,
        intake,
        None,
        "k" * 32,
        received_on=date(2027, 2, 3),
    )
    db.commit()
    # Wed 3 Feb: Thu 4 Feb (1), 5-14 Feb rest days, 15-18 Feb (5)
    assert correction.due_on == date(2027, 2, 18) and correction.due_provisional is False
    status = client.get(f"/corrections/{correction.receipt_number}")
    assert "2027年2月18日" in status.text and "021-****1234" not in status.text  # no contact

"""档案利用: a request to read, copy or borrow an archive file; the archivist or a leader
decides; an approval is a grant with an end date; every use of an item under it is in
the access log with the request as its purpose; without a live grant, 403 and the way to
ask. On SQLite and PostgreSQL, through the app's API and pages."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.archive.helpers import file_case
from tests.conftest import csrf_of, login
from zhifa.archive.filing.models import ArchiveFile
from zhifa.archive.use.models import ArchiveUse, ArchiveUseRequest
from zhifa.core.blobstore import open_blob_store
from zhifa.core.clock import today
from zhifa.core.db import utcnow
from zhifa.core.grants import GrantRecord, RecordGrant, latest_until
from zhifa.core.models import AccessLog, User
from zhifa.core.settings import Settings
from zhifa.ledger.models import ledger_entry
from zhifa.web.app import create_app

OFFICER = "zhangwei"
API = "/api/v1/archive/use"


@pytest.fixture
def filed(settings: Settings, db: Session) -> ArchiveFile:
    archive = file_case(db, open_blob_store(settings))
    db.commit()
    assert archive.items  # loaded now, then the session lets go of the database
    db.commit()
    db.expunge_all()
    return archive


@pytest.fixture
def app(settings: Settings, filed: ArchiveFile) -> Any:
    return create_app(settings)


def _client(app: Any, username: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app, follow_redirects=False)
    return client, {"X-CSRF-Token": login(client, username)}


@pytest.fixture
def people(app: Any) -> Iterator[dict[str, tuple[TestClient, dict[str, str]]]]:
    found = {name: _client(app, name) for name in (OFFICER, "archivist", "leader")}
    yield found
    for client, _ in found.values():
        client.close()


def _ask(people: Any, who: str, file_id: int, **extra: Any) -> dict[str, Any]:
    client, headers = people[who]
    body = {
        "file_id": file_id,
        "use_kind": "read",
        "reason": "办理行政复议答复，核对处罚决定书",
        "wanted_until": (today() + timedelta(days=10)).isoformat(),
        **extra,
    }
    made = client.post(f"{API}/requests", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def _decide(people: Any, who: str, request_id: int, **body: Any) -> Any:
    client, headers = people[who]
    body = {"approve": True, **body}
    return client.post(f"{API}/requests/{request_id}/decision", json=body, headers=headers)


def _content(people: Any, who: str, item_id: int, copy: bool = False) -> Any:
    client, _ = people[who]
    return client.get(f"{API}/items/{item_id}/content", params={"copy": copy})


def _count(db: Session, model: Any) -> int:
    db.rollback()
    found = int(db.scalar(select(func.count()).select_from(model)) or 0)
    db.rollback()
    return found


def _ledgered(db: Session, kind: str) -> int:
    db.rollback()
    found = db.scalar(select(func.count()).where(ledger_entry.c.kind == kind))
    db.rollback()
    return int(found or 0)


def _detached(db: Session, query: Any) -> Any:
    """One row, read in a transaction of its own and let go (a session holding SQLite's
    write lock would stall the app)."""
    db.rollback()
    row = db.scalar(query)
    if row is not None:
        db.expunge(row)
    db.rollback()
    return row


def _last_log(db: Session, username: str) -> AccessLog:
    user = _detached(db, select(User).where(User.username == username))
    row = _detached(
        db, select(AccessLog).where(AccessLog.user_id == user.id).order_by(AccessLog.id.desc())
    )
    assert row is not None
    return row  # type: ignore[no-any-return]


def test_read_request_approved_used_logged_then_expired(
    people: Any, filed: ArchiveFile, db: Session
) -> None:
    item = filed.items[0]
    asked = _ask(people, OFFICER, filed.id)
    assert (asked["approver"], asked["state"]) == ("archivist", "pending")
    assert asked["approver_label"] == "档案管理员" and asked["state_label"] == "待审批"
    assert _ledgered(db, "archive.use.request") == 1

    # No grant yet: 403 in words, on the API and on the page (with the way to ask).
    refused = _content(people, OFFICER, item.id)
    assert refused.status_code == 403 and "利用申请" in refused.json()["detail"]
    page = people[OFFICER][0].get(f"/app/archive/use/items/{item.id}")
    assert page.status_code == 403
    assert f'href="/app/archive/use/requests?file={filed.id}"' in page.text

    decided = _decide(people, "archivist", asked["id"])
    assert decided.status_code == 200, decided.text
    out = decided.json()
    assert out["state"] == "live" and out["valid_until"] is not None
    grant = _detached(
        db, select(RecordGrant).where(RecordGrant.record_type == GrantRecord.archive_file)
    )
    assert grant is not None and grant.record_id == filed.id
    wanted_end = date.fromisoformat(asked["wanted_until"][:10])
    assert grant.valid_until.date() <= wanted_end + timedelta(days=1)
    assert grant.valid_until <= latest_until(utcnow())
    assert _ledgered(db, "archive.use.decide") == 1 and _ledgered(db, "grant.create") >= 1

    read = _content(people, OFFICER, item.id)
    assert read.status_code == 200 and read.content[:4] == b"%PDF"
    assert read.headers["content-disposition"].startswith("inline")
    log = _last_log(db, OFFICER)
    assert log.record_type == "archive_item" and log.record_id == str(item.id)
    assert f"档案利用申请第{asked['id']}号（查阅）" in log.purpose
    uses = people[OFFICER][0].get(f"{API}/requests/{asked['id']}/uses").json()
    assert [u["item_no"] for u in uses] == [item.item_no] and uses[0]["mode_label"] == "查阅"
    # Read only: no copy.
    assert _content(people, OFFICER, item.id, copy=True).status_code == 403

    # The clock moves past the grant's end (the end is set back, as time passing would).
    db.rollback()
    row = db.get(RecordGrant, grant.id)
    assert row is not None
    row.valid_until = utcnow() - timedelta(minutes=1)
    db.commit()
    db.expunge_all()
    assert _content(people, OFFICER, item.id).status_code == 403
    again = people[OFFICER][0].get(f"{API}/requests/{asked['id']}").json()
    assert again["state"] == "expired" and again["state_label"] == "已到期"
    assert _count(db, ArchiveUse) == 1


def test_copy_needs_a_leader_and_leaves_marked(
    people: Any, filed: ArchiveFile, db: Session
) -> None:
    pdf_item = next(i for i in filed.items if i.content_type == "application/pdf")
    asked = _ask(people, OFFICER, filed.id, use_kind="copy", item_nos=[pdf_item.item_no])
    assert asked["approver"] == "leader" and asked["item_nos"] == [pdf_item.item_no]
    by_archivist = _decide(people, "archivist", asked["id"])
    assert by_archivist.status_code == 403 and "领导" in by_archivist.json()["detail"]
    assert _decide(people, "leader", asked["id"]).status_code == 200

    copy = _content(people, OFFICER, pdf_item.id, copy=True)
    assert copy.status_code == 200 and copy.headers["content-disposition"].startswith("attachment")
    text = PdfReader(io.BytesIO(copy.content)).pages[0].extract_text()
    assert "复制件" in text and OFFICER in text and f"申请第{asked['id']}号" in text
    log = _last_log(db, OFFICER)
    assert log.record_type == "archive_item_copy" and "（复制）" in log.purpose
    other = next(i for i in filed.items if i.item_no != pdf_item.item_no)
    assert _content(people, OFFICER, other.id).status_code == 403  # not among the asked items


def test_nobody_approves_their_own_request(people: Any, filed: ArchiveFile, db: Session) -> None:
    asked = _ask(people, "archivist", filed.id)
    own = _decide(people, "archivist", asked["id"])
    assert own.status_code == 403 and "自己" in own.json()["detail"]
    row = _detached(db, select(ArchiveUseRequest).where(ArchiveUseRequest.id == asked["id"]))
    assert row.status == "pending" and row.grant_id is None
    officer, headers = people[OFFICER]
    no_right = officer.post(
        f"{API}/requests/{asked['id']}/decision", json={"approve": True}, headers=headers
    )
    assert no_right.status_code == 403
    assert _decide(people, "leader", asked["id"]).status_code == 200


def test_refusal_needs_a_reason_and_grants_nothing(
    people: Any, filed: ArchiveFile, db: Session
) -> None:
    asked = _ask(people, OFFICER, filed.id)
    bare = _decide(people, "archivist", asked["id"], approve=False)
    assert bare.status_code == 400 and "理由" in bare.json()["detail"]
    refused = _decide(people, "archivist", asked["id"], approve=False, note="与所述用途无关")
    assert refused.json()["state_label"] == "未批准"
    assert _count(db, RecordGrant) == 0
    assert _content(people, OFFICER, filed.items[0].id).status_code == 403
    assert _decide(people, "leader", asked["id"]).status_code == 409


def test_a_grant_is_revoked_early(people: Any, filed: ArchiveFile, db: Session) -> None:
    item = filed.items[0]
    asked = _ask(people, OFFICER, filed.id)
    _decide(people, "archivist", asked["id"])
    assert _content(people, OFFICER, item.id).status_code == 200
    client, headers = people["archivist"]
    url = f"{API}/requests/{asked['id']}/revoke"
    no_note = client.post(url, json={"note": ""}, headers=headers)
    assert no_note.status_code == 400 and "理由" in no_note.json()["detail"]
    done = client.post(url, json={"note": "案件复议已结束"}, headers=headers)
    assert done.status_code == 200 and done.json()["state"] == "revoked"
    assert _content(people, OFFICER, item.id).status_code == 403
    assert _ledgered(db, "grant.revoke") == 1 and _ledgered(db, "archive.use.revoke") == 1
    assert client.post(url, json={"note": "再撤一次"}, headers=headers).status_code == 409


def test_a_borrowed_copy_is_lent_and_returned(people: Any, filed: ArchiveFile) -> None:
    asked = _ask(people, OFFICER, filed.id, use_kind="borrow")
    assert asked["approver"] == "leader"
    _decide(people, "leader", asked["id"])
    client, headers = people["archivist"]
    base = f"{API}/requests/{asked['id']}"
    assert client.post(f"{base}/return", headers=headers).status_code == 409
    lent = client.post(f"{base}/lend", headers=headers).json()
    assert lent["lent_at"] and not lent["returned_at"]
    assert client.post(f"{base}/lend", headers=headers).status_code == 409
    back = client.post(f"{base}/return", headers=headers).json()
    assert back["returned_at"]
    officer, officer_headers = people[OFFICER]
    assert officer.post(f"{base}/lend", headers=officer_headers).status_code == 403


def test_bad_requests_say_why_and_write_nothing(
    people: Any, filed: ArchiveFile, db: Session
) -> None:
    client, headers = people[OFFICER]
    good = {
        "file_id": filed.id,
        "use_kind": "read",
        "reason": "办案需要核对",
        "wanted_until": (today() + timedelta(days=3)).isoformat(),
    }
    cases = [
        ({"wanted_until": (today() - timedelta(days=1)).isoformat()}, 400, "不能早于今天"),
        ({"wanted_until": (today() + timedelta(days=400)).isoformat()}, 400, "最长一年"),
        ({"reason": ""}, 400, "利用理由"),
        ({"reason": "看看"}, 400, "至少"),
        ({"reason": "理" * 301}, 400, "不超过"),
        ({"reason": "理" * 2001}, 422, "理由"),
        ({"file_id": None, "archival_code": "无此档号"}, 400, "没有档号"),
        ({"file_id": 2**31 - 1}, 400, "没有这份档案"),
        ({"item_nos": [999]}, 400, "没有第 999 件"),
        ({"use_kind": "steal"}, 422, "利用方式"),
    ]
    before = _count(db, ArchiveUseRequest)
    for change, status, words in cases:
        got = client.post(f"{API}/requests", json={**good, **change}, headers=headers)
        assert got.status_code == status, (change, got.text)
        assert words in got.json()["detail"], (change, got.text)
        assert not any(c.isascii() and c.isalpha() for c in got.json()["detail"]), got.text
    # The page form: the message beside the field, the form again, nothing written.
    form = client.get("/app/archive/use/requests")
    page = client.post(
        "/app/archive/use/requests",
        data={
            "csrf_token": csrf_of(form.text),
            "file_id": str(filed.id),
            "use_kind": "read",
            "reason": "",
            "wanted_until": (today() - timedelta(days=1)).isoformat(),
            "item_nos": "",
            "archival_code": "",
        },
    )
    assert page.status_code == 400 and "截止日期不能早于今天" in page.text
    assert 'data-field="reason"' in page.text
    assert _count(db, ArchiveUseRequest) == before == 0


def test_the_pages_walk_from_asking_to_reading(people: Any, filed: ArchiveFile) -> None:
    officer, _ = people[OFFICER]
    form = officer.get(f"/app/archive/use/requests?file={filed.id}")
    assert form.status_code == 200 and "新的利用申请" in form.text
    asked = officer.post(
        "/app/archive/use/requests",
        data={
            "csrf_token": csrf_of(form.text),
            "file_id": str(filed.id),
            "archival_code": "",
            "item_nos": "1、2",
            "use_kind": "read",
            "reason": "办理行政复议答复",
            "wanted_until": (today() + timedelta(days=5)).isoformat(),
        },
    )
    assert asked.status_code == 303
    path = asked.headers["location"].split("?")[0]
    mine = officer.get(path)
    assert "待审批" in mine.text and "利用申请已提交" not in mine.text
    archivist, _ = people["archivist"]
    board = archivist.get("/app/archive/use/approvals")
    assert board.status_code == 200 and filed.archival_code in board.text
    detail = archivist.get(path)
    decided = archivist.post(
        f"{path}/decision",
        data={"csrf_token": csrf_of(detail.text), "approve": "true", "note": "", "valid_until": ""},
    )
    assert decided.status_code == 303
    page = officer.get(path)
    assert "已批准，可以利用" in page.text and "有效期至" in page.text
    first = filed.items[0]
    assert officer.get(f"/app/archive/use/items/{first.id}").status_code == 200
    assert "还没有利用记录" not in officer.get(path).text
    third = next(i for i in filed.items if i.item_no == 3) if filed.item_count >= 3 else None
    if third is not None:  # not among the two asked for
        assert officer.get(f"/app/archive/use/items/{third.id}").status_code == 403


def test_the_archivist_opens_items_for_custody_logged(
    people: Any, filed: ArchiveFile, db: Session
) -> None:
    item = next(i for i in filed.items if not i.classified)
    assert _content(people, "archivist", item.id).status_code == 200
    log = _last_log(db, "archivist")
    assert log.record_type == "archive_item_custody" and "档案保管" in log.purpose
    assert _content(people, "archivist", item.id, copy=True).status_code == 403
    assert _content(people, "leader", item.id).status_code == 403  # a leader asks too


def test_the_grant_page_does_not_grant_archive_files(people: Any, filed: ArchiveFile) -> None:
    client, headers = people["leader"]
    body = {
        "grantee_id": 1,
        "record_type": "archive_file",
        "record_id": filed.id,
        "reason": "直接授权",
        "valid_until": (utcnow() + timedelta(days=2)).isoformat(),
    }
    got = client.post("/api/v1/grants", json=body, headers=headers)
    assert got.status_code == 400 and "利用申请" in got.json()["detail"]

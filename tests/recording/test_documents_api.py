"""Documents through the JSON API, on SQLite and PostgreSQL: drafts prefilled from the
action, issue (文号, PDF, ledger), frozen after issue, corrections, print copies with the
verification line, public verification, service, the step requirement, bad input."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.factories import open_action
from tests.recording.helpers import (
    FILING,
    INQUIRY,
    PENALTY_DECISION,
    party_of_kind,
    pdf_pages,
    pdf_text,
)
from zhifa import ledger
from zhifa.blobs import open_store
from zhifa.core.audit import check_rows
from zhifa.core.clock import today
from zhifa.core.models import AccessLog
from zhifa.core.settings import Settings
from zhifa.enforcement.models import PartyKind
from zhifa.recording.documents import service as document_service
from zhifa.recording.documents.models import Document, DocumentCounter, DocumentService
from zhifa.web.app import create_app


def _headers(client: TestClient, username: str = "zhangwei") -> dict[str, str]:
    return {"X-CSRF-Token": login(client, username)}


def _draft(
    client: TestClient, h: dict[str, str], action_id: int, kind: str, fields: dict[str, Any]
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/actions/{action_id}/documents", json={"kind": kind, "fields": fields}, headers=h
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _issue(client: TestClient, h: dict[str, str], doc_id: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/documents/{doc_id}/issue", headers=h)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _counts(db: Session) -> tuple[int, int, int, int]:
    db.rollback()  # a fresh snapshot
    return (
        int(db.scalar(select(func.count()).select_from(Document)) or 0),
        int(db.scalar(select(func.count()).select_from(DocumentService)) or 0),
        int(db.scalar(select(func.coalesce(func.sum(DocumentCounter.last), 0))) or 0),
        ledger.log_size(db),
    )


def test_draft_is_prefilled_then_issue_numbers_renders_and_ledgers(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    draft = _draft(client, h, action_id, "penalty_decision", {"facts": "初稿"})
    assert draft["status"] == "draft" and draft["doc_number"] is None
    assert draft["title"] == "行政处罚决定书（单位）"
    assert draft["fields"]["penalty_basis"]  # from the power item
    assert draft["fields"]["review_body"] == "上海市普陀区人民政府"
    assert draft["fields"]["facts"] == "初稿"

    saved = client.patch(
        f"/api/v1/documents/{draft['id']}", json={"fields": PENALTY_DECISION}, headers=h
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 2

    issued = _issue(client, h, draft["id"])
    year = today().year
    assert issued["status"] == "issued"
    assert issued["doc_number"] == f"（普）应急罚〔{year}〕1号"
    assert issued["issue_date"] == today().isoformat()

    pdf = client.get(f"/api/v1/documents/{draft['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert issued["pdf_digest"] == "sha256:" + hashlib.sha256(pdf.content).hexdigest()
    text = pdf_text(pdf.content).replace("\n", "")
    _party_id, party_name = party_of_kind(db, PartyKind.enterprise)
    for words in (
        party_name,
        f"（普）应急罚〔{year}〕1号",
        "人民币壹万贰仟伍佰元伍角整",
        "12,500.50",
        "六十日内",
        "六个月内",
        "陈述、申辩、听证",
        settings.bureau_name,
        "未如实记录2025年度新员工安全生产教育和培训情况",
    ):
        assert words in text, words

    # The ledger entry named on the document records this row, frozen, with digest and 文号.
    db.rollback()
    entry = ledger.get_entry(db, issued["issue_entry"])
    assert entry is not None
    assert (entry.kind, entry.subject) == ("document.issue", f"document:{draft['id']}")
    assert list(check_rows(db)) == []


def test_issued_documents_refuse_edits_and_second_issue(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    doc = _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)
    issued = _issue(client, h, doc["id"])
    before = _counts(db)

    again = client.post(f"/api/v1/documents/{doc['id']}/issue", headers=h)
    assert again.status_code == 409
    assert "签发后不能修改" in again.json()["detail"]
    edit = client.patch(
        f"/api/v1/documents/{doc['id']}", json={"fields": {"facts": "改过"}}, headers=h
    )
    assert edit.status_code == 409
    discard = client.post(
        f"/api/v1/documents/{doc['id']}/discard", json={"reason": "不要了"}, headers=h
    )
    assert discard.status_code == 409
    assert _counts(db) == before
    db.rollback()
    row = db.get(Document, doc["id"])
    assert row is not None and row.fields["facts"] == PENALTY_DECISION["facts"]
    assert row.doc_number == issued["doc_number"] and row.revision == 1


def test_bad_input_is_refused_in_chinese_and_changes_nothing(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    before = _counts(db)
    cases = [
        (
            {"kind": "penalty_decision", "fields": {"fine_amount": "-100"}},
            "fine_amount",
            "不能为负数",
        ),
        (
            {"kind": "rectification_order", "fields": {"deadline": "2026-02-30"}},
            "deadline",
            "日期无效",
        ),
        ({"kind": "no_such_kind"}, "kind", "未知的文书种类"),
        ({"kind": "penalty_decision", "fields": {"unknown": 1}}, "unknown", "没有"),
    ]
    for body, field, words in cases:
        response = client.post(f"/api/v1/actions/{action_id}/documents", json=body, headers=h)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field and words in response.json()["detail"]
    assert _counts(db) == before

    doc = _draft(client, h, action_id, "penalty_decision", {"facts": "只写了事实"})
    before = _counts(db)
    missing = client.post(f"/api/v1/documents/{doc['id']}/issue", headers=h)
    assert missing.status_code == 422
    assert missing.json() == {"detail": "证据为必填项", "field": "evidence"}
    negative = client.patch(
        f"/api/v1/documents/{doc['id']}", json={"fields": {"fine_amount": -5}}, headers=h
    )
    assert negative.status_code == 422 and negative.json()["field"] == "fine_amount"
    assert _counts(db) == before


def test_failed_issue_does_not_consume_a_number(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    year = today().year
    first = _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)
    assert _issue(client, h, first["id"])["doc_number"] == f"（普）应急罚〔{year}〕1号"

    incomplete = _draft(client, h, action_id, "penalty_decision", {"facts": "未完成"})
    warning_with_fine = _draft(
        client, h, action_id, "penalty_decision", {**PENALTY_DECISION, "penalty_content": "警告"}
    )
    for doc in (incomplete, warning_with_fine):
        refused = client.post(f"/api/v1/documents/{doc['id']}/issue", headers=h)
        assert refused.status_code == 422, refused.text
    db.rollback()
    assert db.get(DocumentCounter, ("penalty_decision", year)).last == 1  # type: ignore[union-attr]

    client.patch(
        f"/api/v1/documents/{incomplete['id']}", json={"fields": PENALTY_DECISION}, headers=h
    )
    assert _issue(client, h, incomplete["id"])["doc_number"] == f"（普）应急罚〔{year}〕2号"
    # Another kind counts on its own.
    filing = _draft(client, h, action_id, "case_filing_approval", FILING)
    assert _issue(client, h, filing["id"])["doc_number"] == f"（普）应急立〔{year}〕1号"
    # A kind without 文号 takes none.
    record = _draft(client, h, action_id, "inquiry_record", INQUIRY)
    assert _issue(client, h, record["id"])["doc_number"] is None


def test_correction_is_a_new_version_pointing_at_the_old(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    year = today().year
    old = _issue(
        client, h, _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)["id"]
    )

    no_reason = client.post(
        f"/api/v1/documents/{old['id']}/corrections", json={"reason": " "}, headers=h
    )
    assert no_reason.status_code == 422
    draft_of_draft = _draft(client, h, action_id, "penalty_notice", {})
    refused = client.post(
        f"/api/v1/documents/{draft_of_draft['id']}/corrections", json={"reason": "x"}, headers=h
    )
    assert refused.status_code == 409

    response = client.post(
        f"/api/v1/documents/{old['id']}/corrections",
        json={"reason": "罚款金额计算有误", "fields": {"fine_amount": "10000"}},
        headers=h,
    )
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["supersedes_id"] == old["id"] and new["status"] == "draft"
    assert new["fields"]["facts"] == PENALTY_DECISION["facts"]
    assert new["fields"]["fine_amount"] == "10000.00"
    second = client.post(
        f"/api/v1/documents/{old['id']}/corrections", json={"reason": "再来"}, headers=h
    )
    assert second.status_code == 409  # a correction draft is already open

    # Until the correction is issued, the old document stands.
    assert client.get(f"/api/v1/documents/{old['id']}").json()["corrected"] is False
    issued = _issue(client, h, new["id"])
    assert issued["doc_number"] == f"（普）应急罚〔{year}〕2号"
    text = pdf_text(client.get(f"/api/v1/documents/{new['id']}/pdf").content).replace("\n", "")
    assert f"（普）应急罚〔{year}〕1号" in text and "罚款金额计算有误" in text
    assert "人民币壹万元整" in text

    after = client.get(f"/api/v1/documents/{old['id']}").json()
    assert after["corrected"] is True and after["status_label"] == "已更正"
    assert after["superseded_by_id"] == new["id"]
    assert after["fields"] == old["fields"] and after["pdf_digest"] == old["pdf_digest"]
    assert client.get(f"/api/v1/documents/{old['id']}/pdf").status_code == 200
    again = client.post(
        f"/api/v1/documents/{old['id']}/corrections", json={"reason": "再改"}, headers=h
    )
    assert again.status_code == 409 and "已被更正" in again.json()["detail"]
    db.rollback()
    assert document_service.effective(db, action_id, "penalty_decision")[0].id == new["id"]


def test_print_copy_carries_the_verification_line_on_every_page(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    long_record = {
        **INQUIRY,
        "content": "\n".join(
            f"问：第{i}个问题，请说明你单位安全生产教育培训的组织情况？\n答：第{i}个回答。"
            for i in range(60)
        ),
    }
    doc = _issue(client, h, _draft(client, h, action_id, "inquiry_record", long_record)["id"])
    stored = open_store(settings.resolved_blob_url).open(doc["pdf_digest"]).read()
    assert "sha256:" + hashlib.sha256(stored).hexdigest() == doc["pdf_digest"]

    printed = client.get(f"/api/v1/documents/{doc['id']}/print")
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    pages = pdf_pages(printed.content)
    assert len(pages) >= 2 and len(pages) == len(pdf_pages(stored))
    line = re.compile(r"核验：(sha256:[0-9a-f]{64}) 账本第 (\d+) 条")
    for number, text in enumerate(pages, 1):
        found = line.search(text)
        assert found, f"page {number} has no verification line"
        assert found.group(1) == doc["pdf_digest"]
        assert int(found.group(2)) == doc["issue_entry"]
        assert f"第 {number} 页，共 {len(pages)} 页" in text
    # The stored original has no verification line (it is the record the line names).
    assert "核验：" not in pdf_text(stored)
    assert client.get(f"/api/v1/documents/{doc['id']}/pdf").content == stored

    draft = _draft(client, h, action_id, "inquiry_record", INQUIRY)
    assert client.get(f"/api/v1/documents/{draft['id']}/print").status_code == 409


def test_public_verification_page(client: TestClient, settings: Settings, db: Session) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    doc = _issue(
        client, h, _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)["id"]
    )
    _party_id, party_name = party_of_kind(db, PartyKind.enterprise)
    client.post("/app/logout", data={"csrf_token": h["X-CSRF-Token"]})
    client.cookies.clear()

    page = client.get("/verify/document", params={"digest": doc["pdf_digest"]})
    assert page.status_code == 200
    assert "核验通过" in page.text and doc["doc_number"] in page.text
    assert "行政处罚决定书（单位）" in page.text and doc["issue_date"] in page.text
    assert party_name not in page.text and "12500" not in page.text

    assert (
        client.get("/verify/document", params={"digest": "sha256:" + "0" * 64}).status_code == 404
    )
    bad = client.get("/verify/document", params={"digest": "abc"})
    assert bad.status_code == 400 and "摘要格式不正确" in bad.text
    assert client.get("/verify/document").status_code == 200

    h = _headers(client)
    new = client.post(
        f"/api/v1/documents/{doc['id']}/corrections", json={"reason": "笔误"}, headers=h
    ).json()
    corrected = _issue(client, h, new["id"])
    page = client.get("/verify/document", params={"digest": doc["pdf_digest"]})
    assert "已被更正" in page.text and corrected["doc_number"] in page.text


def test_service_records_and_deadline(
    client: TestClient, settings: Settings, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    decision = _issue(
        client, h, _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)["id"]
    )
    deadline = decision["service_deadline"]
    assert deadline["state"] == "pending" and deadline["limit"] == "penalty.service_of_decision"
    assert date.fromisoformat(deadline["due"]) > today()
    url = f"/api/v1/documents/{decision['id']}/service"
    base = {"served_on": today().isoformat(), "recipient": "陈建国", "place": "当事人住所"}
    before = _counts(db)

    no_consent = client.post(url, json={**base, "method": "electronic"}, headers=h)
    assert no_consent.status_code == 400
    assert no_consent.json()["field"] == "consent" and "同意" in no_consent.json()["detail"]
    no_receipt = client.post(url, json={**base, "method": "direct"}, headers=h)
    assert no_receipt.status_code == 400 and no_receipt.json()["field"] == "receipt"
    early = client.post(
        url,
        json={**base, "method": "direct", "served_on": (today() - timedelta(days=1)).isoformat()},
        headers=h,
    )
    assert early.status_code == 400 and early.json()["field"] == "served_on"
    bad_method = client.post(url, json={**base, "method": "pigeon"}, headers=h)
    assert bad_method.status_code == 422
    assert _counts(db) == before

    receipt = _issue(
        client,
        h,
        _draft(client, h, action_id, "service_receipt", {"method": "直接送达", "signer": "陈建国"})[
            "id"
        ],
    )
    assert decision["doc_number"] in receipt["fields"]["served_documents"]
    receipt_of_receipt = client.post(
        f"/api/v1/documents/{receipt['id']}/service",
        json={**base, "method": "direct", "receipt_document_id": receipt["id"]},
        headers=h,
    )
    assert receipt_of_receipt.status_code == 400

    # 电子送达 with consent on record, the receipt uploaded as a scan.
    served = client.post(
        url,
        data={
            **base,
            "method": "electronic",
            "consent": "true",
            "consent_evidence": "送达地址确认书（当事人签署）",
            "place": "chen@example.com",
        },
        files={"receipt_file": ("receipt.jpg", b"\xff\xd8\xff\xe0 scan", "image/jpeg")},
        headers=h,
    )
    assert served.status_code == 201, served.text
    assert served.json()["receipt_digest"].startswith("sha256:")
    direct = client.post(
        url, json={**base, "method": "direct", "receipt_document_id": receipt["id"]}, headers=h
    )
    assert direct.status_code == 201, direct.text
    listing = client.get(url).json()
    assert [item["method"] for item in listing["items"]] == ["electronic", "direct"]
    assert listing["deadline"]["state"] == "on_time"
    assert listing["deadline"]["served_on"] == today().isoformat()

    # A decision nobody served: overdue once its deadline passes.
    late = _issue(
        client, h, _draft(client, h, action_id, "penalty_decision", PENALTY_DECISION)["id"]
    )
    due = client.get(f"/api/v1/documents/{late['id']}").json()["service_deadline"]["due"]
    assert [d["document"]["id"] for d in client.get("/api/v1/documents/service-due").json()] == [
        late["id"]
    ]
    later = date.fromisoformat(due) + timedelta(days=1)
    monkeypatch.setattr(document_service, "today", lambda: later)
    assert (
        client.get(f"/api/v1/documents/{late['id']}").json()["service_deadline"]["state"]
        == "overdue"
    )
    served_late = client.post(
        f"/api/v1/documents/{late['id']}/service",
        json={
            **base,
            "served_on": later.isoformat(),
            "method": "direct",
            "receipt_document_id": receipt["id"],
        },
        headers=h,
    )
    assert served_late.status_code == 201, served_late.text
    assert (
        client.get(f"/api/v1/documents/{late['id']}").json()["service_deadline"]["state"] == "late"
    )


def test_step_cannot_complete_until_its_documents_are_issued(
    client: TestClient, settings: Settings
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    move = {"to_step": "investigation", "reason": "立案"}
    blocked = client.post(f"/api/v1/actions/{action_id}/transitions", json=move, headers=h)
    assert blocked.status_code in (400, 409, 422)
    assert "尚未签发《立案审批表》" in blocked.json()["detail"]

    filing = _draft(client, h, action_id, "case_filing_approval", FILING)
    still = client.post(f"/api/v1/actions/{action_id}/transitions", json=move, headers=h)
    assert "立案审批表" in still.json()["detail"]  # a draft is not enough
    _issue(client, h, filing["id"])
    moved = client.post(f"/api/v1/actions/{action_id}/transitions", json=move, headers=h)
    assert moved.status_code == 201, moved.text


def test_reads_are_logged_and_visibility_follows_the_action(
    client: TestClient, settings: Settings, db: Session
) -> None:
    action_id = open_action(settings)
    h = _headers(client)
    doc = _draft(client, h, action_id, "case_filing_approval", FILING)
    assert client.get(f"/api/v1/documents/{doc['id']}").status_code == 200
    db.rollback()
    logged = db.scalars(
        select(AccessLog).where(
            AccessLog.record_type == "document", AccessLog.record_id == str(doc["id"])
        )
    ).all()
    assert logged and logged[-1].via == "api"

    other = TestClient(client.app, follow_redirects=False)
    login(other, "lina")  # an officer not on this action
    assert other.get(f"/api/v1/documents/{doc['id']}").status_code == 404
    anonymous = TestClient(client.app, follow_redirects=False)
    assert anonymous.get(f"/api/v1/documents/{doc['id']}").status_code == 401


def test_number_pattern_is_configurable_by_the_administrator(
    sqlite_client: TestClient, sqlite_settings: Settings
) -> None:
    client = sqlite_client
    action_id = open_action(sqlite_settings)
    admin = _headers(client, "admin")
    url = "/api/v1/document-kinds/rectification_order/pattern"
    bad = client.put(url, json={"pattern": "普应急责改{n}号", "reason": "x"}, headers=admin)
    assert bad.status_code == 400 and bad.json()["field"] == "pattern"
    taken = client.put(
        url, json={"pattern": "（普）应急罚〔{year}〕{n}号", "reason": "x"}, headers=admin
    )
    assert taken.status_code == 400 and "行政处罚决定书" in taken.json()["detail"]
    none = client.put(
        "/api/v1/document-kinds/inquiry_record/pattern",
        json={"pattern": "询{year}-{n}", "reason": "x"},
        headers=admin,
    )
    assert none.status_code == 400 and "不编文号" in none.json()["detail"]
    ok = client.put(
        url,
        json={"pattern": "沪普应急责改〔{year}〕第{n}号", "reason": "局办公会决定"},
        headers=admin,
    )
    assert ok.status_code == 200, ok.text
    kinds = {k["code"]: k for k in client.get("/api/v1/document-kinds").json()}
    assert kinds["rectification_order"]["pattern"] == "沪普应急责改〔{year}〕第{n}号"
    assert kinds["inquiry_record"]["numbered"] is False
    assert any(
        f["name"] == "deadline" and f["type"] == "date"
        for f in kinds["rectification_order"]["fields"]
    )

    officer = _headers(client, "zhangwei")
    assert (
        client.put(url, json={"pattern": "{year}{n}", "reason": "x"}, headers=officer).status_code
        == 403
    )
    order = _draft(
        client,
        officer,
        action_id,
        "rectification_order",
        {"problems": "消防通道堵塞", "deadline": (today() + timedelta(days=10)).isoformat()},
    )
    issued = _issue(client, officer, order["id"])
    assert issued["doc_number"] == f"沪普应急责改〔{today().year}〕第1号"
    past = _draft(
        client,
        officer,
        action_id,
        "rectification_order",
        {"problems": "x", "found_on": "2020-01-01", "deadline": "2020-01-02"},
    )
    refused = client.post(f"/api/v1/documents/{past['id']}/issue", headers=officer)
    assert refused.status_code == 400 and refused.json()["field"] == "deadline"


def test_sm3_digest_on_the_verification_line(sqlite_settings: Settings) -> None:
    settings = sqlite_settings.model_copy(update={"blob_digest": "sm3"})
    action_id = open_action(settings)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        h = _headers(client)
        doc = _issue(client, h, _draft(client, h, action_id, "inquiry_record", INQUIRY)["id"])
        assert doc["pdf_digest"].startswith("sm3:")
        stored = client.get(f"/api/v1/documents/{doc['id']}/pdf").content
        assert doc["pdf_digest"] == "sm3:" + hashlib.new("sm3", stored).hexdigest()
        line = f"核验：{doc['pdf_digest']} 账本第 {doc['issue_entry']} 条"
        assert all(
            line in page
            for page in pdf_pages(client.get(f"/api/v1/documents/{doc['id']}/print").content)
        )
        page = client.get("/verify/document", params={"digest": doc["pdf_digest"]})
        assert page.status_code == 200 and "询问笔录" in page.text

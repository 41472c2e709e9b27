"""Correction requests on SQLite and PostgreSQL, through real HTTP: the public form with its
anti-spam question, CSRF, evidence checks and receipt; the status page (masked contact,
escaped text); the legal section's handling of them (officers 403; four eyes: the proposer may not
publish); a corrected version supersedes the old one with a dated note and an outbox
event; bad input changes nothing, not even the blob store."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as
from tests.portal.helpers import publish_decision
from zhifa.core.calendar_store import working_calendar
from zhifa.core.clock import people_date, today
from zhifa.core.models import StoredBlob
from zhifa.core.settings import Settings
from zhifa.core.time_limits import due
from zhifa.publicity.models import CorrectionRequest, OutboxMessage, Publication
from zhifa.publicity.public_form import chinese_number
from zhifa.web.app import create_app

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCRIPT = "<script>alert('x')</script>"


def publish(client: TestClient, db: Session) -> dict[str, Any]:
    """An issued penalty decision, published by the legal section (API), and the client
    signed out again: the publication."""
    published = publish_decision(client, db)
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    return published


_NUMBERS = {chinese_number(n): n for n in range(100)}


def answer_of(html: str) -> str:
    """Read the question as a person would and compute it."""
    match = re.search(r"验证问题：(.+?)(加|减)(.+?)等于几", html)
    assert match, "no anti-spam question on the page"
    a, b = _NUMBERS[match.group(1)], _NUMBERS[match.group(3)]
    return str(a + b if match.group(2) == "加" else a - b)


def form_fields(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return {**fields, "answer": answer_of(html)}


def submit(
    client: TestClient,
    public_id: int,
    *,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    **overrides: str,
) -> Any:
    page = client.get(f"/corrections/new?p={public_id}")
    assert page.status_code == 200, page.text
    data = {
        **form_fields(page.text),
        "name": "张三",
        "contact": "13812345678",
        "what_is_wrong": "罚款金额有误，应为二万元。",
        "website": "",
        **overrides,
    }
    return client.post("/corrections", data=data, files=files or {})


def _counts(db: Session, settings: Settings) -> tuple[int, int, int]:
    db.rollback()
    received = db.scalar(select(func.count()).select_from(CorrectionRequest)) or 0
    blobs = db.scalar(select(func.count()).select_from(StoredBlob)) or 0
    folder = Path(settings.data_dir) / "blobs"
    files = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0
    return received, blobs, files


def test_public_request_receipt_status_and_correction(
    client: TestClient, db: Session, settings: Settings
) -> None:
    published = publish(client, db)
    public_id = published["obligation_id"]
    before = _counts(db, settings)

    sent = submit(
        client,
        public_id,
        what_is_wrong=f"处罚内容有误 {SCRIPT}",
        files={"evidence": ("说明.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 303, sent.text
    receipt = sent.headers["location"].split("/")[-1].split("?")[0]
    assert re.fullmatch(r"GZ-\d{4}-[2-9A-HJ-NP-Z]{8}", receipt)
    after = _counts(db, settings)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1

    status = client.get(sent.headers["location"])
    assert status.status_code == 200
    assert receipt in status.text and "已受理" in status.text
    # Status words and dates only: nothing the requester typed, not even masked.
    for typed in ("13812345678", "138****5678", "张三", "张某某", "处罚内容有误", "&lt;script"):
        assert typed not in status.text, typed
    expected = due(working_calendar(db), "publicity.correction_request", today())
    assert people_date(expected.date) in status.text
    row = db.scalar(select(CorrectionRequest).where(CorrectionRequest.receipt_number == receipt))
    assert row is not None and row.due_on == expected.date
    assert row.evidence_type == "application/pdf"
    assert row.what_is_wrong.endswith(SCRIPT)  # stored as typed, shown escaped

    # officers may read but not decide
    _as(client, "zhangwei")
    url = f"/api/v1/publicity/corrections/{row.id}"
    edits = {"edits": {"content": "罚款人民币贰万元整"}, "summary": "更正处罚内容的表述"}
    assert client.post(f"{url}/proposal", json=edits).status_code == 403
    _as(client, "legal")
    page = client.get(f"/app/publicity/corrections/{row.id}")
    assert page.status_code == 200 and "&lt;script&gt;" in page.text and SCRIPT not in page.text
    evidence = client.get(f"/app/publicity/corrections/{row.id}/evidence")
    assert evidence.status_code == 200 and evidence.content == PDF
    bad = client.post(f"{url}/proposal", json={"edits": {"authority": "别的机关"}, "summary": "x"})
    assert bad.status_code == 400
    leak = {"edits": {"content": "联系 13912345678"}, "summary": "x"}
    assert client.post(f"{url}/proposal", json=leak).status_code == 400
    proposed = client.post(f"{url}/proposal", json=edits)
    assert proposed.status_code == 200, proposed.text
    draft = proposed.json()
    assert draft["version"] == 2 and draft["supersedes_id"] == published["id"]
    assert draft["status"] == "draft"
    shown = client.get(f"/app/publicity/corrections/{row.id}").text
    assert "<td>处罚内容</td><td>罚款人民币贰万元</td><td>罚款人民币贰万元整</td>" in shown
    # four eyes: the proposer may not publish it
    assert client.post(f"{url}/approve").status_code == 403
    _as(client, "admin")
    approved = client.post(f"{url}/approve")
    assert approved.status_code == 200, approved.text
    new = approved.json()
    day = today()
    assert new["status"] == "published" and new["ledger_index"] is not None
    assert new["correction_note"] == f"{day.year}年{day.month}月{day.day}日更正：更正处罚内容的表述"
    items = {i["key"]: i["value"] for i in new["snapshot"]["items"]}
    assert items["content"] == "罚款人民币贰万元整"
    db.rollback()
    old = db.get(Publication, published["id"])
    assert old is not None and old.status.value == "superseded"
    assert old.digest == published["digest"]
    events = db.scalars(
        select(OutboxMessage.event).where(OutboxMessage.publication_id == new["id"])
    ).all()
    assert [e.value for e in events] == ["correct"]
    assert client.post(f"{url}/approve").status_code == 409  # done once

    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    status = client.get(f"/corrections/{receipt}")
    assert "已更正" in status.text and "更正处罚内容的表述" in status.text
    board = _as(client, "legal").get("/app/publicity?task=correction&state=已完成")
    assert board.status_code == 200 and receipt in board.text and "已完成" in board.text


def test_bad_requests_store_nothing(client: TestClient, db: Session, settings: Settings) -> None:
    public_id = publish(client, db)["obligation_id"]
    before = _counts(db, settings)
    cases = [
        ({"contact": ""}, None, 422, "联系方式"),
        ({"contact": "请打电话"}, None, 422, "手机号码"),
        ({"name": "  "}, None, 422, "姓名或名称"),
        ({"name": '=HYPERLINK("http://x","y")'}, None, 422, "姓名或名称：不能以 =、+、-、@"),
        ({"what_is_wrong": ""}, None, 422, "需要更正的内容"),
        ({"answer": "1000"}, None, 400, "验证问题回答不正确"),
        ({"website": "http://spam.example"}, None, 400, "未通过校验"),
        ({"csrf_token": "forged"}, None, 403, "CSRF"),
        ({"p": "999999"}, None, 404, "不存在"),
        ({}, ("a.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/pdf"), 400, "PDF、JPEG 或 PNG"),
        ({}, ("big.pdf", PDF + b"0" * (10 * 1024**2), "application/pdf"), 413, "不能超过 10 MB"),
    ]
    for overrides, upload, code, words in cases:
        files = {"evidence": upload} if upload else None
        answer = submit(client, public_id, files=files, **overrides)
        assert answer.status_code == code, (overrides, answer.text[:300])
        assert words in answer.text, (overrides, words)
        assert _counts(db, settings) == before, overrides
    assert client.get("/corrections/new?p=999999").status_code == 404
    assert client.get("/corrections/GZ-2026-AAAAAAAA").status_code == 404
    assert client.get("/corrections/not-a-receipt").status_code == 404


def test_rate_limit_per_client(settings: Settings, db: Session) -> None:
    strict = settings.model_copy(update={"correction_requests_per_hour": 1})
    with TestClient(create_app(strict), follow_redirects=False) as client:
        public_id = publish(client, db)["obligation_id"]
        assert submit(client, public_id).status_code == 303
        again = submit(client, public_id)
        assert again.status_code == 429 and "提交过于频繁" in again.text
    db.rollback()
    assert db.scalar(select(func.count()).select_from(CorrectionRequest)) == 1


def test_reject_needs_a_reason_shown_to_the_requester(client: TestClient, db: Session) -> None:
    public_id = publish(client, db)["obligation_id"]
    sent = submit(client, public_id, contact="zhang.san@example.com")
    assert sent.status_code == 303, sent.text
    receipt = sent.headers["location"].split("/")[-1].split("?")[0]
    assert "example.com" not in client.get(f"/corrections/{receipt}").text
    db.rollback()
    correction = db.scalar(
        select(CorrectionRequest).where(CorrectionRequest.receipt_number == receipt)
    )
    assert correction is not None
    csrf = _as(client, "legal").headers["X-CSRF-Token"]
    page = client.get(f"/app/publicity/corrections/{correction.id}")
    assert page.status_code == 200 and "不予更正" in page.text
    empty = client.post(
        f"/app/publicity/corrections/{correction.id}/reject",
        data={"csrf_token": csrf, "reason": " "},
    )
    assert empty.status_code == 400 and "须说明理由" in empty.text
    reason = "经核实，公示的罚款金额与处罚决定书一致。"
    done = client.post(
        f"/app/publicity/corrections/{correction.id}/reject",
        data={"csrf_token": csrf, "reason": reason},
    )
    assert done.status_code == 303, done.text
    again = client.post(
        f"/api/v1/publicity/corrections/{correction.id}/reject", json={"reason": "x"}
    )
    assert again.status_code == 409
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    status = client.get(f"/corrections/{receipt}")
    assert "不予更正" in status.text and reason in status.text


def test_staff_open_a_correction_themselves(client: TestClient, db: Session) -> None:
    published = publish(client, db)
    public_id = published["obligation_id"]
    _as(client, "zhangwei")
    body = {"obligation_id": public_id, "what_is_wrong": "违法事实表述有误"}
    assert client.post("/api/v1/publicity/corrections", json=body).status_code == 403
    _as(client, "legal")
    missing = client.post("/api/v1/publicity/corrections", json={**body, "obligation_id": 999999})
    assert missing.status_code == 404
    opened = client.post("/api/v1/publicity/corrections", json=body)
    assert opened.status_code == 201, opened.text
    correction = opened.json()
    assert (
        correction["source"] == "staff"
        and correction["status"] == "open"
        and correction["contact"] == ""
    )
    url = f"/api/v1/publicity/corrections/{correction['id']}"
    same = client.post(f"{url}/proposal", json={"edits": {}, "summary": "无变化"})
    assert same.status_code == 400  # nothing would change
    facts = "储罐区构成重大危险源，未按规定登记建档。"
    edits = {"edits": {"facts": facts}, "summary": "补正违法事实"}
    assert client.post(f"{url}/proposal", json=edits).status_code == 200
    _as(client, "admin")
    assert client.post(f"{url}/approve").status_code == 200
    listed = client.get("/app/publicity/corrections")
    assert listed.status_code == 200 and correction["receipt_number"] in listed.text

"""A general-procedure penalty from 立案 to 结案 through the API, with its documents,
the party's period after the 告知, the hearing path's 法制审核, and service."""

from __future__ import annotations

import tempfile
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.enforcement.test_actions import _as, _complete_duties, _open, _valid_officers
from tests.factories import writing
from tests.recording.rules.helpers import record_on_camera
from zhifa.core.clock import today
from zhifa.core.models import User
from zhifa.recording.documents.models import Document, DocumentService

FACTS = {
    "facts": "储罐区构成重大危险源，未登记建档。",
    "evidence": "现场检查记录、询问笔录",
    "violated": "《中华人民共和国安全生产法》第四十条第一款",
    "penalty_content": "罚款人民币贰万元",
    "fine_amount": "20000",
}


def _issue(client: TestClient, action_id: int, kind: str, fields: dict[str, str]) -> dict:
    draft = client.post(
        f"/api/v1/actions/{action_id}/documents", json={"kind": kind, "fields": fields}
    )
    assert draft.status_code == 201, draft.text
    issued = client.post(f"/api/v1/documents/{draft.json()['id']}/issue")
    assert issued.status_code == 200, issued.text
    return issued.json()


def _move(client: TestClient, action_id: int, step: str) -> dict:
    return client.post(f"/api/v1/actions/{action_id}/transitions", json={"to_step": step})


def _to_notice(client: TestClient, db: Session) -> tuple[int, list[int]]:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    action_id = action["id"]
    assert "尚未签发《立案审批表》" in _move(client, action_id, "investigation").json()["detail"]
    _issue(client, action_id, "case_filing_approval", {"source": "监督检查", "summary": "检查发现"})
    assert _move(client, action_id, "investigation").status_code == 201
    activity = client.post(
        f"/api/v1/actions/{action_id}/activities",
        json={"started_at": "2026-11-26T10:00:00", "place": "询问室", "officer_ids": officers},
    ).json()
    _complete_duties(
        client, activity, ["reason", "basis", "statement", "defence", "recusal", "cooperation"]
    )
    # 第五条（五）: the 询问 after 立案 is recorded on video, the party told it started.
    record_on_camera(client, action_id, activity["id"], tempfile.mkdtemp())
    _issue(
        client,
        action_id,
        "inquiry_record",
        {
            "place": "询问室",
            "content": "问答内容",
            "started_at": "2026-11-26T10:00",
            "ended_at": "2026-11-26T11:00",
        },
    )
    assert _move(client, action_id, "notice").status_code == 201
    _issue(client, action_id, "penalty_notice", FACTS)
    return action_id, officers


def _serve(client: TestClient, action_id: int, document_id: int) -> None:
    receipt = _issue(client, action_id, "service_receipt", {"method": "直接送达"})
    served = client.post(
        f"/api/v1/documents/{document_id}/service",
        json={
            "method": "direct",
            "served_on": today().isoformat(),
            "recipient": "法定代表人",
            "receipt_document_id": receipt["id"],
        },
    )
    assert served.status_code == 201, served.text


def _period_passes(client: TestClient, db: Session, action_id: int) -> None:
    """The notice is served, then (stand-in for the days passing) its service is dated
    thirty days back: the party's five working days have ended."""
    db.rollback()  # read what the requests wrote
    notices = db.scalars(
        select(Document).where(Document.action_id == action_id, Document.kind == "penalty_notice")
    ).all()
    for notice in notices:
        _serve(client, action_id, notice.id)
        with writing(db) as session:
            session.execute(
                update(DocumentService)
                .where(DocumentService.document_id == notice.id)
                .values(served_on=today() - timedelta(days=30))
            )


def test_penalty_from_filing_to_closing(client: TestClient, db: Session) -> None:
    action_id, _ = _to_notice(client, db)
    early = _move(client, action_id, "decision")
    assert early.status_code == 400
    assert "尚未记录送达" in early.json()["detail"]
    assert "期限尚未起算" in early.json()["detail"]
    _period_passes(client, db, action_id)
    moved = _move(client, action_id, "decision")
    assert moved.status_code == 201, moved.text
    assert "尚未签发《行政处罚决定书》" in _move(client, action_id, "service").json()["detail"]
    decision = _issue(client, action_id, "penalty_decision", FACTS)
    assert decision["doc_number"].startswith("（普）应急罚〔")
    assert _move(client, action_id, "service").status_code == 201
    unserved = _move(client, action_id, "execution")
    assert unserved.status_code == 400 and "尚未记录送达" in unserved.json()["detail"]
    receipt = _issue(client, action_id, "service_receipt", {"method": "直接送达"})
    served = client.post(
        f"/api/v1/documents/{decision['id']}/service",
        json={
            "method": "direct",
            "served_on": today().isoformat(),
            "recipient": "法定代表人",
            "receipt_document_id": receipt["id"],
        },
    )
    assert served.status_code == 201, served.text
    assert _move(client, action_id, "execution").status_code == 201
    no_approval = _move(client, action_id, "closing")
    assert no_approval.status_code == 400 and "结案审批表" in no_approval.json()["detail"]
    _issue(client, action_id, "case_closing_approval", {"result": "已处罚", "execution": "已缴纳"})
    closed = _move(client, action_id, "closing")
    assert closed.status_code == 201 and closed.json()["status"] == "closed"


def test_hearing_needs_legal_review_before_decision(client: TestClient, db: Session) -> None:
    action_id, officers = _to_notice(client, db)
    assert _move(client, action_id, "hearing").status_code == 201
    activity = client.post(
        f"/api/v1/actions/{action_id}/activities",
        json={"started_at": "2026-11-27T10:00:00", "place": "听证室", "officer_ids": officers},
    ).json()
    _complete_duties(
        client,
        activity,
        ["reason", "basis", "statement", "defence", "hearing", "recusal", "cooperation"],
    )
    record_on_camera(client, action_id, activity["id"], tempfile.mkdtemp())  # 第五条（六）
    _period_passes(client, db, action_id)
    refused = _move(client, action_id, "decision")
    assert refused.status_code == 400 and "须经法制审核" in refused.json()["detail"]
    assert _move(client, action_id, "legal_review").status_code == 201
    assert _move(client, action_id, "decision").status_code == 201

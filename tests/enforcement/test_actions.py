"""Enforcement actions through the HTTP API, on SQLite and PostgreSQL: opening, the
two-officer and certificate rules, 事中 duties, step moves, visibility, the ledger."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login
from zhifa.core.clock import today
from zhifa.core.models import Certificate, CertificateVersion, User
from zhifa.enforcement.models import Action, ActionTransition, PowerItem
from zhifa.ledger.models import ledger_entry


def tiny_png() -> bytes:
    """A real 1×1 PNG, made here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _user_id(db: Session, username: str) -> int:
    user = db.scalar(select(User).where(User.username == username))
    assert user is not None
    return user.id


def _item(db: Session, kind: str) -> int:
    item = db.scalar(select(PowerItem).where(PowerItem.kind == kind).order_by(PowerItem.id))
    assert item is not None
    return item.id


def _valid_officers(db: Session, count: int) -> list[int]:
    """Officers whose certificate is valid in 2026 (the demo has one expired)."""
    rows = db.execute(
        select(Certificate.officer_id)
        .join(CertificateVersion, CertificateVersion.certificate_id == Certificate.id)
        .where(CertificateVersion.valid_to >= datetime(2027, 1, 1).date())
        .order_by(Certificate.officer_id)
    ).scalars()
    return list(rows)[:count]


def _expired_officer(db: Session) -> int:
    return db.scalars(
        select(Certificate.officer_id)
        .join(CertificateVersion, CertificateVersion.certificate_id == Certificate.id)
        .where(CertificateVersion.valid_to < datetime(2026, 1, 1).date())
    ).one()


def _open(client: TestClient, db: Session, procedure: str, kind: str, officers: list[int]) -> dict:
    csrf = client.headers.get("X-CSRF-Token")
    response = client.post(
        "/api/v1/actions",
        json={
            "procedure": procedure,
            "party_id": 3,
            "power_item_id": _item(db, kind),
            "title": "测试案件",
            "officer_ids": officers,
        },
        headers={"X-CSRF-Token": csrf} if csrf else {},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _as(client: TestClient, username: str) -> TestClient:
    csrf = login(client, username)
    client.headers["X-CSRF-Token"] = csrf
    return client


def _complete_duties(client: TestClient, activity: dict, matters: list[str]) -> None:
    for officer_id in activity["officer_ids"]:
        shown = client.post(
            f"/api/v1/activities/{activity['id']}/certificate-shown",
            json={"officer_id": officer_id, "shown_at": "2026-11-26T09:05:00"},
        )
        assert shown.status_code == 201, shown.text
    told = client.post(
        f"/api/v1/activities/{activity['id']}/matters",
        json={"matters": matters, "told_at": "2026-11-26T09:06:00"},
    )
    assert told.status_code == 201, told.text
    ack = client.post(
        f"/api/v1/activities/{activity['id']}/acknowledgement",
        json={
            "method": "signature",
            "signer_name": "王经理",
            "signature_png_base64": base64.b64encode(tiny_png()).decode(),
            "at": "2026-11-26T09:30:00",
        },
    )
    assert ack.status_code == 201, ack.text
    assert ack.json()["blob_digest"].startswith("sha256:")


def test_licence_from_acceptance_to_closing(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "license.general", "license", officers)
    assert action["current_step"]["code"] == "acceptance"
    assert [s["code"] for s in action["next_steps"]] == ["review"]
    transitions = client.get(f"/api/v1/actions/{action['id']}/transitions").json()
    assert transitions[0]["limit_code"] == "license.decision" and transitions[0]["due_date"]
    moved = client.post(f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "review"})
    assert moved.status_code == 201, moved.text
    blocked = client.post(
        f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "decision"}
    )
    assert blocked.status_code == 400
    assert "尚未记录“审查（含现场核查）”的现场执法活动" in blocked.json()["detail"]
    activity = client.post(
        f"/api/v1/actions/{action['id']}/activities",
        json={
            "started_at": "2026-11-26T09:00:00",
            "place": "上海市普陀区真北路100号",
            "party_present": "王经理",
            "officer_ids": officers,
        },
    ).json()
    assert "未告知：执法事由、执法依据、申请回避权、配合执法义务" in activity["missing"]
    _complete_duties(client, activity, ["reason", "basis", "recusal", "cooperation"])
    assert client.get(f"/api/v1/activities/{activity['id']}").json()["missing"] == []
    response = client.post(
        f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "decision"}
    )
    assert response.status_code == 201, response.text
    undecided = client.post(
        f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "service"}
    )
    assert undecided.status_code == 400 and "准予行政许可决定书" in undecided.json()["detail"]
    decision = client.post(
        f"/api/v1/actions/{action['id']}/documents",
        json={
            "kind": "license_decision",
            "fields": {
                "applied_on": "2026-11-02",
                "license_number": "沪普危化经字〔2026〕000001",
                "scope": "不带储存设施经营",
                "valid_to": "2029-11-25",
            },
        },
    )
    assert decision.status_code == 201, decision.text
    issued_decision = client.post(f"/api/v1/documents/{decision.json()['id']}/issue")
    assert issued_decision.status_code == 200, issued_decision.text
    assert issued_decision.json()["doc_number"].startswith("（普）应急许〔")
    response = client.post(
        f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "service"}
    )
    assert response.status_code == 201, response.text
    early = client.post(f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "closing"})
    assert early.status_code == 400 and "尚未记录送达" in early.json()["detail"]
    receipt = client.post(
        f"/api/v1/actions/{action['id']}/documents",
        json={
            "kind": "service_receipt",
            "fields": {
                "served_documents": "准予行政许可决定书",
                "method": "直接送达",
                "signer": "王经理",
            },
        },
    )
    assert receipt.status_code == 201, receipt.text
    issued = client.post(f"/api/v1/documents/{receipt.json()['id']}/issue")
    assert issued.status_code == 200, issued.text
    served = client.post(
        f"/api/v1/documents/{decision.json()['id']}/service",
        json={
            "method": "direct",
            "served_on": today().isoformat(),
            "recipient": "王经理",
            "receipt_document_id": receipt.json()["id"],
        },
    )
    assert served.status_code == 201, served.text
    response = client.post(
        f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "closing"}
    )
    assert response.status_code == 201, response.text
    closed = client.get(f"/api/v1/actions/{action['id']}").json()
    assert closed["status"] == "closed" and closed["next_steps"] == []
    again = client.post(f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "review"})
    assert again.status_code == 400 and "已办结" in again.json()["detail"]
    db.rollback()
    kinds = set(db.scalars(select(ledger_entry.c.kind)))
    assert {"action.open", "action.advance", "activity.record", "activity.acknowledged"} <= kinds


def test_illegal_transition_changes_nothing(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    db.rollback()
    before = db.scalar(select(func.count()).select_from(ActionTransition))
    response = client.post(
        f"/api/v1/actions/{action['id']}/transitions", json={"to_step": "decision"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("“立案”之后不能进入“decision”；可进入：调查取证")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ActionTransition)) == before
    assert db.get(Action, action["id"]).current_step == "filing"  # type: ignore[union-attr]


def test_officer_rules_on_site(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 1)
    expired = _expired_officer(db)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "other.general", "other", [officers[0], expired])
    body = {"started_at": "2026-11-26T09:00:00", "place": "现场"}
    alone = client.post(
        f"/api/v1/actions/{action['id']}/activities", json={**body, "officer_ids": officers}
    )
    assert alone.status_code == 400
    assert "现场执法须有至少 2 名执法人员，当前 1 名" in alone.json()["detail"]
    with_expired = client.post(
        f"/api/v1/actions/{action['id']}/activities",
        json={**body, "officer_ids": [officers[0], expired]},
    )
    assert with_expired.status_code == 400
    assert "的执法证在 2026年11月26日 已过期，不得从事执法活动" in with_expired.json()["detail"]
    stranger = _valid_officers(db, 3)[2]
    outsider = client.post(
        f"/api/v1/actions/{action['id']}/activities",
        json={**body, "officer_ids": [officers[0], stranger]},
    )
    assert outsider.status_code == 400 and outsider.json()["field"] == "officer_ids"


def test_acknowledgement_refusal_needs_a_note(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "other.general", "other", officers)
    activity = client.post(
        f"/api/v1/actions/{action['id']}/activities",
        json={"started_at": "2026-11-26T09:00:00", "place": "现场", "officer_ids": officers},
    ).json()
    refused = client.post(
        f"/api/v1/activities/{activity['id']}/acknowledgement",
        json={"method": "refused", "signer_name": "王经理", "at": "2026-11-26T09:30:00"},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "note"
    forged = client.post(
        f"/api/v1/activities/{activity['id']}/acknowledgement",
        json={
            "method": "signature",
            "signer_name": "王经理",
            "signature_png_base64": base64.b64encode(b"GIF89a not a png").decode(),
            "at": "2026-11-26T09:30:00",
        },
    )
    assert forged.status_code == 400 and "签名图像无效" in forged.json()["detail"]


def test_only_assigned_officers_see_an_action(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 3)
    lead = db.get(User, officers[0])
    outsider = db.get(User, officers[2])
    assert lead is not None and outsider is not None
    _as(client, lead.username)
    action = _open(client, db, "other.general", "other", officers[:2])
    other = TestClient(client.app, follow_redirects=False)
    login(other, outsider.username)
    # Not theirs reads exactly like not there: the action's existence is not revealed.
    hidden = other.get(f"/api/v1/actions/{action['id']}")
    missing = other.get("/api/v1/actions/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert other.get("/api/v1/actions").json()["total"] == 0
    supervisor = TestClient(client.app, follow_redirects=False)
    login(supervisor, "supervision")
    assert supervisor.get(f"/api/v1/actions/{action['id']}").status_code == 200
    denied = supervisor.post(
        "/api/v1/actions",
        json={
            "procedure": "other.general",
            "party_id": 1,
            "power_item_id": 1,
            "title": "x",
            "officer_ids": officers[:2],
        },
        headers={"X-CSRF-Token": login(supervisor, "supervision")},
    )
    assert denied.status_code == 403


def test_bad_input_when_opening(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    base = {"party_id": 3, "title": "x", "officer_ids": officers}
    wrong_kind = client.post(
        "/api/v1/actions",
        json={**base, "procedure": "penalty.general", "power_item_id": _item(db, "inspection")},
    )
    assert wrong_kind.status_code == 400 and wrong_kind.json()["field"] == "power_item_id"
    unknown = client.post(
        "/api/v1/actions",
        json={**base, "procedure": "penalty.fast", "power_item_id": _item(db, "penalty")},
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "procedure"
    no_party = client.post(
        "/api/v1/actions",
        json={
            **base,
            "party_id": 99999,
            "procedure": "penalty.general",
            "power_item_id": _item(db, "penalty"),
        },
    )
    assert no_party.status_code == 400 and no_party.json()["detail"] == "行政相对人不存在"
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Action)) == 0

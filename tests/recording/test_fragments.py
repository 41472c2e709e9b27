"""The action and party pages load their 文书 sections as fragments."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import login
from tests.enforcement.test_actions import _as, _open, _valid_officers
from zhifa.core.models import User


def test_action_and_party_document_fragments(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    draft = client.post(
        f"/api/v1/actions/{action['id']}/documents", json={"kind": "case_filing_approval"}
    )
    assert draft.status_code == 201, draft.text
    fragment = client.get(f"/app/actions/{action['id']}/documents/fragment")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "立案审批表" in fragment.text and "尚未签发《立案审批表》" in fragment.text
    party = client.get("/app/parties/3/documents/fragment")
    assert "立案审批表" in party.text and "（草稿）" in party.text
    outsider = TestClient(client.app, follow_redirects=False)
    other = db.get(User, _valid_officers(db, 3)[2])
    assert other is not None
    login(outsider, other.username)
    assert "暂无您可查看的文书" in outsider.get("/app/parties/3/documents/fragment").text
    assert outsider.get(f"/app/actions/{action['id']}/documents/fragment").status_code == 404
    home = TestClient(client.app).get("/")
    assert 'action="/verify/document"' in home.text


def test_dashboard_lists_decisions_to_serve(client: TestClient, db: Session) -> None:
    officers = _valid_officers(db, 2)
    lead = db.get(User, officers[0])
    assert lead is not None
    _as(client, lead.username)
    action = _open(client, db, "penalty.general", "penalty", officers)
    draft = client.post(
        f"/api/v1/actions/{action['id']}/documents",
        json={
            "kind": "penalty_decision",
            "fields": {
                "facts": "未如实记录安全生产教育和培训情况",
                "evidence": "询问笔录、培训档案",
                "violated": "《中华人民共和国安全生产法》第二十八条第四款",
                "penalty_content": "警告",
            },
        },
    )
    assert draft.status_code == 201, draft.text
    issued = client.post(f"/api/v1/documents/{draft.json()['id']}/issue")
    assert issued.status_code == 200, issued.text
    home = client.get("/app")
    assert "待送达的决定" in home.text and "行政处罚决定书" in home.text
    assert issued.json()["doc_number"] in home.text

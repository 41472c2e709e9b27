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
    assert outsider.get(f"/app/actions/{action['id']}/documents/fragment").status_code == 403
    home = TestClient(client.app).get("/")
    assert 'action="/verify/document"' in home.text

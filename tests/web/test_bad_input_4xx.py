"""Issue 11 point 8: inputs the fuzzer (and a look at the decoders) turned into a 500 are a
Chinese 4xx now, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.core.auth import issue_api_token
from zhifa.core.models import User
from zhifa.ledger.models import ledger_entry

LAW = {
    "title": "测试条例",
    "issuing_body": "某市人大常委会",
    "published_on": "2024-01-01",
    "effective_on": "2024-03-01",
}
ACTION = {
    "procedure": "inspection.on_site",
    "party_id": 1,
    "power_item_id": 1,
    "title": "检查",
    "officer_ids": [1],
}
NOT_ASCII = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB中文=="


def _bearer(db: Session, username: str) -> dict[str, str]:
    user_id = db.scalar(select(User.id).where(User.username == username))
    return {"Authorization": f"Bearer {issue_api_token(db, user_id, '输入测试', None)}"}


def _entries(db: Session) -> int:
    db.rollback()  # a fresh snapshot: the app wrote through its own engine
    return int(db.scalar(select(func.count()).select_from(ledger_entry)) or 0)


@pytest.mark.parametrize("level", [{}, [], 3, None])
def test_law_level_of_the_wrong_type_is_422(client: TestClient, db: Session, level: Any) -> None:
    headers = _bearer(db, "legal")
    before = _entries(db)
    response = client.post("/api/v1/laws", json={**LAW, "level": level}, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "level"
    assert "层级" in response.json()["detail"]
    assert _entries(db) == before


def test_signature_that_is_not_ascii_base64_is_400(client: TestClient, db: Session) -> None:
    headers = _bearer(db, "zhangwei")
    before = _entries(db)
    body = {
        "method": "signature",
        "signer_name": "张三",
        "signature_png_base64": NOT_ASCII,
        "at": "2026-03-02T10:00:00+08:00",
    }
    response = client.post("/api/v1/activities/1/acknowledgement", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "签名图像无效，请重新签名", "field": "signature"}
    assert _entries(db) == before


def test_statement_that_is_not_ascii_base64_is_400(client: TestClient, db: Session) -> None:
    headers = _bearer(db, "zhangwei")
    before = _entries(db)
    body = {
        "before_media_id": 1,
        "after_media_id": 2,
        "reason": "device_fault",
        "stated_in": "written",
        "statement_image_base64": NOT_ASCII,
    }
    response = client.post("/api/v1/activities/1/interruptions", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["detail"] == "书面说明文件的编码无效（应为 base64）"
    assert _entries(db) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/actions", {**ACTION, "party_id": 2**31}),
        ("/api/v1/actions", {**ACTION, "officer_ids": [1, 2**63]}),
        ("/api/v1/activities/1/certificate-shown", {"officer_id": 2**63}),
        ("/api/v1/publicity/corrections", {"obligation_id": 2**31, "what_is_wrong": "x"}),
        ("/api/v1/tokens", {"user_id": 2**64}),
    ],
)
def test_ids_in_bodies_beyond_the_columns_are_422(
    client: TestClient, db: Session, path: str, body: dict[str, Any]
) -> None:
    for username in ("zhangwei", "legal", "admin"):
        response = client.post(path, json=body, headers=_bearer(db, username))
        if response.status_code != 403:
            break
    assert response.status_code == 422, response.text
    assert "数值超出允许范围" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/p/²",
        "/p/" + "9" * 5000,
        "/p/99999999999.json",
        "/search?page=²",
        "/search?page=" + "9" * 5000,
    ],
)
def test_portal_numbers_no_column_holds_are_4xx(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500

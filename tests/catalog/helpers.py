"""Helpers of the catalogue tests: counting rows, signing in as a role."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import login


def count(db: Session, model: Any) -> int:
    db.rollback()  # a fresh snapshot: the client wrote through another connection
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def as_user(client: TestClient, username: str) -> dict[str, str]:
    """Sign in through the form; the headers an htmx/JSON call sends (CSRF)."""
    client.cookies.clear()
    return {"X-CSRF-Token": login(client, username)}


LAW = {
    "title": "上海市安全生产条例（测试）",
    "level": "地方性法规",
    "issuing_body": "上海市人民代表大会常务委员会",
    "doc_number": "测试公告第1号",
    "edition": "测试版",
    "published_on": "2024-01-10",
    "effective_on": "2024-03-01",
    "articles": [
        {"article": "第一条", "text": "立法目的（测试条文）。"},
        {"article": "第二十条", "paragraph": "第一款", "text": "测试条文二十之一。"},
    ],
}

"""Helpers for the document tests: principals, actions opened through the hub's own
service, and complete field sets for the kinds the tests issue."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy.orm import Session

from zhifa.enforcement.models import PartyKind
from zhifa.enforcement.parties import find_parties


def party_of_kind(db: Session, kind: PartyKind) -> tuple[int, str]:
    rows, _ = find_parties(db, kind=kind)
    return rows[0].party.id, rows[0].current.name


PENALTY_DECISION: dict[str, Any] = {
    "facts": "你单位未如实记录2025年度新员工安全生产教育和培训情况。",
    "evidence": "现场检查记录\n询问笔录\n培训档案复印件",
    "violated": "《中华人民共和国安全生产法》第二十八条第四款",
    "penalty_basis": "《中华人民共和国安全生产法》第九十七条第四项",
    "penalty_content": "罚款",
    "fine_amount": "12500.50",
    "statement": "当事人在法定期限内未提出陈述、申辩。",
}

FILING: dict[str, Any] = {
    "source": "监督检查",
    "summary": "2026年3月现场检查中发现当事人涉嫌未如实记录安全生产教育和培训情况。",
}

INQUIRY: dict[str, Any] = {
    "started_at": "2026-03-05T09:30",
    "ended_at": "2026-03-05T10:30",
    "place": "本局询问室",
    "interviewee": "王某",
    "content": "问：你单位的培训记录由谁负责？\n答：由安全员负责。",
}


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))

"""Helpers of the inspection-directory tests: demo enterprises in and out of the
directory, ledger entries of a table, a fresh read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhifa.demo.data import demo_dataset
from zhifa.demo.inspection import DEMO_SUBJECTS
from zhifa.ledger.models import ledger_entry

ENTERPRISES = [p for p in demo_dataset().parties if p.kind == "enterprise"]
LISTED = ENTERPRISES[0]  # in the demo directory (and a 回避 relation of 刘洋's)
OUTSIDE = ENTERPRISES[DEMO_SUBJECTS]  # registered, not in the directory

ENTRY: dict[str, Any] = {
    "uscc": OUTSIDE.uscc,
    "industry_code": "C3360",
    "risk_grade": "B",
    "street": "桃浦镇",
    "special_flags": ["dust_explosion"],
    "licence_state": "not_required",
}


def count(db: Session, model: Any) -> int:
    db.rollback()  # a fresh snapshot: the client wrote through another connection
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def entries(db: Session, table: str) -> list[str]:
    """The kinds of the ledger entries of a table's rows, in order."""
    db.rollback()
    query = select(ledger_entry.c.kind).where(ledger_entry.c.subject.like(f"{table}:%"))
    return list(db.scalars(query.order_by(ledger_entry.c["index"])))

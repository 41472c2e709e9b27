"""The 销毁清册 as a PDF: who prepared, appraised, approved, supervised and executed the
batch, and per blob its 档号/件号, title, digest, size and what became of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhifa.archive.disposal.models import (
    DisposalBatch,
    DisposalOpinion,
    DisposalOutcome,
    DisposalWitness,
)
from zhifa.archive.disposal.rules import (
    BASIS,
    ITEM_LABELS,
    OPINION_LABELS,
    OUTCOME_LABELS,
    ItemState,
)
from zhifa.core.clock import people_date, people_datetime
from zhifa.core.db import utcnow
from zhifa.core.models import User

_TEMPLATES = Path(__file__).parent / "templates"


def names(db: Session) -> dict[int, str]:
    """Everyone's name by user id, for the register and the batch page."""
    return {row.id: row.full_name for row in db.execute(select(User.id, User.full_name))}


def register_context(db: Session, batch: DisposalBatch) -> dict[str, Any]:
    people = names(db)
    items = {item.id: item for item in batch.items}
    opinions = db.scalars(
        select(DisposalOpinion)
        .where(DisposalOpinion.batch_id == batch.id)
        .order_by(DisposalOpinion.member_id, DisposalOpinion.id)
    )
    by_member: dict[int, list[str]] = {}
    at: dict[int, str] = {}
    for row in opinions:
        words = OPINION_LABELS[row.opinion]
        if row.extend_years:
            words += f"{row.extend_years}年（{row.reason}）"
        by_member.setdefault(row.member_id, []).append(f"{items[row.item_id].code}：{words}")
        at[row.member_id] = people_datetime(row.at)
    witnesses = db.scalars(
        select(DisposalWitness)
        .where(DisposalWitness.batch_id == batch.id)
        .order_by(DisposalWitness.id)
    )
    outcomes = db.scalars(
        select(DisposalOutcome)
        .where(DisposalOutcome.item_id.in_(list(items)))
        .order_by(DisposalOutcome.item_id, DisposalOutcome.id)
    )
    return {
        "batch": batch,
        "basis": BASIS,
        "as_of": people_date(batch.as_of),
        "creator": people.get(batch.created_by or 0, ""),
        "created": people_datetime(batch.created_at),
        "appraisers": [
            {"name": people.get(m, ""), "at": at[m], "text": "；".join(t)}
            for m, t in by_member.items()
        ],
        "approver": people.get(batch.decided_by or 0, ""),
        "decided": people_datetime(batch.decided_at),
        "witnesses": [
            {
                "name": people.get(w.user_id, ""),
                "at": people_datetime(w.at),
                "statement": w.statement,
            }
            for w in witnesses
        ],
        "executor": people.get(batch.executed_by or 0, ""),
        "executed": people_datetime(batch.executed_at),
        "rows": [
            {
                "code": items[o.item_id].code,
                "item_no": o.item_no or "",
                "title": o.title,
                "keep_until": people_date(items[o.item_id].keep_until),
                "digest": o.digest,
                "size": o.size,
                "outcome": OUTCOME_LABELS[o.outcome] + (f"：{o.detail}" if o.detail else ""),
            }
            for o in outcomes
        ],
        "kept": [
            {"code": i.code, "title": i.title, "state": ITEM_LABELS[i.state], "note": i.note}
            for i in batch.items
            if i.state in (ItemState.extended, ItemState.withdrawn)
        ],
        "generated": people_datetime(utcnow()),
    }


def register_pdf(db: Session, batch: DisposalBatch) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape())
    html = env.get_template("archive/disposal_register.html").render(**register_context(db, batch))
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]

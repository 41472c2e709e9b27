"""A drawn demo round for the review tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import principal
from zhifa.core.auth import Principal
from zhifa.core.keys import load_ledger_signer
from zhifa.core.models import User
from zhifa.core.settings import Settings
from zhifa.demo.case_review import drawn_demo_round
from zhifa.supervision.reviews import rounds
from zhifa.supervision.reviews.models import ReviewRound, ReviewSheet


def drawn_round(db: Session, settings: Settings) -> ReviewRound:
    row = drawn_demo_round(db, settings, load_ledger_signer(settings))
    db.commit()
    return row


def sheets(db: Session, row: ReviewRound) -> list[ReviewSheet]:
    query = select(ReviewSheet).where(ReviewSheet.round_id == row.id).order_by(ReviewSheet.id)
    return list(db.scalars(query))


def reviewer_of(db: Session, sheet: ReviewSheet) -> Principal:
    user = db.get(User, rounds.active_assignments(db, sheet.id)[0].reviewer_id)
    assert user is not None
    return principal(db, user.username)
